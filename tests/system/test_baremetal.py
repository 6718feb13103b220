"""The bare-metal platforms under QEMU: 6 platforms, 2 transports (machines)
each. Each configuration boots, keeps time, sleeps when idle, and stops with a
report on a fault; the device tests (rng, blk, net) also run over
virtio-mmio's modern interface."""
import os
import re
import shlex
import socket
import subprocess
import time

import pytest
from conftest import ROOT, free_udp_port
from test_hosted_programs import check_blk_pattern

PLATFORMS = ["rv32", "rv64", "arm32", "arm64", "x32", "x64"]
CONFIGS = [(p, t) for p in PLATFORMS for t in ("mmio", "pci")]
# The device tests also run over virtio-mmio's modern interface (version 2);
# "mmio" alone is QEMU's default, the legacy one (version 1).
DEVICE_CONFIGS = CONFIGS + [(p, "mmio-modern") for p in PLATFORMS]


def checked(platform, transport):
    if not os.path.exists(os.path.join(ROOT, "platform", platform, "platform.mk")):
        pytest.skip("platform/%s is not written yet" % platform)
    return platform, transport


@pytest.fixture(params=CONFIGS, ids=["%s-%s" % c for c in CONFIGS])
def config(request):
    return checked(*request.param)


@pytest.fixture(params=DEVICE_CONFIGS, ids=["%s-%s" % c for c in DEVICE_CONFIGS])
def dconfig(request):
    return checked(*request.param)


def boot(kernel, config, program, tmp_path, disk_size=1 << 20, disk=None,
         make_args=()):
    """Start QEMU the way `make run` does, with build/<p>/<program>.elf.
    The disk image and the host port of the UDP forward are on the result,
    as .disk and .port."""
    platform, transport = config
    variant = []
    if transport == "mmio-modern":
        transport, variant = "mmio", ["VIRTIO_MMIO=modern"]
    if disk is None:
        disk = tmp_path / "disk.img"
        with open(disk, "wb") as f:
            f.truncate(disk_size)
    port = free_udp_port()
    elf = os.path.join(ROOT, "build", platform, program + ".elf")
    out = subprocess.run(
        ["make", "-s", "--no-print-directory", "print-run",
         "PLATFORM=" + platform, "TRANSPORT=" + transport, "KERNEL=" + elf,
         "DISK=" + str(disk), "PORT=%d" % port] + variant + list(make_args),
        cwd=ROOT, capture_output=True, text=True, check=True).stdout
    k = kernel(shlex.split(out))
    k.disk, k.port = disk, port
    return k


def cpu_seconds(pid):
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_banner_within_2s_then_idle_sleeps(kernel, config, tmp_path):
    k = boot(kernel, config, "kernel", tmp_path)
    line = k.expect(lambda l: l.startswith("realmos "), timeout=2.0)
    assert line == "realmos 0.1 on %s" % config[0]
    assert k.times[-1] - k.launched < 2.0
    # The three devices, and how they interrupt: PCI functions use MSI-X
    # wherever the platform has MSI (x86's LAPIC, ARM's GICv2m); RISC-V virt
    # has none, and virtio-mmio has only lines.
    platform, transport = config
    devices = [l for l in k.lines
               if re.match(r"virtio-(mmio|pci): device type [124],", l)]
    assert len(devices) == 3, k.lines
    msix = transport == "pci" and not platform.startswith("rv")
    for l in devices:
        assert ("(MSI-X)" in l) == msix, l
    # The demo's last step; after it the guest idles.
    k.expect(lambda l: l.startswith("demo: udp"), timeout=15.0)
    demo = [l for l in k.lines if l.startswith("demo: ")]
    assert re.fullmatch(r"demo: rng [0-9a-f]{64}", demo[0]), k.lines
    assert demo[1] == ("demo: blk wrote 4096 bytes at sector 0, "
                       "read them back, flushed"), k.lines
    assert demo[-1] == "demo: udp echo on port 8080", k.lines
    before = cpu_seconds(k.proc.pid)
    time.sleep(2.0)
    used = cpu_seconds(k.proc.pid) - before
    assert used < 0.4, "idle for 2 s, QEMU used %.2f s of CPU" % used
    assert not [l for l in k.lines if l.startswith("panic")]


