"""Two IPv4 stacks on one Ethernet LAN made of QEMU's `-netdev dgram` wire
(each frame one UDP datagram on the host): a hosted kernel on the `frames`
backend with a static address, and a QEMU guest that finds no DHCP server
and takes its static fallback; or two hosted kernels. Both run
tests/programs/lan_check.c: each pings the other and echoes UDP for it."""
import pytest

from conftest import free_udp_port
from test_baremetal import boot, checked, CONFIGS

HOSTED_IP = "10.0.2.2/24,10.0.2.15"  # the guest's fallback gateway


def hosted(kernel, ours, theirs, ip):
    return kernel("lan_check.elf", "--net",
                  "dgram:127.0.0.1:%d,127.0.0.1:%d" % (ours, theirs),
                  "--ip", ip)


def check_done(k, addr):
    k.expect(lambda l: l.startswith("lan-check: done") or "FAIL" in l,
             timeout=30)
    lines = [l for l in k.lines if l.startswith("lan-check:")]
    assert lines == ["lan-check: up " + addr, "lan-check: ping ok",
                     "lan-check: udp 32/32 echoed", "lan-check: done"], k.lines


def test_two_hosted_kernels(kernel):
    a, b = free_udp_port(), free_udp_port()
    one = hosted(kernel, a, b, "10.0.9.1/24,10.0.9.2")
    two = hosted(kernel, b, a, "10.0.9.2/24,10.0.9.1")
    check_done(one, "10.0.9.1")
    check_done(two, "10.0.9.2")


@pytest.fixture(params=CONFIGS, ids=["%s-%s" % c for c in CONFIGS])
def config(request):
    return checked(*request.param)


def test_hosted_and_guest(kernel, config, tmp_path):
    a, b = free_udp_port(), free_udp_port()
    host = hosted(kernel, a, b, HOSTED_IP)
    wire = ("-netdev dgram,id=net0,local.type=inet,local.host=127.0.0.1,"
            "local.port=%d,remote.type=inet,remote.host=127.0.0.1,"
            "remote.port=%d" % (b, a))
    guest = boot(kernel, config, "lan_check", tmp_path,
                 make_args=["NETDEV=" + wire])
    check_done(guest, "10.0.2.15")
    check_done(host, "10.0.2.2")
    assert "dhcp: no lease, static address" in guest.lines
