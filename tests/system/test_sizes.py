"""Every bare-metal demo kernel (build/<p>/kernel.elf, which test-system
builds; the Wasm engine is not in it) is at most 64 KiB stripped: issue 14's
bound, the same figure `make sizes` prints."""
import os
import shutil
import subprocess

import pytest
from conftest import ROOT
from test_baremetal import PLATFORMS

LIMIT = 64 * 1024


def strip_tool():
    # GNU strip reads the host's ELF only; llvm-strip reads every target's.
    for name in ("llvm-strip", "llvm-strip-14"):
        if shutil.which(name):
            return name
    pytest.skip("llvm-strip is not installed (Debian package llvm)")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_demo_kernel_is_at_most_64_kib_stripped(platform, tmp_path):
    elf = os.path.join(ROOT, "build", platform, "kernel.elf")
    assert os.path.exists(elf), "build it first: make PLATFORM=%s" % platform
    out = tmp_path / "kernel.stripped"
    subprocess.run([strip_tool(), "-o", str(out), elf], check=True)
    size = out.stat().st_size
    assert size <= LIMIT, "%s: %d bytes stripped, over %d" % (platform, size, LIMIT)
