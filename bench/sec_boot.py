"""Section 1, Boot: milliseconds from QEMU's launch to the first UDP echo
from the demo kernel, beside QEMU's own floor.

Per platform and transport, ctx.runs runs of each, alternating:
  - the demo (build/<p>/kernel.elf) started as `make run` starts it; when
    its console says "demo: udp echo", a socket opened before the launch
    sends a datagram at once and every 1 ms until one comes back;
    boot = echo - launch (boot_once), and the host times of its console
    lines and the kernel's own boot report give the phases;
  - build/<p>/floor.elf (bench/floor/floor.c: the platform's boot code, then
    one byte on the console and power-off) on the same QEMU command line:
    launch to that byte, and launch to QEMU's exit.
"ours" is the median boot minus the median floor (first byte). With KVM
usable, x32 and x64 are measured again under it; otherwise their rows say
they were skipped.
"""
import os
import re
import select
import socket
import statistics
import subprocess
import tempfile
import time

import common
import sec_udp


PROBE = b"realmos-boot-probe"
PROBE_INTERVAL = 0.001  # s between probes, from the echo line on
STAMPS = [  # (key, line prefix, regex of its guest ms values)
    ("instr", "boot: first instruction at ",
     r"first instruction at ([0-9.]+) ms, devices up at ([0-9.]+) ms"),
    ("address", "demo: address at ",
     r"address at ([0-9.]+) ms, serving at ([0-9.]+) ms"),
]


def boot_once(platform, transport, elf, disk, make_args=()):
    """One boot of the demo: a dict of host ms from launch ("byte": the
    first console byte, "banner", "serving": the echo line, "echo": the
    first echo) and guest ms by the kernel's own report ("g_instr",
    "g_devices", "g_address", "g_serving"), or a string saying what failed.

    The probe is a datagram from a socket opened before the launch, sent
    the moment the echo line is read and every 1 ms after it. (Until
    2026-12 a udpload process was started at the line and sent every 10 ms:
    its start alone put 3 to 11 ms into every figure.)"""
    port = common.free_udp_port()
    argv = common.qemu_argv(platform, transport, elf, port, disk, *make_args)
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.connect(("127.0.0.1", port))
    probe.setblocking(False)
    proc, t0 = common.start(argv)
    out = {}

    def lines(chunk, now):
        out.setdefault("byte", now)
        proc.pending += chunk
        while b"\n" in proc.pending:
            raw, proc.pending = proc.pending.split(b"\n", 1)
            line = raw.decode(errors="replace").rstrip("\r")
            if line.startswith("realmos "):
                out.setdefault("banner", now)
            elif line.startswith("demo: udp echo"):
                out.setdefault("serving", now)
            for key, prefix, pattern in STAMPS:
                m = re.search(pattern, line) if line.startswith(prefix) else None
                if m:
                    a, b = float(m.group(1)), float(m.group(2))
                    if key == "instr":
                        out["g_instr"], out["g_devices"] = a, b
                    else:
                        out["g_address"], out["g_serving"] = a, b

    def read(timeout):
        r, _, _ = select.select([proc.stdout], [], [], max(timeout, 0))
        if not r:
            return True
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            return False
        lines(chunk, time.monotonic())
        return True

    try:
        end = t0 + 60
        while "serving" not in out:
            if time.monotonic() >= end:
                return "no 'demo: udp echo' line within 60 s"
            if not read(end - time.monotonic()):
                return sec_udp.no_line(proc)
        end = time.monotonic() + 5
        next_send = 0.0
        while "echo" not in out:
            now = time.monotonic()
            if now >= end:
                return "no echo within 5 s of the echo line"
            if now >= next_send:
                try:
                    probe.send(PROBE)
                except OSError:
                    pass
                next_send = now + PROBE_INTERVAL
            r, _, _ = select.select([probe], [], [], max(next_send - now, 0))
            if r:
                try:
                    if probe.recv(64) == PROBE:
                        out["echo"] = time.monotonic()
                except OSError:
                    pass
        end = time.monotonic() + 1  # the report line follows the echo line
        while "g_serving" not in out and time.monotonic() < end:
            if not read(end - time.monotonic()):
                break
        for k in ("byte", "banner", "serving", "echo"):
            if k in out:
                out[k] = (out[k] - t0) * 1000
        return out
    finally:
        probe.close()
        common.stop(proc)


def floor_once(platform, transport, elf, disk, timeout=30.0, make_args=()):
    """(ms to the first console byte, ms to QEMU's exit), or a string
    saying what failed."""
    argv = common.qemu_argv(platform, transport, elf, 0, disk, *make_args)
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


PHASES = [("byte", "first byte"), ("banner", "banner"),
          ("serving", "echo line"), ("echo", "first echo")]
GUEST = [("g_instr", "first instruction"), ("g_devices", "devices up"),
         ("g_address", "address"), ("g_serving", "serving")]


