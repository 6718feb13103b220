"""The IPv4 stack on all 12 bare-metal configurations, through the demo:
DHCP from QEMU's user network, ARP and ping for the gateway, then UDP echo
of 1,000 datagrams of 1 to 1,472 bytes with 32 in flight, every byte
checked (udpload matches each reply to its request by content)."""
import re

import udpload
from test_baremetal import boot, config  # noqa: F401 (the fixture)


def test_dhcp_ping_and_udp_echo(kernel, config, tmp_path):  # noqa: F811
    k = boot(kernel, config, "kernel", tmp_path)
    k.expect(lambda l: l.startswith("demo: udp"), timeout=30.0)
    demo = {l.split()[1]: l for l in k.lines if l.startswith("demo: ")}
    assert demo["net"] == ("demo: net 10.0.2.15/24 gateway 10.0.2.2 "
                           "dns 10.0.2.3 (dhcp)"), k.lines
    assert demo["arp"] == "demo: arp 10.0.2.2 is 52:55:0a:00:02:02", k.lines
    assert re.fullmatch(r"demo: ping 10\.0\.2\.2: 56 bytes, ttl \d+, "
                        r"\d+\.\d{3} ms", demo["ping"]), k.lines
    assert demo["udp"] == "demo: udp echo on port 8080", k.lines

    lengths = udpload.sizes(1000)
    todo, results, secs = udpload.run("127.0.0.1", k.port, lengths, 32, 60)
    lost = [p for p in set(todo) if results.get(p, 0) < todo.count(p)]
    assert not lost, "%d of 1000 datagrams not echoed" % len(lost)
    extra = [p for p in results if p not in set(todo)]
    assert not extra, "replies that were never sent: %r" % extra[:3]
    print("%s-%s echo: %.0f datagrams/s at 32 in flight"
          % (config[0], config[1], 1000 / secs))
    # Still answering afterwards, and no line per packet.
    todo, results, _ = udpload.run("127.0.0.1", k.port, [64] * 5, 1, 10)
    assert all(results.get(p) == 1 for p in todo)
    assert not [l for l in k.lines if l.startswith("panic")]
    quiet = [l for l in k.lines[-5:] if not l.startswith(("demo:", "net:", "dhcp:"))]
    assert not quiet, k.lines[-5:]


def ask(family, addr, port, data=b"hi\n", timeout=10.0):
    """What `echo hi | nc -u -w1 localhost PORT` does, over one family,
    retried while the guest is still coming up."""
    import socket
    import time
    end = time.monotonic() + timeout
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        while time.monotonic() < end:
            s.sendto(data, (addr, port))
            try:
                return s.recv(2048)
            except socket.timeout:
                continue
    return None


def test_make_run_answers_on_both_loopbacks(kernel, config, tmp_path):  # noqa: F811
    """`make run` on bare metal answers `nc -u localhost PORT` whichever
    loopback `localhost` resolves to: QEMU forwards IPv4, and
    scripts/udp6_relay.py relays [::1] to it. On its own disk image and a
    free port (and free ports for the realm gateway and the echo realm), so
    that a user's own `make run` (build/disk.img, ports 8888, 7000, 8889)
    can stay up meanwhile; the fixture stops make's whole process group
    (QEMU and the relay are its grandchildren)."""
    import os
    import socket
    from conftest import free_udp_port
    port = free_udp_port()
    # the realms' forwards too (GW_PORT, ECHO_PORT): the user's `make run`
    # holds 7000 and 8889
    k = kernel(["make", "-s", "--no-print-directory", "run",
                "PLATFORM=" + config[0], "TRANSPORT=" + config[1],
                "PORT=%d" % port, "DISK=%s" % (tmp_path / "disk.img"),
                "GW_PORT=%d" % free_udp_port(),
                "ECHO_PORT=%d" % free_udp_port()])
    k.expect(lambda l: l.startswith("demo: udp echo"), timeout=60)
    assert ask(socket.AF_INET, "127.0.0.1", port) == b"hi\n"
    if socket.has_ipv6 and os.path.exists("/proc/net/if_inet6"):
        assert ask(socket.AF_INET6, "::1", port) == b"hi\n"
