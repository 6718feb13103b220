#!/usr/bin/env python3
"""Seed frames for fuzz_net: one good frame of each kind the stack handles,
addressed to 10.0.2.15 / 52:54:00:12:34:56 as the harness sets it up.

    python3 tests/fuzz/seeds.py DIR
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


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = {
        "arp-request": eth(b"\xff" * 6, 0x0806, arp(1, b"\0" * 6, US)),
        "arp-reply": eth(US_MAC, 0x0806, arp(2, US_MAC, US)),
        "icmp-echo": icmp_echo(b"ping" * 14),
        "udp-8080": udp(40000, 8080, b"hello"),
        "udp-closed": udp(40000, 9, b"x" * 32),
        "dhcp-offer": dhcp(2),
        "dhcp-ack": dhcp(5),
    }
    for name, frame in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(frame)


if __name__ == "__main__":
    main()