def measure(platform, transport, disk, runs, floor_err, make_args=()):
    """(the row's cells after platform and transport, the phase row's).
    floor_err: why the floor cannot run (not built), or None."""
    elf = os.path.join(common.ROOT, "build", platform, "kernel.elf")
    floor_elf = os.path.join(common.ROOT, "build", platform, "floor.elf")
    boots, first, exit_ = [], [], []
    boot_err = None
    for _ in range(runs):
        if boot_err is None:
            b = boot_once(platform, transport, elf, disk, make_args)
            if isinstance(b, str):
                boot_err = "failed: %s (run %d)" % (b, len(boots) + 1)
            else:
                boots.append(b)
        if floor_err is None:
            f = floor_once(platform, transport, floor_elf, disk,
                           make_args=make_args)
            if isinstance(f, str):
                floor_err = "failed: %s (run %d)" % (f, len(first) + 1)
            else:
                first.append(f[0])
                exit_.append(f[1])
    echo = [b["echo"] for b in boots]
    boot_cell = boot_err or common.fmt(echo)
    floor_cell = floor_err or common.fmt(first)
    exit_cell = "-" if floor_err else common.fmt(exit_)
    if boot_err or floor_err:
        ours = "-"
    else:
        ours = "%.0f" % (statistics.median(echo) - statistics.median(first))
    if boot_err:
        phases = [boot_err]
    else:
        med = lambda k, d=0: "%.*f" % (d, statistics.median(  # noqa: E731
            [b[k] for b in boots])) if all(k in b for b in boots) else "-"
        phases = ([floor_cell if floor_err else "%.0f" % statistics.median(first)]
                  + [med(k) for k, _ in PHASES] + [med(k, 1) for k, _ in GUEST])
    return [boot_cell, floor_cell, exit_cell, ours], phases


def configs(ctx):
    """(label, platform, transport, make args, why skipped or None)."""
    out = [(p, p, t, (), None) for p in ctx.platforms for t in ctx.transports]
    for p in ctx.platforms:
        if p in common.KVM_PLATFORMS:
            out += [("%s (kvm)" % p, p, t, ("ACCEL=kvm",),
                     None if ctx.kvm else common.KVM_SKIPPED)
                    for t in ctx.transports]
    return out


def run(ctx):
    rows, phase_rows = [], []
    built = {}
    with tempfile.NamedTemporaryFile(prefix="bench-boot-", suffix=".img") as d:
        d.truncate(1 << 20)
        for label, p, t, make_args, skipped in configs(ctx):
            if skipped:
                rows.append([label, t, skipped])
                phase_rows.append([label, t, skipped])
                continue
            if p not in built:
                built[p] = [True, None]
                try:
                    common.make("PLATFORM=" + p, "all")
                except subprocess.CalledProcessError:
                    built[p][0] = False
                try:
                    common.make("PLATFORM=" + p, "build/%s/floor.elf" % p)
                except subprocess.CalledProcessError:
                    built[p][1] = "failed: make build/%s/floor.elf" % p
            common.log("boot: %s %s" % (label, t))
            if not built[p][0]:
                rows.append([label, t, "failed: make PLATFORM=%s all" % p])
                continue
            try:
                cells, phases = measure(p, t, d.name, ctx.runs, built[p][1],
                                        make_args)
            except Exception as e:  # one config's failure is its row
                cells = phases = ["failed: %s" % e]
            rows.append([label, t, *cells])
            phase_rows.append([label, t, *phases])
    header = ["platform", "transport", "first echo ms", "QEMU floor ms",
              "floor exit ms", "ours ms"]
    text = ("### 1. Boot\n\n"
            "Milliseconds from QEMU's launch to the first UDP echo from the "
            "demo kernel (a datagram the moment its console says the echo is "
            "up, then one every 1 ms), %d runs per configuration. The floor is "
            "QEMU itself on the same command line with a kernel that writes "
            "one byte and powers off (`bench/floor/floor.c` on the "
            "platform's boot code): launch to that byte, and to QEMU's exit. "
            "\"ours\" is the median first echo minus the median floor.\n\n"
            % ctx.runs)
    phase_header = (["platform", "transport", "floor"]
                    + [n for _, n in PHASES] + [n for _, n in GUEST])
    text2 = ("Where the time goes, medians of the same runs. Host ms from "
             "QEMU's launch: the floor's byte; the demo's first console byte, "
             "its banner (devices up), its echo line, the first echo. Guest "
             "ms by the machine's own clock, which QEMU starts with the "
             "machine (docs/baremetal.md), as the kernel reports them: its "
             "first instruction (after QEMU's firmware on x86), devices up "
             "(`boot:` line), the address and the echo up (`demo: address "
             "at` line).\n\n")
    return (text + common.table(header, rows) + "\n\n" + text2
            + common.table(phase_header, phase_rows) + "\n")
