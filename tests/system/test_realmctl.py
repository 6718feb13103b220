"""tools/realmctl against a fake gateway written here (a UDP socket in a
thread): its usage errors, the request it sends for each kind of argument,
how it prints each kind of reply, its exit codes, and that a request that
gets no answer is sent once (never retried) and ends in exit 3 after the
timeout."""
import os
import socket
import struct
import subprocess
import threading
import time

import pytest
from conftest import ROOT

REALMCTL = os.path.join(ROOT, "build", "tools", "realmctl")


@pytest.fixture(scope="module", autouse=True)
def built():
    subprocess.run(["make", "-s", "--no-print-directory", "realmctl"],
                   cwd=ROOT, check=True)


def run(*args, timeout=10):
    return subprocess.run([REALMCTL, *args], capture_output=True, text=True,
                          timeout=timeout)


def parse_request(d):
    """The fields of a request (realm/wire.h), or an AssertionError."""
    assert d[:4] == b"RM\x01\x01"
    (rid,) = struct.unpack("!I", d[4:8])
    at = 8
    path = d[at + 1:at + 1 + d[at]]
    at += 1 + d[at]
    fn = d[at + 1:at + 1 + d[at]]
    at += 1 + d[at]
    nargs = d[at]
    at += 1
    args = []
    for _ in range(nargs):
        tag = d[at]
        if tag == 1:
            args.append(struct.unpack("!q", d[at + 1:at + 9])[0])
            at += 9
        else:
            assert tag == 2
            (n,) = struct.unpack("!H", d[at + 1:at + 3])
            args.append(d[at + 3:at + 3 + n])
            at += 3 + n
    assert at == len(d)
    return rid, path.decode(), fn.decode(), args


def reply(rid, status, data=b"", result=None):
    out = b"RM\x01\x81" + struct.pack("!Ii", rid, status)
    if status == 0:
        out += (b"\x01" + struct.pack("!q", result)) if result is not None \
            else b"\x00"
    return out + struct.pack("!H", len(data)) + data


class FakeGateway:
    """Answers each request with answer(request_id) -> [datagrams], and
    keeps every request it got."""

    def __init__(self, answer):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.answer = answer
        self.requests = []
        self.done = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.done:
            try:
                d, peer = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            self.requests.append(d)
            for out in self.answer(struct.unpack("!I", d[4:8])[0]):
                self.sock.sendto(out, peer)

    def call(self, *args, timeout_ms=3000):
        return run("--port", str(self.port), "--timeout", str(timeout_ms),
                   "call", *args)

    def close(self):
        self.done = True
        self.thread.join()
        self.sock.close()


@pytest.fixture
def gateway():
    made = []

    def make(answer):
        g = FakeGateway(answer)
        made.append(g)
        return g
    yield make
    for g in made:
        g.close()


def test_help_says_no_retries():
    r = run("--help")
    assert r.returncode == 0
    assert r.stdout.startswith("usage: realmctl")
    assert "never retried" in r.stdout
    assert "3 timeout" in r.stdout


@pytest.mark.parametrize("args,what", [
    ([], "no command"),
    (["ping"], "unknown command ping"),
    (["--bogus", "call", "r/a/b", "f"], "unknown option --bogus"),
    (["--port"], "--port needs a value"),
    (["--port", "0", "call", "r/a/b", "f"], "not a port"),
    (["--port", "x", "call", "r/a/b", "f"], "not a port"),
    (["--timeout", "0", "call", "r/a/b", "f"], "not 1..3600000 ms"),
    (["call", "r/a/b"], "call needs PATH and FN"),
    (["call", "r/Demo/bank", "f"], "not a realm path"),
    (["call", "r/demo/bank", "Balance"], "not a function name"),
    (["call", "r/demo/bank", "f" * 65], "not a function name"),
    (["call", "r/a/b", "f"] + ["1"] * 9, "more than 8 arguments"),
    (["call", "r/a/b", "f", "9223372036854775808"], "out of the i64 range"),
    (["call", "r/a/b", "f", "x" * 1500], "longer than 1472 bytes"),
])
def test_usage_errors_exit_2(args, what):
    r = run(*args)
    assert r.returncode == 2, r
    assert what in r.stderr
    assert r.stdout == ""


