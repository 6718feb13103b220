"""The hosted `frames` backend in its QEMU `-netdev dgram` form: raw Ethernet
frames, one per UDP datagram, through a program that echoes them."""
import os
import select
import socket

from conftest import free_udp_port


def start_echo(kernel):
    ours, theirs = free_udp_port(), free_udp_port()
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", theirs))
    k = kernel("frame_echo.elf", "--net",
               "dgram:127.0.0.1:%d,127.0.0.1:%d" % (ours, theirs))
    line = k.expect(lambda l: l.startswith("frame-echo: mac "))
    mac = bytes(int(x, 16) for x in line.split()[-1].split(":"))
    return k, peer, ("127.0.0.1", ours), mac


def frame(dst, src, seq, size):
    body = bytes((seq + i) & 0xFF for i in range(size - 14))
    return dst + src + b"\x88\xb5" + body  # 0x88b5: local experimental type


def recv_all(sock, want, timeout=10.0):
    got = []
    while len(got) < want:
        r, _, _ = select.select([sock], [], [], timeout)
        if not r:
            break
        got.append(sock.recv(2048))
    return got


def test_frame_comes_back_with_addresses_swapped(kernel):
    k, peer, addr, mac = start_echo(kernel)
    me = b"\x02\x00\x00\x00\x00\x01"
    f = frame(mac, me, 7, 60)
    peer.sendto(f, addr)
    (back,) = recv_all(peer, 1)
    assert back[:6] == me and back[6:12] == mac and back[12:] == f[12:]
    assert k.stop() == 0


def test_burst_of_frames_all_echoed_in_order(kernel):
    k, peer, addr, mac = start_echo(kernel)
    me = b"\x02\x00\x00\x00\x00\x02"
    sent = [frame(mac, me, i, 14 + (i * 37) % 1500) for i in range(500)]
    got = []
    # 32 in flight at a time.
    for i in range(0, len(sent), 32):
        for f in sent[i:i + 32]:
            peer.sendto(f, addr)
        got += recv_all(peer, len(sent[i:i + 32]))
    assert [g[12:] for g in got] == [f[12:] for f in sent]
    assert k.stop() == 0


def test_runt_and_stranger_frames_are_dropped(kernel):
    k, peer, addr, mac = start_echo(kernel)
    peer.sendto(b"\x01" * 10, addr)  # shorter than an Ethernet header
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as stranger:
        stranger.sendto(frame(mac, b"\x02" * 6, 1, 64), addr)
        assert recv_all(stranger, 1, timeout=0.5) == []
    assert recv_all(peer, 1, timeout=0.5) == []
    # Still serving afterwards.
    peer.sendto(frame(mac, b"\x02" * 6, 2, 64), addr)
    assert len(recv_all(peer, 1)) == 1
    assert k.stop() == 0


def _can_make_tap():
    return os.geteuid() == 0 and os.access("/dev/net/tun", os.R_OK | os.W_OK)


def test_frames_over_a_tap_interface(kernel):
    if not _can_make_tap():
        import pytest
        pytest.skip("TAP needs root and /dev/net/tun: not available here")
    import subprocess
    name = "rtap%d" % (os.getpid() % 10000)
    k = kernel("frame_echo.elf", "--net", "tap:" + name)
    line = k.expect(lambda l: l.startswith("frame-echo: mac "))
    mac = bytes(int(x, 16) for x in line.split()[-1].split(":"))
    subprocess.run(["ip", "link", "set", name, "up"], check=True)
    ethertype = 0x88B5
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ethertype))
    s.bind((name, 0))
    host_mac = s.getsockname()[4]
    sent = [frame(mac, host_mac, i, 60 + i) for i in range(20)]
    for f in sent:
        s.send(f)
    echoed = []
    while len(echoed) < len(sent):
        r, _, _ = select.select([s], [], [], 5)
        if not r:
            break
        data = s.recv(2048)
        if data[6:12] == mac:  # the packet socket also sees what we sent
            echoed.append(data)
    s.close()
    assert [e[:6] for e in echoed] == [host_mac] * len(sent)
    assert [e[12:] for e in echoed] == [f[12:] for f in sent]
    assert k.stop() == 0
