#!/usr/bin/env python3
"""Block throughput inside the guest: runs build/<p>/blk_bench.elf
(bench/programs/blk_bench.c) on a 64 MiB disk image per platform and
transport, and prints MiB/s and operations per second per phase.

    python3 bench/blk_bench.py [PLATFORM...]     (default: arm64 x64)
"""
import os
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def argv_for(platform, transport, disk):
    if platform == "hosted":
        return [os.path.join(ROOT, "build/hosted/blk_bench.elf"), "--disk", disk]
    out = subprocess.run(
        ["make", "-s", "--no-print-directory", "print-run",
         "PLATFORM=" + platform, "TRANSPORT=" + transport,
         "KERNEL=" + os.path.join(ROOT, "build", platform, "blk_bench.elf"),
         "DISK=" + disk, "PORT=0"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return shlex.split(out)


def run(platform, transport):
    with tempfile.NamedTemporaryFile(suffix=".img") as disk:
        disk.truncate(64 << 20)
        p = subprocess.run(argv_for(platform, transport, disk.name),
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=600)
    rows = []
    for line in p.stdout.splitlines():
        f = line.split()
        if line.startswith("blk-bench: FAIL"):
            raise SystemExit("%s %s: %s" % (platform, transport, line))
        if len(f) == 8 and f[0] == "blk-bench:":
            nbytes, ops, ns = int(f[2]), int(f[4]), int(f[6])
            rows.append((f[1], nbytes / (1 << 20) / (ns / 1e9), ops / (ns / 1e9)))
    return rows


def main():
    platforms = sys.argv[1:] or ["arm64", "x64"]
    print("| platform | transport | phase | MiB/s | ops/s |")
    print("|---|---|---|---|---|")
    for p in platforms:
        subprocess.run(["make", "-s", "PLATFORM=" + p, "bench-programs"],
                       cwd=ROOT, check=True)
        for t in (["-"] if p == "hosted" else ["mmio", "pci"]):
            for phase, mib, ops in run(p, t):
                print("| %s | %s | %s | %.1f | %.0f |" % (p, t, phase, mib, ops))


if __name__ == "__main__":
    main()
