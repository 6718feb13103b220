"""Section 6, size: each platform's kernel.elf (the demo), stripped, and its
text, data and bss, as `make sizes` prints them."""
import subprocess

import common


def run(ctx):
    out = subprocess.run(["make", "-s", "--no-print-directory", "sizes"],
                         cwd=common.ROOT, capture_output=True, text=True,
                         check=True).stdout
    rows = []
    for line in out.splitlines():
        f = line.replace(",", "").split()
        # "arm32   stripped   73332 bytes  text 72504 data 4 bss 476960"
        if len(f) == 10 and f[1] == "stripped":
            rows.append([f[0], "{:,}".format(int(f[2])), "{:,}".format(int(f[5])),
                         "{:,}".format(int(f[7])), "{:,}".format(int(f[9]))])
    return "\n".join([
        "### 6. Size",
        "",
        "`kernel.elf` of the demo, stripped, and its sections, as `make sizes` "
        "prints them. bss holds every static pool and ring.",
        "",
        common.table(["platform", "stripped bytes", "text", "data", "bss"], rows),
    ])
