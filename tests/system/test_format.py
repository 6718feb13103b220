"""Every C file of the tree follows .clang-format (the style the tree was
written in, docs/architecture.md "Reading the code"): clang-format, run on
each, changes nothing. `make format` rewrites the files that differ."""
import os
import subprocess

from conftest import ROOT

SKIP_DIRS = {"build", ".git"}


def c_files():
    for top, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs
                         if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith((".c", ".h")):
                yield os.path.relpath(os.path.join(top, name), ROOT)


def test_every_c_file_follows_clang_format():
    files = list(c_files())
    assert len(files) > 100, "the walk found the tree's C files"
    differ = []
    for i in range(0, len(files), 50):
        batch = files[i:i + 50]
        out = subprocess.run(["clang-format", "--dry-run"] + batch, cwd=ROOT,
                             capture_output=True, text=True, check=True)
        differ += sorted({line.split(":")[0] for line in
                          out.stderr.splitlines() if ": warning:" in line})
    assert differ == [], ("%d files differ from .clang-format (make format "
                          "rewrites them): %s" % (len(differ),
                                                  " ".join(differ)))
