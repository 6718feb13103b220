#!/usr/bin/env python3
"""Seeds for a fuzz harness, written into its corpus folder.

fuzz_net: one good frame of each kind the stack handles, addressed to
10.0.2.15 / 52:54:00:12:34:56 as the harness sets it up. fuzz_fdt: the QEMU
device trees of tests/data/. fuzz_acpi: the QEMU ACPI tables there.
fuzz_options: hosted command lines.

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
         "fuzz_options": options_seeds}


def main():
    harness, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.get(harness, dict)().items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
