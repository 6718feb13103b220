"""Section 7: realms, each figure against its plain counterpart measured in
the same run.

  - A cross-realm call against a call inside one realm: callbench's
    cross(n) makes n realm_call()s of r/bench/adder's add(a, b) (two
    scalars in, one out), intra(n) n calls of a local function kept out of
    line (bench/realms/). Per call = (cost of f(N) - cost of f(0)) / N, in
    instructions under callgrind and in ns on hosted.
  - The empty transaction: a gateway request to callbench's nop(), in
    instructions under callgrind.
  - The journal's cost (undo) on a write-heavy Wasm module, from the
    engine's own bench (bench/wasm/undo.c), when the tree has it.
  - The gateway: calls per second and round trip (bench/gwload.c) on hosted
    and arm64, against the C echo (apps/echo) of the same kernel.
  - The echo realm (realms/echo, UDP 8889) against the C echo on the same
    realms.elf: round trip and datagrams/s at 32 in flight (udpload).

Under callgrind, realms.elf runs with --toggle-collect on realm_pump (the
transactions) and on the gateway's receive callback (on_request), and
--dump-before=realm_gateway_reply: one dump per request, sent one at a
time, each holding the manager's side of that request (the previous
reply's encoding included, Linux's side of the sockets not).

Hosted ports: the gateway is moved to a free port (--port G:7000); the C
echo is on host port 8080 and the echo realm on 8889, which must be free.
"""
import os
import re
import socket
import statistics
import subprocess
import time

import common
import sec_cost

ELF = os.path.join(common.ROOT, "build", "hosted", "realms.elf")
GWLOAD = os.path.join(common.ROOT, "build", "bench", "gwload")
UDPLOAD = os.path.join(common.ROOT, "build", "bench", "udpload")
BENCH_REALMS = ["adder", "callbench"]
CALLBENCH = "r/bench/callbench"
C_ECHO, REALM_ECHO = 8080, 8889  # apps/echo's guest port, realms/echo's
READY = "realm gateway: udp port"

# n of f(n) per figure: callgrind counts exactly, so small n do; the native
# timings need the difference to stand well above a round trip's noise.
CG_N = {"cross": 1000, "intra": 100000}
CG_REPEAT = 3  # requests of each f(n) under callgrind (their counts agree)
CG_NOPS = 10
NATIVE_N = {"cross": 20000, "intra": 200000}
NATIVE_REPEAT = 10
RTT_COUNT = 2000
RATE_SECONDS = 2
SIZE = 64
GW_INFLIGHT = [1, 8]
ECHO_INFLIGHT = 32
ARM_RTT_COUNT = 500
TOP_FUNCTIONS = 10


def bench_realm_args():
    out = []
    for name in BENCH_REALMS:
        out += ["--realm", "%s,%s" % (
            os.path.join(common.ROOT, "build", "realms-bench", name + ".wasm"),
            os.path.join(common.ROOT, "bench", "realms", name, "manifest"))]
    return out


def port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.bind(("0.0.0.0", port))
            return True
        except OSError:
            return False


def wait_ports(ports, timeout=60):
    """Wait until every port is free (tests may hold them for a while)."""
    end = time.monotonic() + timeout
    while not all(port_free(p) for p in ports):
        if time.monotonic() > end:
            raise RuntimeError("realms: UDP ports %s stay busy" % ports)
        time.sleep(1)


def kv(out):
    """A tool's `key value ...` line as a dict of floats."""
    f = out.split()
    return {k: float(v) for k, v in zip(f[::2], f[1::2])}


def gwload(port, *args, wait_ms=None, timeout=120):
    pre = ["--wait", str(wait_ms)] if wait_ms else []
    out = subprocess.run([GWLOAD, *pre, "127.0.0.1", str(port),
                          *map(str, args)], capture_output=True, text=True,
                         check=True, timeout=timeout).stdout
    return kv(out)


