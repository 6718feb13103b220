"""x32 and x64 under KVM (`ACCEL=kvm`), both machines: the banner, the
timers (with a tighter lateness bound than TCG's), the three devices, the
network and the demo's echo. Each test skips, saying why, when QEMU cannot
use /dev/kvm here (bench/common.py's check, shared with `make bench`)."""
import os
import socket
import sys

import pytest
import udpload
from conftest import ROOT
from test_baremetal import boot, check_interface, run_check, timers_on_time
from test_hosted_programs import check_blk_pattern

sys.path.insert(0, os.path.join(ROOT, "bench"))
import common as bench_common  # noqa: E402

CONFIGS = [(p, t) for p in ("x32", "x64") for t in ("mmio", "pci")]
KVM = ["ACCEL=kvm"]


@pytest.fixture(params=CONFIGS, ids=["%s-%s-kvm" % c for c in CONFIGS])
def kconfig(request):
    why = bench_common.kvm_unusable_reason()
    if why:
        pytest.skip("KVM not usable here: %s" % why)
    return request.param


def test_kvm_banner_and_devices(kernel, kconfig, tmp_path):
    k = boot(kernel, kconfig, "kernel", tmp_path, make_args=KVM)
    line = k.expect(lambda l: l.startswith("realmos "), timeout=5.0)
    assert line == "realmos 0.1 on %s" % kconfig[0]
    check_interface(k, kconfig)
    k.expect(lambda l: l.startswith("demo: udp echo"), timeout=15.0)
    assert not [l for l in k.lines if l.startswith("panic")]


def test_kvm_timers_fire_in_order_on_time(kernel, kconfig, tmp_path):
    timers_on_time(boot(kernel, kconfig, "deadlines", tmp_path,
                        make_args=KVM), kvm=True)


def test_kvm_random_bytes(kernel, kconfig, tmp_path):
    run_check(boot(kernel, kconfig, "rng_check", tmp_path, make_args=KVM),
              "rng-check")


def test_kvm_block_pattern(kernel, kconfig, tmp_path):
    k = boot(kernel, kconfig, "blk_check", tmp_path, disk_size=2 << 20,
             make_args=KVM)
    run_check(k, "blk-check")
    check_blk_pattern(k.disk.read_bytes())


def test_kvm_dhcp_and_udp_echo(kernel, kconfig, tmp_path):
    k = boot(kernel, kconfig, "kernel", tmp_path, make_args=KVM)
    k.expect(lambda l: l.startswith("demo: udp echo"), timeout=30.0)
    demo = {l.split()[1]: l for l in k.lines if l.startswith("demo: ")}
    assert demo["net"] == ("demo: net 10.0.2.15/24 gateway 10.0.2.2 "
                           "dns 10.0.2.3 (dhcp)"), k.lines
    assert demo["arp"] == "demo: arp 10.0.2.2 is 52:55:0a:00:02:02", k.lines
    todo, results, _ = udpload.run("127.0.0.1", k.port, udpload.sizes(200),
                                   32, 30)
    lost = [p for p in set(todo) if results.get(p, 0) < todo.count(p)]
    assert not lost, "%d of 200 datagrams not echoed" % len(lost)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        s.sendto(b"hi\n", ("127.0.0.1", k.port))
        assert s.recv(64) == b"hi\n"
