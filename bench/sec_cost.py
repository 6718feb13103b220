"""Section 5: the core's own cost, in instructions counted by callgrind.

Each cost program (bench/programs/cost_*.c, built for the hosted platform)
calls a marker function, cost_mark(), after a warm-up, after N operations,
and after 2N more. Run under `valgrind --tool=callgrind
--dump-before=cost_mark`, that gives one count per stretch; the cost of one
operation is (count of the 2N stretch - count of the N stretch) / N, which
cancels whatever the stretches' edges add.

Two things make the hosted build run under Debian 12's Valgrind 3.19:
  - it cannot read clang 14's DWARF 5, so each program runs from a copy with
    the debug sections removed (the symbols stay: cost_mark is found);
  - it does not know epoll_pwait2 and fails it with ENOSYS, so
    bench/cost/epoll_pwait2_shim.c is preloaded to serve it with epoll_pwait.
Under Valgrind, clock_gettime is a system call, not the vDSO, so the clock
reads in these counts are cheaper than natively.
"""
import os
import select
import shutil
import socket
import struct
import subprocess
import time

import common

BIG_BUILD = "build/hosted-timers1m"  # KCONFIG_MAX_TIMERS = 2^20
SHIM = "build/bench/epoll_pwait2_shim.so"

PEER_MAC = bytes.fromhex("020000000002")
PEER_IP = "10.0.9.2"
KERNEL_IP = "10.0.9.1"
PEER_PORT = 40000
ECHO_PORT = 7  # bench/programs/cost_udp.c
PAYLOAD = 64


