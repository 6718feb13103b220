"""Section 1, Boot: milliseconds from QEMU's launch to the first UDP echo
from the demo kernel, beside QEMU's own floor.

Per platform and transport, ctx.runs runs of each, alternating:
  - the demo (build/<p>/kernel.elf) started as `make run` starts it; when
    its console says "demo: udp echo", `udpload first` sends a datagram
    every 10 ms until one comes back, and reports the CLOCK_MONOTONIC time
    of that echo (the clock of time.monotonic()); boot = echo - launch;
  - build/<p>/floor.elf (bench/floor/floor.c: the platform's boot code, then
    one byte on the console and power-off) on the same QEMU command line:
    launch to that byte, and launch to QEMU's exit.
"ours" is the median boot minus the median floor (first byte).
"""
import os
import select
import statistics
import subprocess
import tempfile
import time

import common
import sec_udp


def boot_once(platform, transport, elf, disk):
    """ms from launch to the first echo, or a string saying what failed."""
    port = common.free_udp_port()
    argv = common.qemu_argv(platform, transport, elf, port, disk)
    proc, t0 = common.start(argv)
    try:
        if common.wait_line(proc, "demo: udp echo") is None:
            return sec_udp.no_line(proc)
        r = sec_udp.udpload(port, "first", 5000, timeout=15)
        if r["first_ms"] < 0:
            return "no echo within 5 s of the echo line"
        return (r["mono_ns"] / 1e9 - t0) * 1000
    except subprocess.TimeoutExpired:
        return "udpload timed out"
    except subprocess.CalledProcessError as e:
        return "udpload exited with %d" % e.returncode
    finally:
        common.stop(proc)


def floor_once(platform, transport, elf, disk, timeout=30.0):
    """(ms to the first console byte, ms to QEMU's exit), or a string
    saying what failed."""
    argv = common.qemu_argv(platform, transport, elf, 0, disk)
    proc, t0 = common.start(argv)
    try:
        end = t0 + timeout
        t_byte = None
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return "QEMU still running after %d s" % timeout
            r, _, _ = select.select([proc.stdout], [], [], left)
            if not r:
                continue
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            if t_byte is None and b"!" in chunk:
                t_byte = time.monotonic()
        proc.wait()
        t_exit = time.monotonic()
        if t_byte is None:
            return "no byte on the console"
        # arch_poweroff(false) exits with 0, or 1 through x86's
        # isa-debug-exit ((0 << 1) | 1).
        ok = 1 if platform in ("x32", "x64") else 0
        if proc.returncode != ok:
            return "QEMU exited with %d" % proc.returncode
        return (t_byte - t0) * 1000, (t_exit - t0) * 1000
    finally:
        common.stop(proc)


def measure(platform, transport, disk, runs, floor_err):
    """The row's cells after platform and transport. floor_err: why the
    floor cannot run (not built), or None."""
    elf = os.path.join(common.ROOT, "build", platform, "kernel.elf")
    floor_elf = os.path.join(common.ROOT, "build", platform, "floor.elf")
    boot, first, exit_ = [], [], []
    boot_err = None
    for _ in range(runs):
        if boot_err is None:
            b = boot_once(platform, transport, elf, disk)
            if isinstance(b, str):
                boot_err = "failed: %s (run %d)" % (b, len(boot) + 1)
            else:
                boot.append(b)
        if floor_err is None:
            f = floor_once(platform, transport, floor_elf, disk)
            if isinstance(f, str):
                floor_err = "failed: %s (run %d)" % (f, len(first) + 1)
            else:
                first.append(f[0])
                exit_.append(f[1])
    boot_cell = boot_err or common.fmt(boot)
    floor_cell = floor_err or common.fmt(first)
    exit_cell = "-" if floor_err else common.fmt(exit_)
    if boot_err or floor_err:
        ours = "-"
    else:
        ours = "%.0f" % (statistics.median(boot) - statistics.median(first))
    return [boot_cell, floor_cell, exit_cell, ours]


def run(ctx):
    sec_udp.ensure_udpload()
    rows = []
    with tempfile.NamedTemporaryFile(prefix="bench-boot-", suffix=".img") as d:
        d.truncate(1 << 20)
        for p in ctx.platforms:
            built = True
            floor_err = None
            try:
                common.make("PLATFORM=" + p, "all")
            except subprocess.CalledProcessError:
                built = False
            try:
                common.make("PLATFORM=" + p, "build/%s/floor.elf" % p)
            except subprocess.CalledProcessError:
                floor_err = "failed: make build/%s/floor.elf" % p
            for t in ctx.transports:
                common.log("boot: %s %s" % (p, t))
                if not built:
                    rows.append([p, t, "failed: make PLATFORM=%s all" % p])
                    continue
                try:
                    cells = measure(p, t, d.name, ctx.runs, floor_err)
                except Exception as e:  # one config's failure is its row
                    cells = ["failed: %s" % e]
                rows.append([p, t, *cells])
    header = ["platform", "transport", "first echo ms", "QEMU floor ms",
              "floor exit ms", "ours ms"]
    text = ("### 1. Boot\n\n"
            "Milliseconds from QEMU's launch to the first UDP echo from the "
            "demo kernel (a datagram every 10 ms from the moment its console "
            "says the echo is up), %d runs per configuration. The floor is "
            "QEMU itself on the same command line with a kernel that writes "
            "one byte and powers off (`bench/floor/floor.c` on the "
            "platform's boot code): launch to that byte, and to QEMU's exit. "
            "\"ours\" is the median first echo minus the median floor.\n\n"
            % ctx.runs)
    return text + common.table(header, rows) + "\n"