def udpload(port, *args, timeout=60):
    out = subprocess.run([UDPLOAD, "127.0.0.1", str(port), *map(str, args)],
                         capture_output=True, text=True, check=True,
                         timeout=timeout).stdout
    return kv(out)


def ok_or_fail(r, what):
    if r["ok"] != r["sent"]:
        raise RuntimeError("realms: %s: %d of %d answered ok (status %d)" %
                           (what, r["ok"], r["sent"], r["status"]))
    return r


# ---- callgrind: instructions ----------------------------------------------

def top_functions(dump, n_calls):
    """[(function, self instructions per call)] of a dump, largest first.
    Functions on the stack when collection began show the whole total in
    callgrind_annotate's listing and are left out."""
    out = subprocess.run(["callgrind_annotate", "--inclusive=no",
                          "--threshold=100", dump], capture_output=True,
                         text=True, check=True).stdout
    total, rows = None, []
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(\S+)", line)
        if not m:
            continue
        count = int(m.group(1).replace(",", ""))
        name = m.group(2).rsplit(":", 1)[-1]
        if name == "TOTALS" or total is None:
            total = count
            continue
        if count < total:
            rows.append((name, count / n_calls))
    return rows[:TOP_FUNCTIONS]


def callgrind(shim, work):
    """{figure: instructions}, and the top functions of a cross call."""
    elf = sec_cost.without_debug(ELF, work)
    out = os.path.join(work, "realms.out")
    sec_cost.remove_dumps(out)
    gw = common.free_udp_port()
    argv = ["valgrind", "--tool=callgrind", "--toggle-collect=realm_pump",
            "--toggle-collect=on_request",
            "--dump-before=realm_gateway_reply",
            "--callgrind-out-file=" + out, elf, "--port", "%d:7000" % gw,
            "--no-builtin-realms", *bench_realm_args()]
    proc = subprocess.Popen(argv, env=dict(os.environ, LD_PRELOAD=shim),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, bufsize=0)
    proc.pending = b""
    # One dump per request, in the order sent: the requests' kinds.
    order = []
    try:
        if common.wait_line(proc, READY, timeout=120) is None:
            raise RuntimeError("realms: realms.elf under callgrind never "
                               "started its gateway")
        plan = [("warm", "nop", None)] * 3 + [("nop", "nop", None)] * CG_NOPS
        for fn in ("cross", "intra"):
            plan += [(fn + "0", fn, 0)] * CG_REPEAT
            plan += [(fn + "N", fn, CG_N[fn])] * CG_REPEAT
        for key, fn, n in plan:
            args = [fn] if n is None else [fn, n]
            ok_or_fail(gwload(gw, "rtt", 1, CALLBENCH, *args, wait_ms=60000),
                       "%s under callgrind" % " ".join(map(str, args)))
            order.append(key)
    finally:
        common.stop(proc)
    counts = sec_cost.totals(out)
    if len(counts) < len(order):
        raise RuntimeError("realms: %d dumps for %d requests" %
                           (len(counts), len(order)))
    got = {}
    for key, c in zip(order, counts):
        got.setdefault(key, []).append(c)
    med = {k: statistics.median(v) for k, v in got.items()}
    per = {fn: (med[fn + "N"] - med[fn + "0"]) / CG_N[fn]
           for fn in ("cross", "intra")}
    cross_dump = "%s.%d" % (out, order.index("crossN") + 1)
    return {"cross": per["cross"], "intra": per["intra"], "nop": med["nop"],
            "spread": {k: (min(v), max(v)) for k, v in got.items()},
            "top": top_functions(cross_dump, CG_N["cross"])}


# ---- hosted: ns, the gateway, the echoes ---------------------------------