# How late a timer may fire by the guest clock. The guest program
# (tests/programs/deadlines.c) fails beyond 100 ms, a lost or wildly late
# timer; TCG needs all of that (30 ms seen on an idle 2-core host: the guest
# clock runs on while the vCPU thread waits for the host). Under KVM the
# vCPU runs on the host's CPU and the LAPIC timer is KVM's own, so the bound
# is tight. (Not yet measured: no machine with a usable /dev/kvm was at hand
# when it was set.)
LATE_US = {"tcg": 100000, "kvm": 10000}


def test_timers_fire_in_order_on_time(kernel, config, tmp_path):
    timers_on_time(boot(kernel, config, "deadlines", tmp_path))


def timers_on_time(k, kvm=False):
    """The deadlines program's verdict, its clock against the host's, and
    its latest timer against the accelerator's bound."""
    clocks = []
    while len(clocks) < 2:
        line = k.expect(lambda l: l.startswith("deadlines: clock "), timeout=10)
        clocks.append((int(line.split()[-1]), k.times[-1]))
    end = k.expect(lambda l: l.startswith("deadlines: ok") or
                   l.startswith("deadlines: FAIL"), timeout=5)
    assert end == "deadlines: ok", "\n".join(k.lines)
    late = [l for l in k.lines if l.startswith("deadlines: latest fired ")]
    assert late, k.lines
    late_us = int(late[0].split()[3])
    bound = LATE_US["kvm" if kvm else "tcg"]
    assert late_us <= bound, "a timer fired %d us late (bound %d)" % (
        late_us, bound)
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


def run_check(k, name, timeout=60):
    """Wait for a test program's verdict line, then for the power-off."""
    end = k.expect(lambda l: l.startswith(name + ": ok") or
                   l.startswith(name + ": FAIL"), timeout=timeout)
    assert end == name + ": ok", "\n".join(k.lines)
    k.proc.wait(timeout=10)


def check_interface(k, config):
    """Every virtio device of the run used the interface the config names:
    virtio-mmio version 1 (legacy) or 2 (modern); virtio-pci is modern."""
    devices = [l for l in k.lines if re.match(r"virtio-(mmio|pci): device type", l)]
    want = "legacy" if config[1] == "mmio" else "modern"
    assert len(devices) == 3 and all(l.endswith(", " + want) for l in devices), devices


def test_random_bytes(kernel, dconfig, tmp_path):
    k = boot(kernel, dconfig, "rng_check", tmp_path)
    run_check(k, "rng-check")
    check_interface(k, dconfig)


def test_block_pattern_reaches_the_disk_image(kernel, dconfig, tmp_path):
    k = boot(kernel, dconfig, "blk_check", tmp_path, disk_size=2 << 20)
    run_check(k, "blk-check")
    check_blk_pattern(k.disk.read_bytes())
    check_interface(k, dconfig)


def test_read_only_disk_and_device_errors(kernel, config, tmp_path):
    """blk_error_check.c: writes to a read-only disk are refused, and a read
    the host fails (QEMU's blkdebug: EIO for sector 100) is KERR_IO while
    the reads in flight beside it succeed."""
    disk = tmp_path / "ro.img"
    disk.write_bytes(bytes(i % 251 for i in range(1 << 20)))
    rules = tmp_path / "blkdebug.conf"
    rules.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\n'
                     'sector = "100"\n')
    k = boot(kernel, config, "blk_error_check", tmp_path, disk=disk,
             make_args=["BLKDEBUG=%s" % rules, "DISK_OPTS=,readonly=on"])
    run_check(k, "blk-error-check")
    assert "blk-error-check: 31 reads ok, 1 failed with an I/O error" in k.lines


def test_arp_and_a_burst_of_64_frames(kernel, dconfig, tmp_path):
    k = boot(kernel, dconfig, "net_check", tmp_path)
    k.expect(lambda l: l.startswith("net-check: ready"), timeout=20)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for i in range(64):  # back to back
            s.sendto(i.to_bytes(2, "big") + b"burst" * 10, ("127.0.0.1", k.port))
        k.expect(lambda l: l.startswith("net-check: holding"), timeout=20)
        # The program now keeps every buffer: what does not fit is dropped,
        # and every drop is counted.
        for i in range(100):
            s.sendto((1000 + i).to_bytes(2, "big") + b"hold" * 10,
                     ("127.0.0.1", k.port))
        line = k.expect(lambda l: l.startswith("net-check: held "), timeout=20)
    held, dropped = int(line.split()[2].rstrip(",")), int(line.split()[4])
    assert held + dropped == 100 and held > 0 and dropped > 0, line
    run_check(k, "net-check")
    check_interface(k, dconfig)
