"""The bare-metal platforms under QEMU: 6 platforms, 2 transports (machines)
each. Each configuration boots, keeps time, sleeps when idle, and stops with a
report on a fault."""
import os
import shlex
import subprocess
import time

import pytest
from conftest import ROOT, free_udp_port

PLATFORMS = ["rv32", "rv64", "arm32", "arm64", "x32", "x64"]
CONFIGS = [(p, t) for p in PLATFORMS for t in ("mmio", "pci")]


@pytest.fixture(params=CONFIGS, ids=["%s-%s" % c for c in CONFIGS])
def config(request):
    platform, transport = request.param
    if not os.path.exists(os.path.join(ROOT, "platform", platform, "platform.mk")):
        pytest.skip("platform/%s is not written yet" % platform)
    return platform, transport


def boot(kernel, config, program, tmp_path):
    """Start QEMU the way `make run` does, with build/<p>/<program>.elf."""
    platform, transport = config
    disk = tmp_path / "disk.img"
    with open(disk, "wb") as f:
        f.truncate(1 << 20)
    elf = os.path.join(ROOT, "build", platform, program + ".elf")
    out = subprocess.run(
        ["make", "-s", "--no-print-directory", "print-run",
         "PLATFORM=" + platform, "TRANSPORT=" + transport, "KERNEL=" + elf,
         "DISK=" + str(disk), "PORT=%d" % free_udp_port()],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return kernel(shlex.split(out))


def cpu_seconds(pid):
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_banner_within_2s_then_idle_sleeps(kernel, config, tmp_path):
    k = boot(kernel, config, "kernel", tmp_path)
    line = k.expect(lambda l: l.startswith("realmos "), timeout=2.0)
    assert line == "realmos 0.1 on %s" % config[0]
    assert k.times[-1] - k.launched < 2.0
    # The demo's last step; without devices (a later issue) it then idles.
    k.expect(lambda l: l.startswith("demo: udp"), timeout=5.0)
    before = cpu_seconds(k.proc.pid)
    time.sleep(2.0)
    used = cpu_seconds(k.proc.pid) - before
    assert used < 0.4, "idle for 2 s, QEMU used %.2f s of CPU" % used
    assert not [l for l in k.lines if l.startswith("panic")]


def test_timers_fire_in_order_on_time(kernel, config, tmp_path):
    k = boot(kernel, config, "deadlines", tmp_path)
    clocks = []
    while len(clocks) < 2:
        line = k.expect(lambda l: l.startswith("deadlines: clock "), timeout=10)
        clocks.append((int(line.split()[-1]), k.times[-1]))
    end = k.expect(lambda l: l.startswith("deadlines: ok") or
                   l.startswith("deadlines: FAIL"), timeout=5)
    assert end == "deadlines: ok", "\n".join(k.lines)
    guest = (clocks[1][0] - clocks[0][0]) / 1e9
    host = clocks[1][1] - clocks[0][1]
    assert abs(guest / host - 1) < 0.05, "guest %.3f s, host %.3f s" % (guest, host)
    k.proc.wait(timeout=10)  # powered itself off


def test_fault_prints_a_report_and_stops(kernel, config, tmp_path):
    k = boot(kernel, config, "fault", tmp_path)
    k.expect(lambda l: l.startswith("fault: "), timeout=5)
    k.expect(lambda l: l.startswith("panic: "), timeout=5)
    k.proc.wait(timeout=10)  # the machine stopped: no hang, no loop
    k.drain()
    report = "\n".join(k.lines[k.lines.index(next(
        l for l in k.lines if l.startswith("panic: "))):])
    assert report.count("0x") >= 8, report  # pc, address and registers
