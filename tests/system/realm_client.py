"""Calls to realms through the gateway with build/tools/realmctl, for the
realm tests (test_realms_*.py, test_realm_*.py)."""
import os
import re
import subprocess

import pytest
from conftest import ROOT, free_udp_port

REALMCTL = os.path.join(ROOT, "build", "tools", "realmctl")
# The guest ports the realm tests use: the gateway (apps/realms/main.c),
# the echo realm, hostile_flood's and the kit's sockets. A hosted kernel
# gets a free host port for each (--forward), so that a `make run` beside
# the tests (holding 7000 and 8889) takes none of theirs.
GUEST_PORTS = (7000, 8889, 9998, 9999)
_host = {}


def hosted_ports():
    """The hosted kernel's arguments: --port, and --forward for each of
    GUEST_PORTS to a free host port (host_port() says which)."""
    _host.clear()
    args = ["--port", str(free_udp_port())]
    for guest in GUEST_PORTS:
        _host[guest] = free_udp_port()
        args += ["--forward", "%d:%d" % (_host[guest], guest)]
    return args


def host_port(guest):
    return _host.get(guest, guest)


def need(*files):
    for f in (REALMCTL,) + files:
        if not os.path.exists(f):
            pytest.fail("build it first (%s): make realmctl test-realms" % f)


def realmctl(*args, port=None, timeout_ms=5000):
    """(exit code, stdout lines) of one realmctl call, to the gateway of
    the last hosted_ports() unless port says otherwise."""
    port = port or host_port(7000)
    p = subprocess.run([REALMCTL, "--port", str(port), "--timeout",
                        str(timeout_ms), "call", *map(str, args)],
                       capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout.splitlines()


def ok(*args, **kw):
    """(result or None, reply or None) of a call that must succeed."""
    rc, out = realmctl(*args, **kw)
    assert rc == 0 and out and out[0] == "ok", (args, rc, out)
    res = [int(l.split()[1]) for l in out if l.startswith("result: ")]
    rep = [l[len("reply: "):] for l in out if l.startswith("reply: ")]
    return (res[0] if res else None), (rep[0] if rep else None)


def result(*args, **kw):
    return ok(*args, **kw)[0]


def error(*args, **kw):
    """(status name, message) of a call that must fail."""
    rc, out = realmctl(*args, **kw)
    assert rc == 1, (args, rc, out)
    m = re.match(r"error (-?\d+) (\w+): (.*)", out[0])
    assert m, out
    return m.group(2), m.group(3)
