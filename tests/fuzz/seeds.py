#!/usr/bin/env python3
"""Seeds for a fuzz harness, written into its corpus folder.

fuzz_net: one good frame of each kind the stack handles, addressed to
10.0.2.15 / 52:54:00:12:34:56 as the harness sets it up. fuzz_fdt: the QEMU
device trees of tests/data/. fuzz_acpi: the QEMU ACPI tables there.
fuzz_options: hosted command lines. fuzz_dhcp: a selector byte (the
client's state, see fuzz_dhcp.c) and a server's reply. fuzz_virtq: op
scripts for the virtqueue (see fuzz_virtq.c).

    python3 tests/fuzz/seeds.py HARNESS DIR
"""
import os
import struct
import sys

US_MAC = bytes.fromhex("525400123456")
PEER_MAC = bytes.fromhex("52550a000202")
US, PEER = bytes([10, 0, 2, 15]), bytes([10, 0, 2, 2])


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(dst, etype, payload):
    return dst + PEER_MAC + struct.pack("!H", etype) + payload


def ipv4(proto, payload, src=PEER, dst=US):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000,
                    64, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return eth(US_MAC, 0x0800, h + payload)


def udp(sport, dport, data, src=PEER, dst=US):
    u = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    pseudo = src + dst + struct.pack("!BBH", 0, 17, len(u))
    c = csum(pseudo + u) or 0xFFFF
    return ipv4(17, u[:6] + struct.pack("!H", c) + u[8:], src, dst)


def icmp_echo(data):
    m = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1) + data
    return ipv4(1, m[:2] + struct.pack("!H", csum(m)) + m[4:])


def arp(op, tmac, tip):
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + PEER_MAC + PEER + tmac + tip


def dhcp(msgtype):
    b = bytearray(240)
    b[0], b[1], b[2] = 2, 1, 6
    b[16:20] = US
    b[28:34] = US_MAC
    b[236:240] = bytes([99, 130, 83, 99])
    opts = bytes([53, 1, msgtype, 54, 4]) + PEER + bytes([1, 4, 255, 255, 255, 0,
                                                          3, 4]) + PEER + bytes([51, 4, 0, 1, 81, 128, 255])
    return udp(67, 68, bytes(b) + opts, PEER, b"\xff\xff\xff\xff")


def opt(code, value):
    return bytes([code, len(value)]) + value


def addr_opt(code, *addrs):
    return opt(code, b"".join(addrs))


def bootp(opts, yiaddr=US, end=True):
    """A BOOTREPLY to us (xid 0: the harness writes the client's)."""
    b = bytearray(240)
    b[0], b[1], b[2] = 2, 1, 6
    b[16:20] = yiaddr
    b[20:24] = PEER
    b[28:34] = US_MAC
    b[236:240] = bytes([99, 130, 83, 99])
    return bytes(b) + opts + (b"\xff" if end else b"")


def dhcp_seeds():
    """Selector: bits 0-2 state (0 SELECTING, 1 REQUESTING, 2 BOUND,
    3 RENEWING, 4 REBINDING), bit 3 keep xid/chaddr, bits 4-5 source, bit 6
    unicast, bit 7 twice."""
    mask = addr_opt(1, bytes([255, 255, 255, 0]))
    lease = opt(51, struct.pack("!I", 86400))
    offer = opt(53, b"\x02") + addr_opt(54, PEER) + mask + addr_opt(3, PEER) + \
        addr_opt(6, bytes([10, 0, 2, 3])) + lease
    ack = offer.replace(opt(53, b"\x02"), opt(53, b"\x05"))
    t12 = opt(58, struct.pack("!I", 300)) + opt(59, struct.pack("!I", 600))
    return {
        "offer": b"\x00" + bootp(offer),
        "ack": b"\x01" + bootp(ack),
        "nak": b"\x01" + bootp(opt(53, b"\x06") + addr_opt(54, PEER), b"\0" * 4),
        "ack-renewing": b"\x43" + bootp(ack),
        "ack-rebinding-other": b"\x14" + bootp(
            opt(53, b"\x05") + addr_opt(54, bytes([10, 0, 2, 9])) + lease),
        "ack-t1-t2-pads": b"\x01" + bootp(b"\0\0" + ack + t12 + b"\0"),
        "ack-two-routers": b"\x01" + bootp(
            ack + addr_opt(3, bytes([10, 0, 2, 1]), PEER)),
        "ack-infinite": b"\x01" + bootp(
            opt(53, b"\x05") + opt(51, b"\xff\xff\xff\xff")),
        "offer-no-server-id": b"\x00" + bootp(opt(53, b"\x02")),
        "offer-twice": b"\x80" + bootp(offer),
        "ack-while-bound": b"\x02" + bootp(ack),
        "offer-option-to-the-end": b"\x00" + bootp(
            offer + opt(12, b"x" * 200), end=False),
        "offer-overrun": b"\x00" + bootp(offer + bytes([12, 255, 120])),
        "offer-no-end": b"\x00" + bootp(offer, end=False),
        "offer-only-pads": b"\x00" + bootp(b"\0" * 60, end=False),
        "offer-bad-lengths": b"\x00" + bootp(
            opt(53, b"\x02\x02") + opt(54, b"\x0a\x00\x02") + opt(1, b"")),
        "offer-overload": b"\x00" + bootp(offer + opt(52, b"\x03")),
    }


