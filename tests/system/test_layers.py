"""The build enforces the layers (docs/architecture.md, "Who may include
what"): a file of each folder is compiled with the include paths of the
layers it may use and no others. For one source file per layer, take the
exact compile command make would run (make -n), and compile with it a probe
that includes one header: a header of a layer below must be found, one of a
layer it may not use must fail with "file not found" (or, for kernel.h,
with its own refusal)."""
import os
import shlex
import subprocess

import pytest
from conftest import ROOT

# (platform, a source file of the layer, headers it may include, headers it
# may not).
LAYERS = [
    ("x64", "lib/kstring.c", ["kstring.h"],
     ["kapi.h", "stack.h", "arch.h", "virtqueue.h"]),
    ("x64", "kernel/work.c", ["kapi.h", "kstring.h", "kernel.h"],
     ["stack.h", "knet_stats.h", "arch.h", "pci.h", "virtqueue.h",
      "arm_cpu.h"]),
    ("x64", "net/udp.c", ["device.h", "kapi.h", "kstring.h", "knet_stats.h"],
     ["kernel.h", "arch.h", "virtqueue.h", "driver_platform.h"]),
    ("x64", "drivers/virtio/net.c",
     ["device.h", "driver_platform.h", "kstring.h", "virtqueue.h"],
     ["kernel.h", "arch.h", "pci.h", "bm_platform.h", "stack.h"]),
    ("x64", "apps/demo/demo.c", ["kapi.h", "knet_stats.h"],
     ["kernel.h", "stack.h", "kstring.h", "arch.h", "virtqueue.h"]),
    ("hosted", "kernel/work.c", ["kernel.h"], ["hosted.h", "options.h"]),
    ("hosted", "net/udp.c", ["device.h"], ["kernel.h", "hosted.h"]),
]


def compile_command(platform, source):
    """make's command for `source` on `platform`, as an argv list that only
    checks the syntax of whatever file is put in place of `source`."""
    obj = "build/%s/%s" % (platform, source[:-2] + ".o")
    out = subprocess.run(["make", "-n", "-B", "--no-print-directory",
                          "PLATFORM=" + platform, "V=1", obj],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    lines = [l for l in out.stdout.splitlines()
             if l.startswith("clang ") and (" -c %s " % source) in l]
    assert len(lines) == 1, out.stdout
    argv = shlex.split(lines[0])
    i = argv.index("-c")
    del argv[i:i + 4]  # -c SOURCE -o OBJECT
    return [a for a in argv if a not in ("-MMD", "-MP")] + ["-fsyntax-only"]


def probe(argv, tmp_path, header):
    src = tmp_path / "probe.c"
    src.write_text('#include "%s"\nint layer_probe;\n' % header)
    return subprocess.run(argv + [str(src)], cwd=ROOT, capture_output=True,
                          text=True)


@pytest.mark.parametrize("platform,source,allowed,refused", LAYERS,
                         ids=["%s-%s" % (l[0], l[1]) for l in LAYERS])
def test_a_wrong_include_fails_to_build(platform, source, allowed, refused,
                                        tmp_path):
    argv = compile_command(platform, source)
    for header in allowed:
        r = probe(argv, tmp_path, header)
        assert r.returncode == 0, (source, header, r.stderr)
    for header in refused:
        r = probe(argv, tmp_path, header)
        assert r.returncode != 0, "%s may include %s" % (source, header)
        why = ("kernel.h is the core's own" if header == "kernel.h"
               else "'%s' file not found" % header)
        assert why in r.stderr, (source, header, r.stderr)


def test_every_header_named_exists():
    """A refused header that does not exist anywhere would pass for the
    wrong reason."""
    names = {h for l in LAYERS for h in l[2] + l[3]}
    found = set()
    for top in ("lib", "kernel", "net", "drivers", "platform", "apps"):
        for _, _, files in os.walk(os.path.join(ROOT, top)):
            found.update(files)
    assert names <= found, names - found
