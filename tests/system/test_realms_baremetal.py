"""The demo realms on the 12 QEMU configurations (build/<p>/realms.elf, what
`make run` boots), driven through the gateway by realmctl: the bank, the
faucet under its own identity, a call that fails half-way, the echo realm,
and the spinner, while the C demo's echo keeps answering."""
import os
import re
import shlex
import socket
import subprocess

import pytest
from conftest import ROOT, free_udp_port
from realm_client import need, realmctl
from test_baremetal import CONFIGS, checked



@pytest.fixture(params=CONFIGS, ids=["%s-%s" % c for c in CONFIGS])
def config(request):
    return checked(*request.param)


def boot_realms(kernel, config, tmp_path):
    platform, transport = config
    disk = tmp_path / "disk.img"
    with open(disk, "wb") as f:
        f.truncate(1 << 20)
    ports = [free_udp_port() for _ in range(3)]
    elf = os.path.join(ROOT, "build", platform, "realms.elf")
    out = subprocess.run(
        ["make", "-s", "--no-print-directory", "print-run",
         "PLATFORM=" + platform, "TRANSPORT=" + transport, "KERNEL=" + elf,
         "DISK=" + str(disk), "PORT=%d" % ports[0], "GW_PORT=%d" % ports[1],
         "ECHO_PORT=%d" % ports[2]],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout
    k = kernel(shlex.split(out))
    k.port, k.gw, k.echo = ports
    k.expect(lambda l: l.startswith("demo: udp echo on port"), timeout=20.0)
    return k


def call(k, *args):
    return realmctl(*args, port=k.gw)


def echo(port, payload):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.sendto(payload, ("127.0.0.1", port))
    return s.recvfrom(2048)[0]


def test_demo_realms(kernel, config, tmp_path):
    need()
    k = boot_realms(kernel, config, tmp_path)
    loaded = [l for l in k.lines if re.match(r"realm r/demo/\w+: loaded", l)]
    assert len(loaded) == 4, k.lines
    assert call(k, "r/demo/bank", "supply") == (0, ["ok", "result: 2000"])
    assert call(k, "r/demo/faucet", "drip", "bob") == (0, ["ok", "result: 990"])
    assert call(k, "r/demo/faucet", "steal", "alice") == (
        0, ["ok", "result: -7", "reply: bank: only alice may move its funds"])
    assert call(k, "r/demo/faucet", "try_broken", "bob") == (
        0, ["ok", "result: -6", "reply: unreachable"])
    assert call(k, "r/demo/bank", "balance", "bob") == (0, ["ok", "result: 510"])
    assert call(k, "r/demo/bank", "supply") == (0, ["ok", "result: 2000"])
    rc, out = call(k, "r/demo/spinner", "spin")
    assert (rc, out) == (1, ["error -8 REALM_E_FUEL: out of fuel"])
    assert echo(k.echo, b"to the realm") == b"to the realm"
    assert echo(k.port, b"to the C demo") == b"to the C demo"
    assert not [l for l in k.lines if l.startswith("panic")]