def virtq_seeds():
    """Op scripts (fuzz_virtq.c): a size byte, then ops."""
    POST, LIVE, RAW, INNER, IDX, SLOT, POP, POP1, FLAGS = range(9)

    def post(nread=1, nwrite=1, length=64):
        return bytes([POST, nread | nwrite << 2]) + \
            struct.pack("!H", length) * (nread + nwrite)

    def live(k, length=64):
        return bytes([LIVE, k]) + struct.pack("!H", length)

    def raw(ident, length):
        return bytes([RAW]) + struct.pack("!II", ident, length)

    p3 = post() * 3
    return {
        "good": b"\x03" + p3 + live(0) + live(1) + live(2) + bytes([POP]),
        "out-of-range": b"\x03" + post() + raw(1000, 1) + raw(0xFFFFFFFF, 1) +
        raw(8, 1) + bytes([POP]),
        "free-id": b"\x03" + post() + raw(5, 1) + bytes([POP]),
        "inner": b"\x03" + post(2, 2) + bytes([INNER, 0, 1, POP]),
        "too-long": b"\x03" + post(1, 0) + post(1, 2) + live(0, 0xFFFF) +
        live(1, 0xFFFF) + bytes([POP]),
        "twice": b"\x03" + post() + live(0) + live(0) + bytes([POP]) + post() +
        live(0) + bytes([POP1, POP1]),
        "idx-ahead": b"\x03" + post() * 2 + live(0) + bytes([IDX]) +
        struct.pack("!H", 40000) + bytes([POP]) + post() + live(0) + bytes([POP]),
        "idx-back": b"\x03" + post() + live(0) + bytes([POP, IDX, 0, 0]) +
        post() + live(0) + bytes([POP]),
        "slot": b"\x03" + post() + bytes([SLOT, 5, 0, 0, 8, IDX, 0, 6, POP]),
        "full": b"\x02" + post(2, 2) * 2 + post() + bytes([POP1]) + live(1) +
        bytes([POP1]) + post(),
        "notify": b"\x04" + post() + bytes([FLAGS, 1]) + post() +
        bytes([FLAGS, 0, FLAGS, 0]),
        "size-1": b"\x00" + (post(1, 0) + live(0) + bytes([POP1])) * 4,
        "size-256": b"\x08" + post(3, 3) * 40 + b"".join(
            live(k) for k in range(40)) + bytes([POP]),
    }


def fdt_seeds():
    data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
    return {name: open(os.path.join(data, name), "rb").read()
            for name in sorted(os.listdir(data)) if name.endswith(".dtb")}


def acpi_seeds():
    """The captured QEMU tables, and each table in them on its own (a table
    is a 4-byte signature and a 32-bit length at offset 4)."""
    data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
    out = {}
    for name in sorted(os.listdir(data)):
        if not name.endswith(".bin"):
            continue
        blob = open(os.path.join(data, name), "rb").read()
        out[name] = blob
        i = 0
        while i + 36 <= len(blob):
            sig, n = blob[i:i + 4], struct.unpack("<I", blob[i + 4:i + 8])[0]
            if sig.isalnum() and 36 <= n <= len(blob) - i:
                out["%s-%d-%s" % (name, i, sig.decode())] = blob[i:i + n]
                i += n
            else:
                i += 4
    return out


def net_seeds():
    return {
        "arp-request": eth(b"\xff" * 6, 0x0806, arp(1, b"\0" * 6, US)),
        "arp-reply": eth(US_MAC, 0x0806, arp(2, US_MAC, US)),
        "icmp-echo": icmp_echo(b"ping" * 14),
        "udp-8080": udp(40000, 8080, b"hello"),
        "udp-closed": udp(40000, 9, b"x" * 32),
        "dhcp-offer": dhcp(2),
        "dhcp-ack": dhcp(5),
    }


def options_seeds():
    """Command lines, arguments separated by NUL bytes."""
    lines = [["--disk", "d.img", "--net", "dgram:127.0.0.1:1,127.0.0.1:2",
              "--ip", "10.0.2.2/24,10.0.2.15", "--port", "9000", "--log", "3"],
             ["--net", "tap:tap0", "--exit-when-idle"], ["--help"]]
    return {"argv-%d" % i: "\0".join(a).encode() for i, a in enumerate(lines)}


SEEDS = {"fuzz_net": net_seeds, "fuzz_fdt": fdt_seeds, "fuzz_acpi": acpi_seeds,
         "fuzz_options": options_seeds, "fuzz_dhcp": dhcp_seeds,
         "fuzz_virtq": virtq_seeds}


def main():
    harness, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.get(harness, dict)().items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
