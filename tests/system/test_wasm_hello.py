"""The Wasm engine linked into the kernel: tests/programs/wasm_hello.c loads
a hand-assembled module from a static arena and runs it (recursion in i32
and i64, fuel slices, memory, a host import, i64/float conversions) on hosted (the sanitizer build)
and on each bare-metal platform under QEMU (virtio-mmio)."""
import re

import pytest
from test_baremetal import PLATFORMS, boot, checked
from test_hosted_programs import run_program

LINE = re.compile(r"wasm: fib\(20\)=6765 fact\(20\)=2432902008176640000 "
                  r"squares\(100\)=328350 conv=79365078650 slices=\d+ arena=\d+ ok")


def test_wasm_hello_hosted():
    lines = run_program("wasm_hello")
    assert LINE.fullmatch(lines[-1]), lines


@pytest.mark.parametrize("platform", PLATFORMS)
def test_wasm_hello_baremetal(kernel, platform, tmp_path):
    k = boot(kernel, checked(platform, "mmio"), "wasm_hello", tmp_path)
    end = k.expect(lambda l: l.startswith("wasm: "), timeout=60)
    assert LINE.fullmatch(end), "\n".join(k.lines)
    k.proc.wait(timeout=10)
