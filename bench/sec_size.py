"""Section 6, size: each platform's kernel.elf (the demo), stripped, and its
text, data and bss, and the Wasm engine on its own, as `make sizes` prints
them."""
import subprocess

import common

LIMIT = 64 * 1024  # bare metal, stripped (docs/baremetal.md)


def run(ctx):
    out = subprocess.run(["make", "-s", "--no-print-directory", "sizes"],
                         cwd=common.ROOT, capture_output=True, text=True,
                         check=True).stdout
    kernel, engine = {}, {}
    for line in out.splitlines():
        f = line.replace(",", "").split()
        # "arm32   stripped   73332 bytes  text 72504 data 4 bss 476960"
        # "arm32   wasm      101926 bytes  text 101926 data 0 bss 4"
        if len(f) == 10 and f[1] in ("stripped", "wasm") and f[3] == "bytes":
            (kernel if f[1] == "stripped" else engine)[f[0]] = [int(f[i]) for i in (2, 5, 7, 9)]
    rows = []
    for p, (stripped, text, data, bss) in kernel.items():
        limit = "(hosted)" if p == "hosted" else ("yes" if stripped <= LIMIT else "**no**")
        wasm = "{:,}".format(engine[p][0]) if p in engine else "-"
        rows.append([p, "{:,}".format(stripped), limit, "{:,}".format(text),
                     "{:,}".format(data), "{:,}".format(bss), wasm])
    return "\n".join([
        "### 6. Size",
        "",
        "`kernel.elf` of the demo (no Wasm engine), stripped, and its sections, "
        "as `make sizes` prints them; \"<= 64 KiB\" is the bare-metal target "
        "(65,536 bytes). bss holds every static pool and ring. The last column "
        "is the Wasm engine on its own: text + data summed over `libwasm.a` as "
        "compiled for that platform: about what linking all of it adds to a kernel.",
        "",
        common.table(["platform", "stripped bytes", "<= 64 KiB", "text", "data",
                      "bss", "Wasm engine bytes"], rows),
    ])