def hosted_run(values, lost):
    """One run of realms.elf (the demo's realms and the bench's): every
    hosted figure once, into values[key] (lists)."""
    wait_ports([C_ECHO, REALM_ECHO])
    gw = common.free_udp_port()
    proc, _ = common.start([ELF, "--port", "%d:7000" % gw,
                            *bench_realm_args()])
    try:
        if common.wait_line(proc, READY, timeout=30) is None:
            raise RuntimeError("realms: realms.elf never started its gateway")
        time.sleep(0.5)  # the spinner's one timer (100 ms) comes and goes
        ok_or_fail(gwload(gw, "rtt", 1, "r/demo/bank", "supply"), "bank")
        # ns per call: the medians of NATIVE_REPEAT round trips of f(N), f(0)
        for fn in ("cross", "intra"):
            base = ok_or_fail(gwload(gw, "rtt", NATIVE_REPEAT, CALLBENCH, fn,
                                     0), fn)["p50_us"]
            full = ok_or_fail(gwload(gw, "rtt", NATIVE_REPEAT, CALLBENCH, fn,
                                     NATIVE_N[fn]), fn)["p50_us"]
            values["ns " + fn].append((full - base) * 1000 / NATIVE_N[fn])
        gateway_and_echo(gw, C_ECHO, REALM_ECHO, RTT_COUNT, values, lost, "")
    finally:
        common.stop(proc)


def gateway_and_echo(gw, c_echo, realm_echo, rtt_count, values, lost, pre):
    """The gateway (r/demo/echo's echoed(), a read of one counter) and the
    two echoes: round trips, then rates; keys are prefixed with pre."""
    r = gwload(gw, "rtt", rtt_count, "r/demo/echo", "echoed")
    values[pre + "gw rtt"].append(r["p50_us"])
    lost[pre + "gw"] += r["sent"] - r["ok"]
    for name, port in (("c", c_echo), ("realm", realm_echo)):
        r = udpload(port, "rtt", rtt_count, SIZE)
        values[pre + name + " rtt"].append(r["p50_us"])
        lost[pre + name] += r["lost"]
    for k in GW_INFLIGHT:
        r = gwload(gw, "rate", k, RATE_SECONDS, "r/demo/echo", "echoed",
                   timeout=RATE_SECONDS + 30)
        values[pre + "gw rate%d" % k].append(r["per_s"])
        lost[pre + "gw"] += r["sent"] - r["ok"]
    for k in sorted(set(GW_INFLIGHT + [ECHO_INFLIGHT])):
        for name, port in (("c", c_echo), ("realm", realm_echo)):
            if name == "realm" and k != ECHO_INFLIGHT:
                continue
            r = udpload(port, "rate", k, RATE_SECONDS, SIZE,
                        timeout=RATE_SECONDS + 30)
            values[pre + "%s rate%d" % (name, k)].append(r["per_s"])
            lost[pre + name] += r["lost"]


def arm64_run(runs, values, lost):
    """One boot of build/arm64/realms.elf under QEMU (TCG), the gateway and
    the echoes forwarded from free host ports; `runs` rounds."""
    common.make("PLATFORM=arm64", "build/arm64/realms.elf")
    gw, c, e = (common.free_udp_port() for _ in range(3))
    argv = common.qemu_argv("arm64", "mmio",
                            os.path.join(common.ROOT, "build", "arm64",
                                         "realms.elf"), c, None,
                            "GW_PORT=%d" % gw, "ECHO_PORT=%d" % e)
    proc, _ = common.start(argv)
    try:
        if common.wait_line(proc, "demo: udp echo", timeout=60) is None:
            raise RuntimeError("realms: arm64 realms.elf never served UDP")
        if udpload(c, "first", 5000, timeout=15)["first_ms"] < 0:
            raise RuntimeError("realms: arm64: no echo within 5 s")
        time.sleep(1)  # the spinner's one timer comes and goes
        for _ in range(runs):
            gateway_and_echo(gw, c, e, ARM_RTT_COUNT, values, lost, "arm64 ")
    finally:
        common.stop(proc)


# ---- the engine's journal -------------------------------------------------

