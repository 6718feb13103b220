#!/usr/bin/env python3
"""UDP echo through QEMU's user network, measured from the host: boots the
demo (build/<p>/kernel.elf, as `make run` does) per platform and transport
and prints one Markdown row each:

  - rtt p50 / p99 / max over N sequential 64-byte datagrams (default 2,000);
  - datagrams per second with 1 and with 32 in flight, for SECONDS each
    (default 10 at 32, 5 at 1), with losses: a datagram not echoed within
    a second of the end is lost;
  - whether the guest still answers afterwards.

    python3 bench/udp_echo.py [--rtt N] [--seconds S] [PLATFORM[-TRANSPORT]...]
    (default: arm64 and x64, both transports)
"""
import argparse
import os
import select
import shlex
import socket
import subprocess
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def boot(platform, transport, port, disk):
    elf = os.path.join(ROOT, "build", platform, "kernel.elf")
    out = subprocess.run(
        ["make", "-s", "--no-print-directory", "print-run",
         "PLATFORM=" + platform, "TRANSPORT=" + transport, "KERNEL=" + elf,
         "DISK=" + disk, "PORT=%d" % port],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout
    p = subprocess.Popen(shlex.split(out), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, errors="replace")
    for line in p.stdout:
        if line.startswith("demo: udp echo"):
            return p
    raise SystemExit("%s-%s: the demo never served UDP" % (platform, transport))


def rtts(sock, addr, count):
    """Sequential 64-byte datagrams; the round-trip time of each, in ms."""
    out = []
    for i in range(count):
        data = i.to_bytes(4, "big") + bytes(60)
        t0 = time.perf_counter()
        sock.sendto(data, addr)
        while True:
            r, _, _ = select.select([sock], [], [], 1.0)
            if not r:
                break  # lost: not counted in the distribution
            if sock.recv(2048) == data:
                out.append((time.perf_counter() - t0) * 1000)
                break
    return out


def rate(sock, addr, inflight, seconds):
    """Keep `inflight` 64-byte datagrams out for `seconds`; returns (sent,
    echoed, echoes per second of the window). Echoes are awaited up to a
    second after the window."""
    pending, sent, echoed, seq = set(), 0, 0, 0
    start = time.monotonic()
    end = start + seconds
    while True:
        now = time.monotonic()
        while now < end and len(pending) < inflight:
            data = seq.to_bytes(4, "big") + bytes(60)
            seq += 1
            pending.add(data)
            sock.sendto(data, addr)
            sent += 1
        if now >= end + 1.0 or (now >= end and not pending):
            break
        r, _, _ = select.select([sock], [], [], 0.05)
        while r:
            try:
                data = sock.recv(2048)
            except BlockingIOError:
                break
            if data in pending:
                pending.discard(data)
                echoed += 1
    return sent, echoed, echoed / seconds


def pct(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rtt", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("configs", nargs="*",
                    default=["arm64-mmio", "arm64-pci", "x64-mmio", "x64-pci"])
    a = ap.parse_args()
    print("| config | rtt p50 ms | p99 | max | lost of %d | /s at 1 | lost | "
          "/s at 32 | lost | answers after |" % a.rtt)
    print("|---|---|---|---|---|---|---|---|---|---|")
    disk = "/tmp/udp_echo_bench.img"
    with open(disk, "wb") as f:
        f.truncate(1 << 20)
    for c in a.configs:
        platform, _, transport = c.partition("-")
        subprocess.run(["make", "-s", "PLATFORM=" + platform, "all"], cwd=ROOT,
                       check=True)
        port = free_udp_port()
        p = boot(platform, transport or "mmio", port, disk)
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            addr = ("127.0.0.1", port)
            r = rtts(s, addr, a.rtt)
            s.setblocking(False)
            one = rate(s, addr, 1, a.seconds / 2)
            many = rate(s, addr, 32, a.seconds)
            s.setblocking(True)
            after = len(rtts(s, addr, 10)) == 10
            print("| %s | %.3f | %.3f | %.3f | %d | %.0f | %d | %.0f | %d | %s |"
                  % (c, pct(r, 0.5), pct(r, 0.99), max(r), a.rtt - len(r),
                     one[2], one[0] - one[1], many[2], many[0] - many[1],
                     "yes" if after else "NO"), flush=True)
        finally:
            p.kill()
            p.wait()


if __name__ == "__main__":
    main()
