"""What the benchmark sections share (bench/run.py runs them).

A section is a module bench/sec_<name>.py with `run(ctx) -> str`: it measures
and returns its part of the report, Markdown starting with a "### " heading
and holding one table. `ctx` (a Context) says what to measure and where to
write files. Every figure is reported by `fmt()`: the median of the runs,
with min and max beside it.
"""
import os
import shlex
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BAREMETAL = ["rv32", "rv64", "arm32", "arm64", "x32", "x64"]
TRANSPORTS = ["mmio", "pci"]


def kvm_unusable_reason():
    """Why QEMU cannot use KVM here, or None if it can: /dev/kvm must open
    and QEMU must start with it (some hosts have the device but refuse it).
    The one check of the benchmarks and of tests/system's KVM tests."""
    if not os.path.exists("/dev/kvm"):
        return "no /dev/kvm"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "/dev/kvm not readable and writable"
    try:
        p = subprocess.run(["qemu-system-x86_64", "-accel", "kvm", "-M", "none",
                            "-display", "none", "-monitor", "none",
                            "-serial", "none", "-S"],
                           capture_output=True, text=True, timeout=2)
    except subprocess.TimeoutExpired:
        return None  # it started and waited, as -S makes it
    except OSError as e:
        return "qemu-system-x86_64: %s" % e
    if p.returncode != 0:
        return "QEMU refuses -accel kvm: %s" % (p.stderr.strip() or p.returncode)
    return None


def kvm_usable():
    return kvm_unusable_reason() is None


# The x86 platforms and transports measured again under KVM when it is usable.
KVM_PLATFORMS = ["x32", "x64"]
KVM_SKIPPED = "skipped: /dev/kvm not usable here"


class Context:
    def __init__(self, platforms, runs, results_dir, stamp, kvm):
        self.root = ROOT
        self.platforms = platforms  # bare-metal platforms to measure
        self.transports = TRANSPORTS
        self.runs = runs            # runs per figure (at least 5)
        self.results_dir = results_dir
        self.stamp = stamp          # "<date>-<host>": names this run's files
        self.kvm = kvm              # /dev/kvm usable: x32, x64 also with ACCEL=kvm


def log(*args):
    """Progress, on stderr: stdout carries the report."""
    print(*args, file=sys.stderr, flush=True)


def fmt(values, digits=0):
    """'median (min-max)' of a list of numbers; '-' when empty."""
    if not values:
        return "-"
    f = "%%.%df" % digits
    return "%s (%s-%s)" % (f % statistics.median(values), f % min(values),
                           f % max(values))


def table(header, rows):
    """A Markdown table from a header list and row lists."""
    out = ["| " + " | ".join(header) + " |",
           "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make(*args):
    """Run make in the tree (quietly); raises on failure."""
    subprocess.run(["make", "-s", "--no-print-directory", *args], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)


def qemu_argv(platform, transport, elf, port=0, disk=None, *make_args):
    """The QEMU command line `make run` would use for `elf`."""
    if disk is None:
        disk = os.path.join(ROOT, "build", "bench-disk.img")
        if not os.path.exists(disk):
            with open(disk, "wb") as f:
                f.truncate(1 << 20)
    out = subprocess.run(
        ["make", "-s", "--no-print-directory", "print-run",
         "PLATFORM=" + platform, "TRANSPORT=" + transport, "KERNEL=" + elf,
         "DISK=" + disk, "PORT=%d" % port, *make_args],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return shlex.split(out)


def start(argv):
    """Start a process with its console on a pipe; returns (proc, t0)."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, bufsize=0)
    p.pending = b""
    return p, t0


def wait_line(proc, prefix, timeout=60.0):
    """Read the console until a line starts with prefix; returns the time
    that line was read (time.monotonic()), or None if the process ended or
    the time ran out first. Unbuffered, so the time is when it arrived."""
    import select
    end = time.monotonic() + timeout
    want = prefix.encode()
    while True:
        while b"\n" in proc.pending:
            line, proc.pending = proc.pending.split(b"\n", 1)
            if line.startswith(want):
                return time.monotonic()
        left = end - time.monotonic()
        if left <= 0:
            return None
        r, _, _ = select.select([proc.stdout], [], [], left)
        if r:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                return None
            proc.pending += chunk


def stop(proc):
    proc.kill()
    proc.wait()
