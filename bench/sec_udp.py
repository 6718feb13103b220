"""Section 2, UDP echo: the demo kernel's echo through QEMU's user network,
measured from the host with build/bench/udpload (bench/udpload.c).

Per platform and transport (and x32, x64 under KVM when ctx.kvm), one boot of
build/<p>/kernel.elf, then:
  - ctx.runs runs of 1,000 sequential 64-byte datagrams: p50, p99 and max
    round-trip time of each run; every RTT also goes into the CDF plot;
  - 5 s each with 1, 8 and 32 datagrams in flight: echoes per second, the
    five one-second windows being the samples;
  - losses: datagrams not echoed within 1 s, summed over all of the above.
"""
import os
import shutil
import subprocess
import tempfile

import common

RTT_COUNT = 1000
SIZE = 64
INFLIGHT = [1, 8, 32]
RATE_SECONDS = 5
UDPLOAD = os.path.join(common.ROOT, "build", "bench", "udpload")


def ensure_udpload():
    """Build build/bench/udpload: through make (the bench-tools rule), else
    by hand with the same command."""
    try:
        common.make("build/bench/udpload")
    except subprocess.CalledProcessError:
        os.makedirs(os.path.dirname(UDPLOAD), exist_ok=True)
        subprocess.run(["clang", "-std=c11", "-D_GNU_SOURCE", "-O2", "-Wall",
                        "-Wextra", "-Werror", "-o", UDPLOAD,
                        os.path.join(common.ROOT, "bench", "udpload.c")],
                       check=True)
    return UDPLOAD


def udpload(port, *args, timeout=60):
    """Run udpload against 127.0.0.1:port; its `key value` line as a dict
    of floats."""
    out = subprocess.run([UDPLOAD, "127.0.0.1", str(port), *map(str, args)],
                         capture_output=True, text=True, check=True,
                         timeout=timeout).stdout
    f = out.split()
    return {k: float(v) for k, v in zip(f[::2], f[1::2])}


def configs(ctx):
    """(label, platform, transport, make args) for every config measured;
    the x86 platforms again under KVM, whose rows say they were skipped
    (make args None) when /dev/kvm is not usable."""
    out = [("%s" % p, p, t, []) for p in ctx.platforms
           for t in ctx.transports]
    for p in ctx.platforms:
        if p in common.KVM_PLATFORMS:
            out += [("%s (kvm)" % p, p, t, ["ACCEL=kvm"] if ctx.kvm else None)
                    for t in ctx.transports]
    return out


def no_line(proc):
    """Why common.wait_line found no "demo: udp echo" line."""
    try:
        code = proc.wait(timeout=2)  # the console closed: QEMU is ending
    except subprocess.TimeoutExpired:
        return "no 'demo: udp echo' line within 60 s"
    return "QEMU exited with %d before 'demo: udp echo'" % code


def measure(platform, transport, make_args, disk, runs, dump_dir):
    """One boot of the demo, every measurement of the section; returns
    (row cells after the first two, list of every RTT in us)."""
    elf = os.path.join(common.ROOT, "build", platform, "kernel.elf")
    port = common.free_udp_port()
    argv = common.qemu_argv(platform, transport, elf, port, disk, *make_args)
    proc, _ = common.start(argv)
    try:
        if common.wait_line(proc, "demo: udp echo") is None:
            return ["failed: %s" % no_line(proc)], []
        if udpload(port, "first", 5000, timeout=15)["first_ms"] < 0:
            return ["failed: no echo within 5 s of the echo line"], []
        sent = lost = 0
        p50, p99, mx, rtts = [], [], [], []
        for i in range(runs):
            dump = os.path.join(dump_dir, "rtt-%d.txt" % i)
            r = udpload(port, "rtt", RTT_COUNT, SIZE, "--dump", dump)
            sent += r["sent"]
            lost += r["lost"]
            if r["echoed"]:
                p50.append(r["p50_us"])
                p99.append(r["p99_us"])
                mx.append(r["max_us"])
            with open(dump) as f:
                rtts += [float(x) for x in f]
        rates = []
        for n in INFLIGHT:
            r = udpload(port, "rate", n, RATE_SECONDS, SIZE,
                        timeout=RATE_SECONDS + 30)
            sent += r["sent"]
            lost += r["lost"]
            rates.append(common.fmt([r["w%d" % (k + 1)]
                                     for k in range(RATE_SECONDS)]))
        cells = [common.fmt(p50), common.fmt(p99), common.fmt(mx), *rates,
                 "%d of %d" % (lost, sent)]
        return cells, rtts
    except subprocess.TimeoutExpired as e:
        return ["failed: udpload timed out (%s)" % " ".join(e.cmd[3:6])], []
    except subprocess.CalledProcessError as e:
        return ["failed: %s exited with %d" % (os.path.basename(e.cmd[0]),
                                               e.returncode)], []
    finally:
        common.stop(proc)


