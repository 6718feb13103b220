#!/usr/bin/env python3
"""`make bench`: run every benchmark section, print one Markdown report, and
write it to bench/results/<date>-<host>.md (with the RTT plot beside it).

    python3 bench/run.py [--runs N] [PLATFORM...]

Without platforms: the six bare-metal platforms and hosted. With some, only
those (hosted names the hosted sections 3, 5 and 7). Sections:
  1 boot (sec_boot), 2 UDP echo (sec_udp), 3 hosted against a baseline
  (sec_hosted), 4 block (sec_block), 5 the core's cost (sec_cost),
  6 size (sec_size), 7 realms (sec_realms: hosted, and arm64 when chosen).
"""
import argparse
import datetime
import importlib
import os
import platform as host
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

SECTIONS = [("sec_boot", False), ("sec_udp", False), ("sec_hosted", True),
            ("sec_block", False), ("sec_cost", True), ("sec_size", None),
            ("sec_realms", True)]


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return host.processor() or "unknown"


def version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True).stdout
        return out.splitlines()[0].strip()
    except (OSError, IndexError):
        return "not found"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("platforms", nargs="*")
    a = ap.parse_args()
    chosen = a.platforms or common.BAREMETAL + ["hosted"]
    baremetal = [p for p in chosen if p in common.BAREMETAL]
    hosted = "hosted" in chosen
    now = datetime.datetime.now()
    stamp = "%s-%s" % (now.strftime("%Y-%m-%d"), host.node() or "host")
    results = os.path.join(common.ROOT, "bench", "results")
    os.makedirs(results, exist_ok=True)
    ctx = common.Context(baremetal, max(5, a.runs), results, stamp,
                         common.kvm_usable())
    started = time.monotonic()
    parts = [
        "# realmos benchmarks, %s" % now.strftime("%Y-%m-%d %H:%M"),
        "",
        "| | |", "|---|---|",
        "| machine | %s, %d cores |" % (cpu_model(), os.cpu_count() or 0),
        "| host | %s %s |" % (host.system(), host.release()),
        "| QEMU | %s (TCG%s) |" % (version(["qemu-system-x86_64", "--version"]),
                                  "; KVM usable" if ctx.kvm else ""),
        "| clang | %s |" % version(["clang", "--version"]),
        "| commit | %s |" % version(["git", "-C", common.ROOT, "rev-parse",
                                     "--short", "HEAD"]),
        "| platforms | %s |" % " ".join(chosen),
        "",
        "Each figure: median (min-max) of %d runs unless its section says "
        "otherwise." % ctx.runs,
        "",
    ]
    for name, needs_hosted in SECTIONS:
        if needs_hosted is True and not hosted:
            continue
        if needs_hosted is False and not baremetal:
            continue
        common.log("== %s" % name)
        t0 = time.monotonic()
        try:
            text = importlib.import_module(name).run(ctx)
        except Exception:  # one broken section must not lose the others
            text = "### %s\n\nfailed:\n\n```\n%s```" % (
                name, traceback.format_exc())
        common.log("== %s: %.0f s" % (name, time.monotonic() - t0))
        parts += [text, ""]
    parts.append("Whole run: %.0f s." % (time.monotonic() - started))
    report = "\n".join(parts) + "\n"
    out = os.path.join(results, stamp + ".md")
    with open(out, "w") as f:
        f.write(report)
    print(report)
    common.log("written: %s" % out)


if __name__ == "__main__":
    main()
