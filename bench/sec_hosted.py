"""Section 3: hosted echo against a baseline.

The hosted demo on the socket backend (build/hosted/kernel.elf --port P)
against bench/baseline/udp_echo_epoll.c, a plain epoll UDP echo server: the
same client (build/bench/udpload) on the same machine, the two servers
taking turns, ctx.runs times each.
"""
import os
import statistics
import subprocess
import time

import common

SIZE = 64
RTT_COUNT = 2000
RATE_SECONDS = 2
UDPLOAD = os.path.join(common.ROOT, "build", "bench", "udpload")
BASELINE = os.path.join(common.ROOT, "build", "bench", "udp_echo_epoll")
KERNEL = os.path.join(common.ROOT, "build", "hosted", "kernel.elf")

SERVERS = [  # (name, argv before the port, ready line)
    ("hosted", [KERNEL, "--port"], "demo: udp echo on port 8080"),
    ("baseline", [BASELINE], "baseline: udp echo on port"),
]
METRICS = [  # (key, row name, what udpload is asked)
    ("rtt", "round trip p50, us (lower is better)",
     ["rtt", str(RTT_COUNT), str(SIZE)]),
    ("rate1", "datagrams/s, 1 in flight",
     ["rate", "1", str(RATE_SECONDS), str(SIZE)]),
    ("rate32", "datagrams/s, 32 in flight",
     ["rate", "32", str(RATE_SECONDS), str(SIZE)]),
]
# Not asked of udpload: the server's own CPU time (user and system, from
# /proc/PID/stat) over the 32-in-flight run, per datagram echoed. The client
# needs CPU for each datagram too, and on a busy machine it can be what
# limits datagrams/s for both servers; this row shows the server's share.
CPU32 = ("cpu32", "server CPU per datagram at 32 in flight, us "
         "(lower is better)")


def cpu_ticks(pid):
    """utime + stime of a process, in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def udpload(port, args):
    """udpload's result line as a dict of strings."""
    out = subprocess.run([UDPLOAD, "127.0.0.1", str(port), *args],
                         capture_output=True, text=True, check=True,
                         timeout=60).stdout
    f = out.split()
    return dict(zip(f[::2], f[1::2]))


def measure(name, argv, ready):
    """One run of one server: {metric key: value} and datagrams lost."""
    port = common.free_udp_port()
    proc, _ = common.start(argv + [str(port)])
    try:
        if common.wait_line(proc, ready, timeout=30) is None:
            raise RuntimeError("hosted: %s never served UDP" % name)
        got, lost = {}, 0
        for key, _, args in METRICS:
            before = cpu_ticks(proc.pid)
            d = udpload(port, args)
            got[key] = float(d["p50_us"] if key == "rtt" else d["per_s"])
            lost += int(d["lost"])
            if key == "rate32":
                ticks = cpu_ticks(proc.pid) - before
                got[CPU32[0]] = (ticks * 1e6 / os.sysconf("SC_CLK_TCK") /
                                 max(int(d["echoed"]), 1))
        return got, lost
    finally:
        common.stop(proc)


def run(ctx):
    common.log("hosted: building")
    common.make("PLATFORM=hosted", "all")
    common.make("bench-tools")
    for _ in range(60):  # udpload comes from another part of the bench
        if os.path.exists(UDPLOAD):
            break
        time.sleep(5)
    keys = [m for m, _, _ in METRICS] + [CPU32[0]]
    values = {(s, m): [] for s, _, _ in SERVERS for m in keys}
    lost = {s: 0 for s, _, _ in SERVERS}
    for i in range(ctx.runs):
        for name, argv, ready in SERVERS:
            common.log("hosted: %s, run %d of %d" % (name, i + 1, ctx.runs))
            got, n = measure(name, argv, ready)
            lost[name] += n
            for key, v in got.items():
                values[(name, key)].append(v)
    rows = []
    for key, label in [(m, l) for m, l, _ in METRICS] + [CPU32]:
        h, b = values[("hosted", key)], values[("baseline", key)]
        digits = 0 if key.startswith("rate") else 1
        ratio = statistics.median(h) / statistics.median(b)
        rows.append([label, common.fmt(h, digits), common.fmt(b, digits),
                     "%.2f" % ratio])
    if lost["hosted"] or lost["baseline"]:
        losses = ("Datagrams lost over all runs: hosted %d, baseline %d." %
                  (lost["hosted"], lost["baseline"]))
    else:
        losses = "No datagram was lost."
    return "\n".join([
        "### 3. Hosted echo against a baseline",
        "",
        "The hosted demo (`build/hosted/kernel.elf`, socket backend) against "
        "a plain single-threaded epoll echo server "
        "(`bench/baseline/udp_echo_epoll.c`, same 1 MiB receive buffer), "
        "both on 127.0.0.1 with the same client (`udpload`), taking turns, "
        "%d runs each: round trip over %s sequential %d-byte datagrams, then "
        "datagrams/s with 1 and with 32 in flight for %d s each, and the "
        "server's CPU time (user and system) over the 32-in-flight run per "
        "datagram echoed. The ratio is hosted/baseline, of the medians. %s" %
        (ctx.runs, format(RTT_COUNT, ","), SIZE, RATE_SECONDS, losses),
        "",
        common.table(["metric", "hosted", "baseline", "ratio"], rows),
        "",
    ])