def tool(out, src, *flags):
    """out (build/bench/...): by its Makefile rule if there is one, else with
    clang and the flags of the bench tools."""
    r = subprocess.run(["make", "-s", "--no-print-directory", out],
                       cwd=common.ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        if "No rule to make target" not in r.stderr:
            raise RuntimeError("make %s:\n%s" % (out, r.stderr))
        os.makedirs(os.path.join(common.ROOT, os.path.dirname(out)),
                    exist_ok=True)
        subprocess.run(["clang", "-std=c11", "-D_GNU_SOURCE", "-O2", "-Wall",
                        "-Wextra", "-Werror", *flags, "-o", out, src],
                       cwd=common.ROOT, check=True)
    return os.path.join(common.ROOT, out)


def build():
    common.make("PLATFORM=hosted", "bench-programs")
    common.make("PLATFORM=hosted", "BUILD=" + BIG_BUILD,
                "TARGET_FLAGS=-DKCONFIG_MAX_TIMERS=1048576",
                BIG_BUILD + "/cost_timers.elf")
    return tool(SHIM, "bench/cost/epoll_pwait2_shim.c", "-shared", "-fPIC")


def without_debug(elf, workdir):
    """A copy of elf without its DWARF (Valgrind 3.19 cannot read it)."""
    out = os.path.join(workdir, os.path.basename(os.path.dirname(elf)) + "-" +
                       os.path.basename(elf))
    subprocess.run(["objcopy", "--strip-debug", elf, out], check=True)
    return out


def callgrind_argv(elf, out):
    return ["valgrind", "--tool=callgrind", "--dump-before=cost_mark",
            "--callgrind-out-file=" + out, elf]


def remove_dumps(out):
    for old in [out] + ["%s.%d" % (out, i) for i in range(1, 50)]:
        if os.path.exists(old):
            os.remove(old)


def totals(out):
    """The instruction count of each dump (out.1, out.2, ...), in order."""
    counts = []
    i = 1
    while os.path.exists("%s.%d" % (out, i)):
        with open("%s.%d" % (out, i)) as f:
            for line in f:
                if line.startswith("totals:") or line.startswith("summary:"):
                    counts.append(int(line.split()[1]))
                    break
        i += 1
    return counts


def per_op(console, counts):
    """{phase name: instructions per operation} from the program's
    "cost: <name> n <N>" lines and the dump counts: phase i's N stretch is
    dump 3i+2 and its 2N stretch dump 3i+3."""
    phases = []
    for line in console.splitlines():
        f = line.split()
        if len(f) >= 4 and f[0] == "cost:" and "n" in f:
            phases.append((f[1], int(f[f.index("n") + 1])))
    if len(counts) < 3 * len(phases):
        raise RuntimeError("cost: %d dumps for %d phases:\n%s" %
                           (len(counts), len(phases), console))
    return {name: (counts[3 * i + 2] - counts[3 * i + 1]) / n
            for i, (name, n) in enumerate(phases)}


def run_plain(elf, shim, out):
    """A cost program that needs no peer."""
    remove_dumps(out)
    r = subprocess.run(callgrind_argv(elf, out), env=dict(os.environ,
                       LD_PRELOAD=shim), stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0 or "cost: done" not in r.stdout:
        raise RuntimeError("cost: %s failed:\n%s%s" % (elf, r.stdout,
                                                       r.stderr[-2000:]))
    return per_op(r.stdout, totals(out))


# ---- the UDP peer: Ethernet frames over the dgram backend -----------------

def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def udp_frame(dst_mac, payload):
    src, dst = socket.inet_aton(PEER_IP), socket.inet_aton(KERNEL_IP)
    ulen = 8 + len(payload)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, ulen)
    udp = struct.pack("!HHHH", PEER_PORT, ECHO_PORT, ulen, 0) + payload
    udp = udp[:6] + struct.pack("!H", checksum(pseudo + udp) or 0xffff) + \
        udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, 0, 0x4000, 64, 17, 0,
                     src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return dst_mac + PEER_MAC + b"\x08\x00" + ip + udp


def arp_reply(request):
    """The answer to an ARP request for PEER_IP, or None."""
    arp = request[14:42]
    if len(arp) < 28 or struct.unpack("!H", arp[6:8])[0] != 1 or \
            arp[24:28] != socket.inet_aton(PEER_IP):
        return None
    sha, spa = arp[8:14], arp[14:18]
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + PEER_MAC + arp[24:28] + \
        sha + spa
    return sha + PEER_MAC + b"\x08\x06" + body


def read_line(proc, prefix, timeout):
    """The first console line starting with prefix, or None."""
    end = time.monotonic() + timeout
    buf = b""
    while time.monotonic() < end:
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if line.startswith(prefix.encode()):
                return line.decode()
        r, _, _ = select.select([proc.stdout], [], [], end - time.monotonic())
        if r:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                return None
            buf += chunk
    return None


def run_udp(elf, shim, out):
    """cost_udp.elf on the dgram backend, with this process as its peer:
    one datagram at a time, each sent when the echo of the one before came
    back; ARP requests for the peer are answered."""
    remove_dumps(out)
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", 0))
    peer.settimeout(30)
    here = common.free_udp_port()
    argv = callgrind_argv(elf, out) + [
        "--net", "dgram:127.0.0.1:%d,127.0.0.1:%d" % (here,
                                                      peer.getsockname()[1]),
        "--ip", KERNEL_IP + "/24"]
    proc = subprocess.Popen(argv, env=dict(os.environ, LD_PRELOAD=shim),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, bufsize=0)
    try:
        line = read_line(proc, "cost: udp", 60)
        if line is None:
            raise RuntimeError("cost: cost_udp.elf did not start")
        f = line.split()
        n, total = int(f[f.index("n") + 1]), int(f[f.index("total") + 1])
        mac = bytes.fromhex(f[f.index("mac") + 1].replace(":", ""))
        frame = udp_frame(mac, bytes(range(PAYLOAD)))
        for _ in range(total):
            peer.sendto(frame, ("127.0.0.1", here))
            while True:
                got = peer.recv(2048)
                if got[12:14] == b"\x08\x06":
                    reply = arp_reply(got)
                    if reply:
                        peer.sendto(reply, ("127.0.0.1", here))
                elif got[12:14] == b"\x08\x00" and got[23] == 17:
                    break
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            common.stop(proc)
        peer.close()
    counts = totals(out)
    if len(counts) < 3:
        raise RuntimeError("cost: cost_udp.elf left %d dumps" % len(counts))
    return (counts[2] - counts[1]) / n


ROWS = [  # (program result key, what one operation is)
    ("work batch32", "work item submitted and completed, 32 in flight"),
    ("work single", "work item submitted and completed, 1 in flight "
                    "(completed in submit: up to 8 a loop tick)"),
    ("work polled", "work item submitted and completed, 1 in flight, "
                    "completed from the device's poll (one loop tick each, "
                    "the wait included)"),
    ("timers-1k fire", "timer armed and fired, 1,000 pending"),
    ("timers-1m fire", "timer armed and fired, 1,000,000 pending"),
    ("timers-1k cancel", "timer armed and cancelled, 1,000 pending"),
    ("timers-1m cancel", "timer armed and cancelled, 1,000,000 pending"),
    ("udp", "UDP datagram received and echoed through the `frames` "
            "backend (dgram) and the IPv4 stack, 1 in flight"),
]


def run(ctx):
    if shutil.which("valgrind") is None:
        common.log("cost: installing valgrind")
        subprocess.run(["apt-get", "install", "-y", "-qq", "valgrind"],
                       check=True, stdout=subprocess.DEVNULL)
    common.log("cost: building")
    shim = build()
    work = os.path.join(common.ROOT, "build", "bench", "callgrind")
    os.makedirs(work, exist_ok=True)
    hosted = os.path.join(common.ROOT, "build", "hosted")
    big = os.path.join(common.ROOT, BIG_BUILD)
    programs = [
        ("work", without_debug(os.path.join(hosted, "cost_work.elf"), work)),
        ("timers-1k",
         without_debug(os.path.join(hosted, "cost_timers.elf"), work)),
        ("timers-1m", without_debug(os.path.join(big, "cost_timers.elf"),
                                    work)),
    ]
    udp_elf = without_debug(os.path.join(hosted, "cost_udp.elf"), work)
    # The programs without a peer run the same ticks whatever the timing, so
    # their counts are the same in every run; three runs show it. The UDP
    # count varies a little with how the peer's datagrams and the loop's
    # ticks line up, so it gets ctx.runs runs.
    values = {key: [] for key, _ in ROWS}
    for i in range(3):
        for name, elf in programs:
            common.log("cost: %s, run %d of 3" % (name, i + 1))
            got = run_plain(elf, shim, os.path.join(work, name + ".out"))
            for phase, v in got.items():
                values[name + " " + phase].append(v)
    for i in range(ctx.runs):
        common.log("cost: udp, run %d of %d" % (i + 1, ctx.runs))
        values["udp"].append(run_udp(udp_elf, shim,
                                     os.path.join(work, "udp.out")))
    rows = [[what, common.fmt(values[key])] for key, what in ROWS]
    return "\n".join([
        "### 5. The core's own cost",
        "",
        "Instructions the process executes (not Linux's side of its system "
        "calls), counted by callgrind in small hosted programs "
        "(`bench/programs/cost_*.c`, `-O2`): each runs a warm-up, N "
        "operations and 2N more, with a marker call between stretches, and "
        "a figure is (count of the 2N stretch - count of the N stretch) / N, "
        "loop and platform code included. Work items complete at a null "
        "device the program registers, inside its submit (a loop tick runs "
        "up to `KCONFIG_TICK_PASSES` = 8 passes of callbacks and dispatch) "
        "or, in the polled row, from its poll; timers run 32 at a time beside the "
        "pending ones (due in an hour); the UDP peer sends 64-byte datagrams "
        "one at a time. The work-item and timer counts repeat exactly (3 "
        "runs); the UDP count varies a little (%d runs)." % ctx.runs,
        "",
        common.table(["operation (callback included)",
                      "instructions per operation"], rows),
        "",
    ])
