#!/usr/bin/env python3
"""Time from QEMU launch to the kernel's banner line, per platform and
transport: the median (with min and max) of N runs of build/<p>/kernel.elf,
started exactly as `make run` starts it.

    python3 bench/boot_banner.py [RUNS] [PLATFORM...]
"""
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
PLATFORMS = ["rv32", "rv64", "arm32", "arm64", "x32", "x64"]


def command(platform, transport, disk):
    elf = os.path.join(ROOT, "build", platform, "kernel.elf")
    out = subprocess.run(
        ["make", "-s", "--no-print-directory", "print-run",
         "PLATFORM=" + platform, "TRANSPORT=" + transport, "KERNEL=" + elf,
         "DISK=" + disk, "PORT=0"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout
    # PORT=0 lets the host pick a free port for the forward.
    return shlex.split(out)


def one_run(argv):
    start = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, errors="replace")
    try:
        for line in p.stdout:
            if line.startswith("realmos "):
                return time.monotonic() - start
        return None
    finally:
        p.kill()
        p.wait()


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    platforms = sys.argv[2:] or PLATFORMS
    with tempfile.NamedTemporaryFile(suffix=".img") as disk:
        disk.truncate(1 << 20)
        print("| platform | transport | median ms | min | max |")
        print("|---|---|---|---|---|")
        for p in platforms:
            subprocess.run(["make", "-s", "PLATFORM=" + p, "all"], cwd=ROOT,
                           check=True)
            for t in ("mmio", "pci"):
                argv = command(p, t, disk.name)
                times = [one_run(argv) for _ in range(runs)]
                ok = [x * 1000 for x in times if x is not None]
                if len(ok) < runs:
                    print("| %s | %s | no banner in %d of %d runs | | |"
                          % (p, t, runs - len(ok), runs))
                    continue
                print("| %s | %s | %.1f | %.1f | %.1f |"
                      % (p, t, statistics.median(ok), min(ok), max(ok)))


if __name__ == "__main__":
    main()