def plot(curves, path):
    """One CDF line per config; False if matplotlib is missing."""
    try:
        import matplotlib
    except ImportError:
        return False
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(9, 6))
    colors = plt.get_cmap("tab10")
    labels = sorted({label.rsplit(" ", 1)[0] for label, _ in curves})
    for label, values in curves:
        v = sorted(values)
        y = [(i + 1) / len(v) for i in range(len(v))]
        base, transport = label.rsplit(" ", 1)
        ax.step(v, y, where="post", label=label,
                color=colors(labels.index(base) % 10),
                linestyle="-" if transport == "mmio" else "--")
    ax.set_xscale("log")
    ax.set_xlabel("round-trip time (µs), 64-byte UDP datagrams")
    ax.set_ylabel("fraction of datagrams")
    ax.set_ylim(0, 1)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small", loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def run(ctx):
    ensure_udpload()
    rows, curves = [], []
    tmp = tempfile.mkdtemp(prefix="bench-udp-")
    disk = os.path.join(tmp, "disk.img")
    with open(disk, "wb") as f:
        f.truncate(1 << 20)
    try:
        built = {}
        for label, p, t, make_args in configs(ctx):
            if make_args is None:
                rows.append([label, t, common.KVM_SKIPPED])
                continue
            common.log("udp: %s %s" % (label, t))
            if p not in built:
                try:
                    common.make("PLATFORM=" + p, "all")
                    built[p] = True
                except subprocess.CalledProcessError:
                    built[p] = False
            if not built[p]:
                rows.append([label, t, "failed: make PLATFORM=%s all" % p])
                continue
            try:
                cells, rtts = measure(p, t, make_args, disk, ctx.runs, tmp)
            except Exception as e:  # one config's failure is its row
                cells, rtts = ["failed: %s" % e], []
            rows.append([label, t, *cells])
            if rtts:
                curves.append(("%s %s" % (label, t), rtts))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    png = os.path.join(ctx.results_dir, ctx.stamp + "-rtt.png")
    os.makedirs(ctx.results_dir, exist_ok=True)
    if not curves:
        plot_note = "No RTTs were collected, so there is no CDF plot."
    elif plot(curves, png):
        plot_note = ("The CDF of every RTT, one line per configuration, is "
                     "in `%s`:\n\n![RTT CDF](%s)" % (os.path.basename(png),
                                                    os.path.basename(png)))
    else:
        plot_note = ("matplotlib is not installed (Debian: python3-matplotlib), "
                     "so the CDF plot was skipped.")
    header = ["platform", "transport", "p50 µs", "p99 µs", "max µs",
              "dgram/s, 1 in flight", "8 in flight", "32 in flight", "lost"]
    text = ("### 2. UDP echo\n\n"
            "The demo kernel echoes UDP through QEMU's user network "
            "(host 127.0.0.1, hostfwd to guest port 8080), one boot per "
            "configuration, measured with `build/bench/udpload`. Round trips: "
            "%d runs of %d sequential %d-byte datagrams; p50, p99 and max are "
            "the median (min-max) of the per-run figures. Throughput: %d s "
            "each with 1, 8 and 32 datagrams kept in flight; the samples are "
            "the echoes counted in each one-second window. A datagram not "
            "echoed within 1 s is lost; `lost` sums all of the above. "
            % (ctx.runs, RTT_COUNT, SIZE, RATE_SECONDS))
    return text + plot_note + "\n\n" + common.table(header, rows) + "\n"
