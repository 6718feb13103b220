"""Section 4, block: bench/programs/blk_bench.c inside the guest on a 64 MiB
disk image (bench/blk_bench.py boots it), on arm64 and x64, both
transports: 64 KiB sequential writes then reads over the 64 MiB, and 4,096
random 4 KiB reads, at queue depth 1 and 32."""
import common
import blk_bench

PLATFORMS = ["arm64", "x64"]


def run(ctx):
    rows = []
    for p in [p for p in PLATFORMS if p in ctx.platforms]:
        common.make("PLATFORM=" + p, "bench-programs")
        for t in ctx.transports:
            runs = {}
            for i in range(ctx.runs):
                common.log("block: %s-%s run %d" % (p, t, i + 1))
                try:
                    for phase, mib, ops in blk_bench.run(p, t):
                        runs.setdefault(phase, []).append((mib, ops))
                except SystemExit as e:
                    rows.append([p, t, "failed: %s" % e, "", ""])
                    break
            for phase, v in runs.items():
                rows.append([p, t, phase, common.fmt([m for m, _ in v]),
                             common.fmt([o for _, o in v])])
    return "\n".join([
        "### 4. Block",
        "",
        "Inside the guest, through the public API, on a fresh sparse 64 MiB "
        "image: 64 KiB sequential writes then reads over the whole image and "
        "4,096 random 4 KiB reads, first at queue depth 1, then 32 (so the "
        "depth-32 writes find the image's blocks already allocated on the "
        "host). MiB/s and operations per second, median (min-max) of %d "
        "boots." % ctx.runs,
        "",
        common.table(["platform", "transport", "phase", "MiB/s", "ops/s"], rows),
    ])
