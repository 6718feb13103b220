"""load.py: the load client of the soak test (soak.py): bursts of at most
`inflight` UDP datagrams to 127.0.0.1:port, one burst every inflight/rate
seconds, never more than `inflight` unanswered. Each datagram carries its
sequence number, a tag of this run and bytes from a random block, 12 to
1472 bytes long; it counts as echoed only if its reply is byte-identical,
and as lost when none came within LOSS_NS. Round trips are kept per window
of send time."""
import os
import select
import socket
import struct
import time

LOSS_NS = 5 * 10**9  # a datagram not echoed within this is lost
# Linux's SO_TIMESTAMPNS (asm-generic/socket.h, used by x86 and arm64; the
# socket module does not name it): each datagram received carries the
# CLOCK_REALTIME time the host kernel queued it, as a struct timespec.
SO_TIMESTAMPNS = 35
# Datagram sizes, cycled: 12 (sequence number and run tag) to 1472 bytes.
SIZES = [12 + (i * 73) % 1461 for i in range(64)]


def now_ns():
    return time.monotonic_ns()


def percentile(values, p):
    """Nearest-rank percentile of a sorted list; None when empty."""
    if not values:
        return None
    rank = max(1, min(len(values), -(-len(values) * p // 100)))
    return values[rank - 1]


class Window:
    """The datagrams sent in one window, and their round trips."""

    def __init__(self):
        self.sent = self.echoed = self.lost = self.corrupt = 0
        self.rtts = []  # us

    def summary(self):
        self.rtts.sort()
        return {"sent": self.sent, "echoed": self.echoed, "lost": self.lost,
                "corrupt": self.corrupt, "p50": percentile(self.rtts, 50),
                "p99": percentile(self.rtts, 99),
                "max": self.rtts[-1] if self.rtts else None}


def fmt_us(v):
    return "-" if v is None else "%d" % v


def window_text(w):
    return ("sent %d echoed %d lost %d corrupt %d p50 %s us p99 %s us max %s us"
            % (w["sent"], w["echoed"], w["lost"], w["corrupt"],
               fmt_us(w["p50"]), fmt_us(w["p99"]), fmt_us(w["max"])))


class Load:
    """The load client: one connected, non-blocking UDP socket. A round trip
    runs from just before send() to the time the host kernel queued the
    echo (SO_TIMESTAMPNS), both on CLOCK_REALTIME, so the time this client
    takes to send the rest of a burst or to get to its recv() is not in it.
    Where the option is refused, the echo's time is taken after recv()."""

    def __init__(self, port, inflight, rate):
        self.inflight = inflight
        self.period_ns = int(1e9 * inflight / rate)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.connect(("127.0.0.1", port))
        self.sock.setblocking(False)
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            self.stamped = True
        except OSError:
            self.stamped = False
        self.tag = os.urandom(4)
        self.block = os.urandom(4096)
        self.seq = 0
        self.unexpected = 0   # replies matching nothing in flight
        self.refused = 0      # ICMP port unreachable reported on the socket
        self.late_bursts = 0  # bursts not sent on time (the client stalled)

    def payload(self, seq):
        size = SIZES[seq % len(SIZES)]
        off = (seq * 61) % 2048
        head = seq.to_bytes(8, "little") + self.tag
        return head + self.block[off:off + size - 12]

    def run(self, seconds, window_s, on_window):
        """Load for `seconds`, then wait for the last echoes. Calls
        on_window(index, summary) for each window once all of its datagrams
        are echoed or lost; returns the list of summaries."""
        start = now_ns()
        end = start + int(seconds * 1e9)
        win_ns = int(window_s * 1e9)
        wins = [Window() for _ in range(-(-int(seconds * 1e9) // win_ns))]
        pending = {}  # seq -> (sent_ns, payload, window); oldest first
        done = []
        next_burst = start

        def win_of(t):
            return min((t - start) // win_ns, len(wins) - 1)

        while True:
            t = now_ns()
            while pending:
                seq = next(iter(pending))
                sent_ns, _, w = pending[seq]
                if time.time_ns() - sent_ns < LOSS_NS:
                    break
                del pending[seq]
                wins[w].lost += 1
            oldest = min((v[2] for v in pending.values()), default=len(wins))
            while len(done) < len(wins) and (
                    (len(done) + 1) * win_ns + start <= t or t >= end) and \
                    len(done) < oldest:
                done.append(wins[len(done)].summary())
                on_window(len(done) - 1, done[-1])
            if t >= end and not pending:
                break
            if t < end and t >= next_burst:
                for _ in range(self.inflight - len(pending)):
                    p = self.payload(self.seq)
                    ts = time.time_ns()
                    try:
                        self.sock.send(p)
                    except (BlockingIOError, ConnectionRefusedError):
                        break
                    w = win_of(now_ns())
                    pending[self.seq] = (ts, p, w)
                    wins[w].sent += 1
                    self.seq += 1
                next_burst += self.period_ns
                if next_burst <= t:
                    self.late_bursts += 1
                    next_burst = t + self.period_ns
            wake = next_burst if t < end else t + 50_000_000
            if pending:  # the oldest datagram's loss deadline
                age = time.time_ns() - next(iter(pending.values()))[0]
                wake = min(wake, t + LOSS_NS - age)
            r, _, _ = select.select([self.sock], [], [],
                                    max(0, wake - now_ns()) / 1e9)
            if r:
                self._receive(pending, wins)
        return done

    def _receive(self, pending, wins):
        while True:
            try:
                data, anc, _, _ = self.sock.recvmsg(2048, 64)
            except BlockingIOError:
                return
            except ConnectionRefusedError:
                self.refused += 1
                continue
            t = time.time_ns()
            for level, kind, value in anc:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", value[:16])
                    t = sec * 10**9 + nsec
            seq = int.from_bytes(data[:8], "little") if len(data) >= 12 else -1
            entry = pending.get(seq)
            if entry is None:
                self.unexpected += 1
                continue
            del pending[seq]
            sent_ns, p, w = entry
            if data != p:
                wins[w].corrupt += 1
                continue
            wins[w].echoed += 1
            wins[w].rtts.append(max(0, t - sent_ns) // 1000)
