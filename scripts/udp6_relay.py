#!/usr/bin/env python3
"""Relay UDP from [::1]:PORT to 127.0.0.1:PORT and back, while a process
lives.

QEMU 7.2's user network forwards host ports on IPv4 only (an IPv6 address in
`hostfwd=` is refused), but on a stock Debian `localhost` resolves to ::1
first, so `echo hi | nc -u -w1 localhost 8888` would talk to nobody. `make
run` starts this beside QEMU: each IPv6 client gets its own IPv4 socket, so
replies find their way back.

    udp6_relay.py PORT PID     (exits when PID does; quietly if ::1 is busy
                                or missing)
"""
import os
import select
import socket
import sys


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def main():
    port, pid = int(sys.argv[1]), int(sys.argv[2])
    try:
        front = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        front.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        front.bind(("::1", port))
    except OSError:
        return  # no IPv6 loopback, or the port is taken: nothing to relay
    back = {}  # IPv4 socket -> IPv6 client
    ours = {}  # IPv6 client -> IPv4 socket
    while alive(pid):
        r, _, _ = select.select([front, *back], [], [], 1.0)
        for s in r:
            try:
                data, addr = s.recvfrom(65535)
            except OSError:
                continue
            if s is front:
                if addr not in ours:
                    if len(ours) >= 256:  # bounded: forget the oldest
                        v4 = ours.pop(next(iter(ours)))
                        back.pop(v4)
                        v4.close()
                    v4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    ours[addr], back[v4] = v4, addr
                ours[addr].sendto(data, ("127.0.0.1", port))
            else:
                front.sendto(data, back[s])


if __name__ == "__main__":
    main()