def test_arguments_are_encoded_by_kind(gateway):
    g = gateway(lambda rid: [reply(rid, 0)])
    r = g.call("r/demo/bank", "transfer", "bob", "25", "-7", "s:42", "s:",
               "-", "12a", "-9223372036854775808")
    assert r.returncode == 0, r
    assert len(g.requests) == 1
    rid, path, fn, args = parse_request(g.requests[0])
    assert rid != 0
    assert (path, fn) == ("r/demo/bank", "transfer")
    assert args == [b"bob", 25, -7, b"42", b"", b"-", b"12a",
                    -9223372036854775808]


def test_ok_with_result_and_text(gateway):
    g = gateway(lambda rid: [reply(rid, 0, b"hello there", 2000)])
    r = g.call("r/demo/bank", "supply")
    assert (r.returncode, r.stdout) == (0, "ok\nresult: 2000\nreply: hello there\n")


def test_localhost_is_ipv4(gateway):
    """The fake gateway listens on 127.0.0.1 only, as realmos speaks IPv4:
    "localhost" must reach it, not ::1."""
    g = gateway(lambda rid: [reply(rid, 0, b"", 7)])
    r = run("--host", "localhost", "--port", str(g.port), "call", "r/a/b", "f")
    assert (r.returncode, r.stdout) == (0, "ok\nresult: 7\n")


def test_unknown_host_is_a_network_error():
    r = run("--host", "no-such-host.invalid", "--timeout", "500",
            "call", "r/a/b", "f")
    assert r.returncode == 3, r
    assert "no-such-host.invalid" in r.stderr


def test_ok_with_nothing(gateway):
    g = gateway(lambda rid: [reply(rid, 0)])
    r = g.call("r/demo/spinner", "spin")
    assert (r.returncode, r.stdout) == (0, "ok\n")


def test_ok_negative_result_and_binary_reply(gateway):
    g = gateway(lambda rid: [reply(rid, 0, b"\x00\xffA\n", -5)])
    r = g.call("r/demo/x", "f")
    assert (r.returncode, r.stdout) == (0, "ok\nresult: -5\nreply: hex:00ff410a\n")


def test_error_reply_exits_1(gateway):
    msg = b"bank: only alice may move its funds"
    g = gateway(lambda rid: [reply(rid, -7, msg)])
    r = g.call("r/demo/bank", "move", "alice", "bob", "10")
    assert r.returncode == 1, r
    assert r.stdout == "error -7 REALM_E_ABORT: %s\n" % msg.decode()


def test_unknown_status_is_named_so(gateway):
    g = gateway(lambda rid: [reply(rid, -99, b"new")])
    r = g.call("r/a/b", "f")
    assert (r.returncode, r.stdout) == (1, "error -99 REALM_E_UNKNOWN: new\n")


def test_other_datagrams_are_ignored(gateway):
    """Garbage, a reply to another id and a malformed reply come first; the
    reply with the request's id is the one printed."""
    def answer(rid):
        return [b"junk", reply(rid ^ 0x100, 0, b"not me", 1),
                reply(rid, 0, b"x")[:-2], reply(rid, 0, b"me", 2)]
    g = gateway(answer)
    r = g.call("r/a/b", "f")
    assert (r.returncode, r.stdout) == (0, "ok\nresult: 2\nreply: me\n")


def test_no_answer_is_a_timeout_after_one_send(gateway):
    g = gateway(lambda rid: [])
    t0 = time.monotonic()
    r = g.call("r/demo/bank", "balance", "alice", timeout_ms=400)
    took = time.monotonic() - t0
    assert r.returncode == 3, r
    assert "no answer" in r.stderr and "400 ms" in r.stderr
    assert r.stdout == ""
    assert 0.35 <= took < 5
    time.sleep(0.2)
    assert len(g.requests) == 1  # never retried


def test_refused_is_a_network_error():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Nobody listens on port now: ICMP port unreachable, ECONNREFUSED.
    r = run("--port", str(port), "--timeout", "2000", "call", "r/a/b", "f")
    assert r.returncode == 3, r
    assert r.stdout == ""
