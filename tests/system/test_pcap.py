"""Packet capture, read back with tshark: bare metal with `make run PCAP=FILE`
(QEMU's filter-dump on net0), and the hosted `frames` backend with
`--pcap FILE` (platform/hosted/pcap.c)."""
import os
import shlex
import shutil
import socket
import struct
import subprocess
import time

import pytest

from conftest import BUILD, ROOT, free_udp_port
from test_baremetal import boot, checked

needs_tshark = pytest.mark.skipif(
    shutil.which("tshark") is None,
    reason="tshark is not installed (Debian package tshark)")

FIELDS = ["eth.src", "eth.dst", "dhcp.option.dhcp", "dhcp.id", "arp.opcode",
          "arp.src.proto_ipv4", "arp.dst.proto_ipv4", "icmp.type",
          "icmp.ident", "icmp.seq", "ip.src", "ip.dst", "udp.srcport",
          "udp.dstport", "udp.payload"]


def decode(path, strict=True):
    """Each frame of the capture as tshark decodes it: a dict of FIELDS
    (empty strings for fields the frame does not have). Not strict: a file
    being written may end in a write in progress; take what tshark read."""
    cmd = ["tshark", "-r", str(path), "-T", "fields", "-E", "separator=/t",
           "-E", "occurrence=f"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 or not strict, out.stderr
    return [dict(zip(FIELDS, line.split("\t")))
            for line in out.stdout.splitlines()]


def pcap_records(data):
    """Parse a classic pcap file written in this host's byte order: the
    header's fields, and (ts_sec, ts_usec, incl_len, orig_len) per record.
    A record cut short at the end (a write error stopped the capture) is
    left out."""
    magic, major, minor, zone, sigfigs, snaplen, link = \
        struct.unpack("=IHHiIII", data[:24])
    head = dict(magic=magic, version=(major, minor), zone=zone,
                sigfigs=sigfigs, snaplen=snaplen, link=link)
    records, at = [], 24
    while at + 16 <= len(data):
        rec = struct.unpack("=IIII", data[at:at + 16])
        if at + 16 + rec[2] > len(data):
            break
        records.append(rec)
        at += 16 + rec[2]
    return head, records


# ------------------------------------------------------------- bare metal

GUEST, GATEWAY = "10.0.2.15", "10.0.2.2"
CONFIGS = [("arm64", "mmio"), ("x64", "pci"), ("rv32", "mmio")]


@pytest.fixture(params=CONFIGS, ids=["%s-%s" % c for c in CONFIGS])
def config(request):
    return checked(*request.param)


@needs_tshark
def test_demo_traffic_in_the_capture(kernel, config, tmp_path):
    capture = tmp_path / "net0.pcap"
    k = boot(kernel, config, "kernel", tmp_path,
             make_args=["PCAP=%s" % capture])
    line = k.expect(lambda l: l.startswith("virtio-net: "), timeout=10)
    mac = line.split()[-1]
    k.expect(lambda l: l.startswith("demo: udp echo"), timeout=30)
    payload = b"pcap " + os.urandom(8).hex().encode()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(10)
        s.sendto(payload, ("127.0.0.1", k.port))
        assert s.recvfrom(2048)[0] == payload
    k.stop()
    frames = decode(capture)

    # DHCP: DISCOVER, OFFER, REQUEST, ACK, in that order, in the
    # transaction that got the ACK (a slow guest may resend); the guest's
    # from its MAC, the server's from the gateway.
    dhcp = [f for f in frames if f["dhcp.option.dhcp"]]
    acks = [f for f in dhcp if f["dhcp.option.dhcp"] == "5"]
    assert len(acks) == 1, dhcp
    lease = [f for f in dhcp if f["dhcp.id"] == acks[0]["dhcp.id"]]
    order = [f["dhcp.option.dhcp"] for f in lease]
    firsts = [order.index(t) for t in ("1", "2", "3", "5")]
    assert firsts == sorted(firsts), order
    for f in lease:
        from_guest = f["dhcp.option.dhcp"] in ("1", "3")
        assert (f["eth.src"] == mac) == from_guest, f
        assert from_guest or f["ip.src"] == GATEWAY, f

    # ARP: the guest asks for the gateway, the gateway answers it.
    assert any(f["arp.opcode"] == "1" and f["eth.src"] == mac and
               f["arp.src.proto_ipv4"] == GUEST and
               f["arp.dst.proto_ipv4"] == GATEWAY for f in frames), frames
    assert any(f["arp.opcode"] == "2" and f["eth.dst"] == mac and
               f["arp.src.proto_ipv4"] == GATEWAY and
               f["arp.dst.proto_ipv4"] == GUEST for f in frames), frames

    # ICMP: the guest's echo request and the gateway's reply to it.
    req = [f for f in frames if f["icmp.type"] == "8" and
           (f["ip.src"], f["ip.dst"]) == (GUEST, GATEWAY)]
    rep = [f for f in frames if f["icmp.type"] == "0" and
           (f["ip.src"], f["ip.dst"]) == (GATEWAY, GUEST)]
    assert {(f["icmp.ident"], f["icmp.seq"]) for f in req} & \
        {(f["icmp.ident"], f["icmp.seq"]) for f in rep}, frames

    # UDP: our datagram to guest port 8080 and its echo, same bytes.
    to = [f for f in frames if f["udp.dstport"] == "8080"]
    back = [f for f in frames if f["udp.srcport"] == "8080"]
    assert len(to) == 1 and len(back) == 1, frames
    assert to[0]["ip.dst"] == back[0]["ip.src"] == GUEST
    assert back[0]["udp.dstport"] == to[0]["udp.srcport"]
    assert bytes.fromhex(to[0]["udp.payload"]) == payload
    assert bytes.fromhex(back[0]["udp.payload"]) == payload


# ----------------------------------------------------------------- hosted

def lan_pair(kernel, tmp_path, capture, wrap=()):
    """Two hosted kernels running lan_check on one dgram wire, 10.0.9.1 and
    10.0.9.2. The first is started from `make print-run PLATFORM=hosted
    PCAP=capture` (what `make run` would run), inside `wrap` if given (a
    shell that sets limits first)."""
    a, b = free_udp_port(), free_udp_port()
    out = subprocess.run(
        ["make", "-s", "--no-print-directory", "print-run", "PLATFORM=hosted",
         "KERNEL=" + os.path.join(BUILD, "lan_check.elf"), "DISK=",
         "PORT=%d" % free_udp_port(), "PCAP=%s" % capture,
         "RUN_ARGS=--net dgram:127.0.0.1:%d,127.0.0.1:%d "
         "--ip 10.0.9.1/24,10.0.9.2" % (a, b)],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout
    argv = shlex.split(out)
    assert argv[argv.index("--pcap") + 1] == str(capture)
    one = kernel(list(wrap) + argv)
    two = kernel("lan_check.elf", "--net",
                 "dgram:127.0.0.1:%d,127.0.0.1:%d" % (b, a),
                 "--ip", "10.0.9.2/24,10.0.9.1")
    for k in (one, two):
        k.expect(lambda l: l.startswith("lan-check: done") or "FAIL" in l,
                 timeout=30)
        assert k.lines[-1] == "lan-check: done", k.lines
    return one, two


def udp_echoed(frames, client, server):
    """Payloads of client's datagrams to server port 7 that came back
    byte for byte from port 7."""
    sent = {f["udp.payload"] for f in frames if f["ip.src"] == client and
            f["ip.dst"] == server and f["udp.dstport"] == "7"}
    back = {f["udp.payload"] for f in frames if f["ip.src"] == server and
            f["ip.dst"] == client and f["udp.srcport"] == "7"}
    return sent & back


def hosted_exchange_seen(frames):
    """ARP both ways, a ping answered, and lan_check's 32 datagrams echoed,
    each way."""
    arp_req = any(f["arp.opcode"] == "1" and f["arp.dst.proto_ipv4"] and
                  f["arp.dst.proto_ipv4"] != f["arp.src.proto_ipv4"]
                  for f in frames)
    arp_rep = any(f["arp.opcode"] == "2" for f in frames)
    pings = {(f["icmp.ident"], f["icmp.seq"], f["ip.src"]) for f in frames
             if f["icmp.type"] == "8"}
    pongs = {(f["icmp.ident"], f["icmp.seq"], f["ip.dst"]) for f in frames
             if f["icmp.type"] == "0"}
    answered = {who for _, _, who in pings & pongs}
    return (arp_req and arp_rep and answered == {"10.0.9.1", "10.0.9.2"} and
            len(udp_echoed(frames, "10.0.9.1", "10.0.9.2")) == 32 and
            len(udp_echoed(frames, "10.0.9.2", "10.0.9.1")) == 32)


@needs_tshark
def test_hosted_frames_capture(kernel, tmp_path):
    capture = tmp_path / "frames.pcap"
    began = time.time()
    one, two = lan_pair(kernel, tmp_path, capture)
    # Readable while the kernel runs: each tick's frames are flushed by the
    # end of that tick. (A little slack: the peer may print "done" between
    # our last sendto and the flush right after it.)
    deadline = time.monotonic() + 5
    while not hosted_exchange_seen(decode(capture, strict=False)):
        assert time.monotonic() < deadline, decode(capture)
        time.sleep(0.2)
    assert one.proc.poll() is None
    assert one.stop() == 0 and two.stop() == 0
    ended = time.time()

    head, records = pcap_records(capture.read_bytes())
    assert head == dict(magic=0xa1b2c3d4, version=(2, 4), zone=0, sigfigs=0,
                        snaplen=65535, link=1)
    assert len(records) == len(decode(capture)) > 0
    stamps = [sec + usec / 1e6 for sec, usec, _, _ in records]
    assert all(0 <= usec < 1000000 for _, usec, _, _ in records)
    assert began - 1 <= stamps[0] and stamps[-1] <= ended + 1, stamps
    assert stamps == sorted(stamps)
    assert all(incl == orig and 14 <= incl <= 1514
               for _, _, incl, orig in records)
    assert hosted_exchange_seen(decode(capture))


@pytest.mark.parametrize("where", ["full", "limit"])
def test_hosted_capture_write_error(kernel, tmp_path, where):
    """A write error is reported once and ends the capture; the network
    goes on. "full": /dev/full refuses the file header already. "limit":
    a 4 KiB file size limit (RLIMIT_FSIZE, SIGXFSZ ignored) stops it part
    way, with EFBIG."""
    if where == "full":
        capture, wrap = "/dev/full", ()
    else:
        capture = tmp_path / "small.pcap"
        wrap = ("sh", "-c", 'trap "" XFSZ; ulimit -f 8; exec "$@"', "sh")
    one, two = lan_pair(kernel, tmp_path, capture, wrap)
    assert one.stop() == 0 and two.stop() == 0
    one.drain()
    errors = [l for l in one.lines if "pcap" in l]
    why = "No space left on device" if where == "full" else "File too large"
    assert errors == ["error: pcap: %s: %s; capture stopped" % (capture, why)]
    if where == "limit":
        data = capture.read_bytes()
        assert len(data) == 4096
        head, records = pcap_records(data)
        assert head["magic"] == 0xa1b2c3d4 and len(records) > 0