def undo_cost(runs):
    """The on/off ratios of bench/wasm/undo.c ({module: ratio}), or None
    when this tree has no such bench."""
    if not os.path.exists(os.path.join(common.ROOT, "bench", "wasm",
                                       "undo.c")):
        return None
    d = os.path.join(common.ROOT, "build", "bench-wasm")
    common.make(d + "/undo", d + "/cpubench.wasm", d + "/writebench.wasm")
    out = subprocess.run([d + "/undo", "-r", str(runs),
                          d + "/writebench.wasm", "400",
                          d + "/cpubench.wasm", "20"],
                         capture_output=True, text=True, check=True,
                         timeout=600).stdout
    got = {}
    for line in out.splitlines():
        m = re.search(r"(\S+\.wasm)\s.*off\s+([\d.]+) s\s+on\s+([\d.]+) s", line)
        if m:
            got[os.path.basename(m.group(1))] = (float(m.group(2)),
                                                  float(m.group(3)))
    return got


# ---- the report ------------------------------------------------------------

def ratio(a, b, digits=2):
    if not a or not b:
        return "-"
    return "%.*f" % (digits, statistics.median(a) / statistics.median(b))


def run(ctx):
    common.log("realms: building")
    common.make("PLATFORM=hosted", "build/hosted/realms.elf", "bench-realms",
                "build/bench/udpload")
    shim = sec_cost.tool(sec_cost.SHIM, "bench/cost/epoll_pwait2_shim.c",
                         "-shared", "-fPIC")
    work = os.path.join(common.ROOT, "build", "bench", "callgrind")
    os.makedirs(work, exist_ok=True)
    notes = []

    common.log("realms: callgrind")
    try:
        cg = callgrind(shim, work)
    except Exception as e:  # the rest of the section still runs
        cg = None
        notes.append("callgrind failed: %s" % e)

    values, lost = {}, {}

    def fresh(prefix):
        for k in ["gw rtt", "c rtt", "realm rtt", "realm rate%d" %
                  ECHO_INFLIGHT] + ["gw rate%d" % k for k in GW_INFLIGHT] + \
                ["c rate%d" % k for k in set(GW_INFLIGHT + [ECHO_INFLIGHT])]:
            values[prefix + k] = []
        for k in ("gw", "c", "realm"):
            lost[prefix + k] = 0

    fresh("")
    values["ns cross"], values["ns intra"] = [], []
    for i in range(ctx.runs):
        common.log("realms: hosted, run %d of %d" % (i + 1, ctx.runs))
        hosted_run(values, lost)
    arm = "arm64" in ctx.platforms
    if arm:
        fresh("arm64 ")
        common.log("realms: arm64")
        try:
            arm64_run(ctx.runs, values, lost)
        except Exception as e:
            notes.append("arm64 failed: %s" % e)

    common.log("realms: undo")
    try:
        undo = undo_cost(3)
    except Exception as e:
        undo = {}
        notes.append("the undo bench failed: %s" % e)

    rows = []
    if cg:
        rows.append(["cross-realm call, instructions (callgrind)",
                     "%.0f" % cg["cross"], "%.0f (a call inside one realm)" %
                     cg["intra"], "%.1f" % (cg["cross"] / cg["intra"]),
                     "at most 5"])
    v = values
    rows.append(["cross-realm call, ns (hosted)", common.fmt(v["ns cross"]),
                 "%s (a call inside one realm)" % common.fmt(v["ns intra"], 1),
                 ratio(v["ns cross"], v["ns intra"], 1), "at most 5"])
    if cg:
        rows.append(["empty transaction (gateway request, nop()), "
                     "instructions (callgrind)", "%.0f" % cg["nop"], "-", "-",
                     "-"])
    for name, (off, on) in sorted((undo or {}).items()):
        rows.append(["undo journal on %s, s (best of 3)" % name,
                     "%.3f (one savepoint)" % on,
                     "%.3f (journal attached, no savepoint)" % off,
                     "%.3f" % (on / off),
                     "at most 1.15" if "write" in name else "-"])
    if undo is None:
        notes.append("undo: this tree has no bench/wasm/undo.c (the "
                     "engine's journal bench), so the undo row is missing.")

    def platform_rows(pre, label):
        out = [["%sgateway round trip p50, us" % label,
                common.fmt(v[pre + "gw rtt"], 1),
                "%s (C echo)" % common.fmt(v[pre + "c rtt"], 1),
                ratio(v[pre + "gw rtt"], v[pre + "c rtt"]), "-"]]
        for k in GW_INFLIGHT:
            out.append(["%sgateway calls/s, %d in flight" % (label, k),
                        common.fmt(v[pre + "gw rate%d" % k]),
                        "%s (C echo, datagrams/s)" %
                        common.fmt(v[pre + "c rate%d" % k]),
                        ratio(v[pre + "gw rate%d" % k],
                              v[pre + "c rate%d" % k]), "-"])
        out.append(["%secho realm round trip p50, us" % label,
                    common.fmt(v[pre + "realm rtt"], 1),
                    "%s (C echo)" % common.fmt(v[pre + "c rtt"], 1),
                    ratio(v[pre + "realm rtt"], v[pre + "c rtt"]), "-"])
        k = ECHO_INFLIGHT
        out.append(["%secho realm datagrams/s, %d in flight" % (label, k),
                    common.fmt(v[pre + "realm rate%d" % k]),
                    "%s (C echo)" % common.fmt(v[pre + "c rate%d" % k]),
                    ratio(v[pre + "realm rate%d" % k], v[pre + "c rate%d" % k]),
                    "at least 0.7" if not pre else "-"])
        return out

    rows += platform_rows("", "hosted: ")
    if arm and v.get("arm64 gw rtt"):
        rows += platform_rows("arm64 ", "arm64: ")
    losses = ", ".join("%s %d" % (k, n) for k, n in sorted(lost.items()))

    text = [
        "### 7. Realms",
        "",
        "Each figure against its plain counterpart, measured in the same "
        "run; the ratio is of the medians. Calls: `bench/realms/callbench` "
        "makes n cross-realm calls of `r/bench/adder`'s `add(a, b)` (two "
        "i64 in, one out, through `realm_call`) or n calls of a local "
        "function kept out of line; a call's cost is (f(N) - f(0)) / N, "
        "under callgrind (N = %d and %d, the median of %d requests each) "
        "and natively on hosted (N = %s and %s, the p50 round trip of %d "
        "gateway requests each, %d runs). The empty transaction is a gateway "
        "request to `nop()`: the instructions of the gateway's receive "
        "callback and of the transaction in `realm_pump` (callgrind "
        "`--toggle-collect`), the median of %d. Gateway: `bench/gwload` "
        "calls `r/demo/echo`'s `echoed()`; the echoes: `udpload`, %d-byte "
        "datagrams, %d sequential for the round trip, %d s per rate; the C "
        "echo (apps/echo) and the echo realm run in the same realms.elf "
        "(hosted: %d runs; arm64: one boot under QEMU TCG, %d rounds of %d "
        "round trips). A request or datagram not answered within 1 s is "
        "lost; lost over the section: %s." %
        (CG_N["cross"], CG_N["intra"], CG_REPEAT, format(NATIVE_N["cross"],
                                                         ","),
         format(NATIVE_N["intra"], ","), NATIVE_REPEAT, ctx.runs, CG_NOPS,
         SIZE, RTT_COUNT, RATE_SECONDS, ctx.runs, ctx.runs, ARM_RTT_COUNT,
         losses),
        "",
        common.table(["figure", "realms", "plain counterpart", "ratio",
                      "target"], rows),
        "",
    ]
    if cg and cg["top"]:
        text += [
            "Where a cross-realm call's instructions go (callgrind, "
            "self instructions per call of the cross(%d) transaction, the "
            "%d largest):" % (CG_N["cross"], TOP_FUNCTIONS),
            "",
            common.table(["function", "instructions per call"],
                         [[f, "%.0f" % c] for f, c in cg["top"]]),
            "",
        ]
    if notes:
        text += ["Notes: " + " ".join(notes), ""]
    return "\n".join(text)
