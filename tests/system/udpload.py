"""A UDP echo load client: keeps N datagrams in flight, matches every reply to
its request by content, and counts what did not come back. Used by the system
tests; `python3 udpload.py HOST PORT COUNT INFLIGHT` prints a summary."""
import os
import select
import socket
import sys
import time


def payload(seq, size):
    """Unique bytes for datagram `seq`: its number, then a pattern."""
    head = seq.to_bytes(4, "big")
    body = bytes((seq * 131 + i * 7) & 0xFF for i in range(size))
    return (head + body[4:])[:size] if size >= 4 else body


def sizes(count, lo=1, hi=1472):
    """`count` sizes spread evenly from lo to hi, both included."""
    if count == 1:
        return [hi]
    return [lo + (hi - lo) * i // (count - 1) for i in range(count)]


def run(host, port, lengths, inflight, timeout=10.0):
    """Send one datagram per entry of `lengths`, at most `inflight` unanswered
    at once. Returns (results, seconds): results maps each payload to the
    number of identical replies."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.setblocking(False)
    pending = {}
    results = {}
    todo = [payload(i, n) for i, n in enumerate(lengths)]
    # Tiny datagrams cannot carry a sequence number: count them by content.
    sent = 0
    start = time.monotonic()
    end = start + timeout
    while (sent < len(todo) or pending) and time.monotonic() < end:
        while sent < len(todo) and len(pending) < inflight:
            p = todo[sent]
            pending[p] = pending.get(p, 0) + 1
            results.setdefault(p, 0)
            s.sendto(p, (host, port))
            sent += 1
        r, _, _ = select.select([s], [], [], 0.2)
        if not r:
            continue
        while True:
            try:
                data = s.recv(2048)
            except BlockingIOError:
                break
            if data in pending:
                results[data] += 1
                pending[data] -= 1
                if pending[data] == 0:
                    del pending[data]
            else:
                results[data] = results.get(data, 0) + 1
    s.close()
    return todo, results, time.monotonic() - start


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    count, inflight = int(sys.argv[3]), int(sys.argv[4])
    size = int(sys.argv[5]) if len(sys.argv) > 5 else 64
    todo, results, secs = run(host, port, [size] * count, inflight, 60)
    got = sum(min(results.get(p, 0), todo.count(p)) for p in set(todo))
    print("%d sent, %d echoed, %d lost, %.3f s, %.0f datagrams/s at %d in flight"
          % (count, got, count - got, secs, got / secs, inflight))


if __name__ == "__main__":
    main()
