"""Section 7: realms, each figure against its plain counterpart measured in
the same run.

  - A cross-realm call against a call inside one realm: callbench's
    cross(n) makes n realm_call()s of r/bench/adder's add(a, b) (two
    scalars in, one out), intra(n) n calls of a local function kept out of
    line (bench/realms/). Per call = (cost of f(N) - cost of f(0)) / N, in
    instructions under callgrind and in ns on hosted.
  - The empty transaction: a gateway request to callbench's nop(), in
    instructions under callgrind.
  - The undo journal's cost on the engine's write-heavy Wasm benchmark
    (bench/wasm/writebench.c) and on cpubench: bench/wasmrun.c on the
    engine of the tree, a savepoint around each run, against the engine
    before the journal (from git).
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
import shutil
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
ARM_ROUNDS = 3  # at most, in the one boot: QEMU's rates take the time
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
#
# bench/wasmrun.c times run(N) of a module on the engine of the tree (the
# journal attached, each run inside one savepoint: "on"; attached, no
# savepoint: "off") and on the engine as it was before the journal came
# (the parent of the commit that added realm/wasm/journal.c, taken from
# git): "base", the engine without the undo machinery. The modules are the
# engine's benchmarks: bench/wasm/writebench.c (write-heavy) when the tree
# has it, and bench/wasm/cpubench.c.
UNDO_DIR = os.path.join(common.ROOT, "build", "bench", "undo")
UNDO_CFLAGS = ["-std=c11", "-O2", "-DNDEBUG", "-Wall", "-Wextra", "-Werror",
               "-fno-math-errno"]
WASM_MODULE_FLAGS = ["--target=wasm32", "-nostdlib", "-O2", "-Wl,--no-entry",
                     "-Wl,--export=run"]
# (label, module source, extra flags, iterations per run, runs per timing,
# counted under callgrind too)
UNDO_CASES = [
    ("writebench, 10 iterations in one savepoint",
     "bench/wasm/writebench.c", ["-fno-builtin"], 10, 20, True),
    ("writebench, 1 iteration per savepoint", "bench/wasm/writebench.c",
     ["-fno-builtin"], 1, 200, True),
    ("cpubench, 1 iteration in one savepoint", "bench/wasm/cpubench.c", [],
     1, 20, True),
]
UNDO_ROUNDS = 3  # timing processes per case and engine, alternating
# Under callgrind, one run each: the instructions of the call and of the
# savepoint's begin and commit.
UNDO_COLLECT = ["--toggle-collect=wasm_call",
                "--toggle-collect=wasm_journal_begin",
                "--toggle-collect=wasm_journal_commit"]


def collected(argv):
    """The instructions callgrind collected running argv."""
    out = os.path.join(UNDO_DIR, "callgrind.out")
    r = subprocess.run(["valgrind", "--tool=callgrind",
                        "--callgrind-out-file=" + out, *UNDO_COLLECT, *argv],
                       capture_output=True, text=True, check=True,
                       timeout=600)
    m = re.search(r"Collected : (\d+)", r.stderr)
    if not m:
        raise RuntimeError("realms: no count from callgrind:\n" + r.stderr)
    return int(m.group(1))


def engine_runner(name, src_dir, extra):
    """wasmrun linked with the engine in src_dir/realm/wasm."""
    obj = os.path.join(UNDO_DIR, name + "-obj")
    os.makedirs(obj, exist_ok=True)
    wasm_dir = os.path.join(src_dir, "realm", "wasm")
    srcs = sorted(os.path.join(wasm_dir, f) for f in os.listdir(wasm_dir)
                  if f.endswith(".c"))
    subprocess.run(["clang", *UNDO_CFLAGS, "-ffreestanding", "-I" + wasm_dir,
                    "-c", *srcs], cwd=obj, check=True)
    out = os.path.join(UNDO_DIR, "wasmrun-" + name)
    objs = sorted(os.path.join(obj, f) for f in os.listdir(obj))
    subprocess.run(["clang", *UNDO_CFLAGS, "-D_GNU_SOURCE", *extra,
                    "-I" + wasm_dir, "-o", out,
                    os.path.join(common.ROOT, "bench", "wasmrun.c"), *objs],
                   check=True)
    return out


def undo_cost():
    """{case label: {"base", "off", "on": best seconds, and "base i", "off
    i", "on i": instructions}}; None when the engine has no journal."""
    added = subprocess.run(["git", "-C", common.ROOT, "log",
                            "--diff-filter=A", "--format=%H", "--",
                            "realm/wasm/journal.c"], capture_output=True,
                           text=True).stdout.split()
    if not added:
        return None
    shutil.rmtree(UNDO_DIR, ignore_errors=True)
    base_src = os.path.join(UNDO_DIR, "base")
    os.makedirs(base_src)
    archive = subprocess.run(["git", "-C", common.ROOT, "archive",
                              added[-1] + "^", "realm/wasm"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", base_src], input=archive, check=True)
    runners = {"base": engine_runner("base", base_src, []),
               "new": engine_runner("new", common.ROOT, ["-DJOURNAL"])}
    got = {}
    for label, src, flags, iters, runs, count in UNDO_CASES:
        if not os.path.exists(os.path.join(common.ROOT, src)):
            continue
        module = os.path.join(UNDO_DIR, os.path.basename(src)[:-2] + ".wasm")
        if not os.path.exists(module):
            subprocess.run(["clang", *WASM_MODULE_FLAGS, *flags, "-o", module,
                            os.path.join(common.ROOT, src)], check=True)
        modes = (("base", "base"), ("off", "new"), ("on", "new"))
        best, sums = {}, set()
        for mode, runner in modes if count else ():
            best[mode + " i"] = collected(
                [runners[runner], "none" if mode == "base" else mode, module,
                 str(iters), "1"])
        for _ in range(UNDO_ROUNDS):
            for mode, runner in modes:
                r = kv(subprocess.run(
                    [runners[runner], "none" if mode == "base" else mode,
                     module, str(iters), str(runs)], capture_output=True,
                    text=True, check=True, timeout=300).stdout)
                best[mode] = min(best.get(mode, 1e30), r["best_s"])
                sums.add(r["checksum"])
        if len(sums) != 1:
            raise RuntimeError("realms: %s: the engines' checksums differ" %
                               label)
        got[label] = best
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
        try:
            hosted_run(values, lost)
        except Exception as e:  # the figures of the runs that ended stand
            notes.append("hosted run %d failed: %s" % (i + 1, e))
    arm = "arm64" in ctx.platforms
    if arm:
        fresh("arm64 ")
        common.log("realms: arm64")
        try:
            arm64_run(min(ctx.runs, ARM_ROUNDS), values, lost)
        except Exception as e:
            notes.append("arm64 failed: %s" % e)

    common.log("realms: undo")
    try:
        undo = undo_cost()
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
    for label, _, _, _, runs, count in UNDO_CASES:
        b = (undo or {}).get(label)
        if not b:
            continue
        target = "at most 1.15" if "write" in label else "-"
        if count:
            rows.append(["undo journal, %s: instructions (callgrind), "
                         "journal on (off)" % label,
                         "%s (%s)" % (format(b["on i"], ","),
                                      format(b["off i"], ",")),
                         "%s (the engine before the journal)" %
                         format(b["base i"], ","),
                         "%.3f (%.3f)" % (b["on i"] / b["base i"],
                                          b["off i"] / b["base i"]), target])
        rows.append(["undo journal, %s: ms, best of %d, journal on (off)" %
                     (label, UNDO_ROUNDS * runs),
                     "%.3f (%.3f)" % (b["on"] * 1e3, b["off"] * 1e3),
                     "%.3f (the engine before the journal)" %
                     (b["base"] * 1e3),
                     "%.3f (%.3f)" % (b["on"] / b["base"],
                                      b["off"] / b["base"]), target])
    if undo is None:
        notes.append("undo: this tree's engine has no journal "
                     "(realm/wasm/journal.c), so there is no undo row.")
    elif not any("write" in k for k in undo):
        notes.append("undo: this tree has no bench/wasm/writebench.c, so "
                     "there is no write-heavy row.")

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
        "(hosted: %d runs; arm64: one boot under QEMU TCG, %d rounds, %d "
        "round trips in each). Undo: `bench/wasmrun.c` runs `run(N)` of the engine's "
        "benchmarks (`bench/wasm/`) on the engine of this tree, its journal "
        "attached and each run inside one savepoint (on) or none (off), and "
        "on the engine before the journal (the parent of the commit that "
        "added `realm/wasm/journal.c`, from git); instructions of the call "
        "and of the savepoint's begin and commit (callgrind, one run), and "
        "the best time of %d processes alternating. A request or datagram "
        "not answered within 1 s is lost; lost over the section: %s." %
        (CG_N["cross"], CG_N["intra"], CG_REPEAT, format(NATIVE_N["cross"],
                                                         ","),
         format(NATIVE_N["intra"], ","), NATIVE_REPEAT, ctx.runs, CG_NOPS,
         SIZE, RTT_COUNT, RATE_SECONDS, ctx.runs, min(ctx.runs, ARM_ROUNDS),
         ARM_RTT_COUNT,
         UNDO_ROUNDS, losses),
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
