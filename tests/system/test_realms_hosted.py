"""The demo realms on the hosted kernel (build/hosted-san/realms.elf),
driven through the gateway by realmctl: the bank's rules, a shop that cannot
move anyone else's funds, a call that fails half-way and leaves every
balance as it was, the echo realm, and a spinning realm that the others
outlive."""
import re
import socket

import pytest
from realm_client import error, host_port, hosted_ports, need, result



@pytest.fixture
def realms(kernel):
    need()
    k = kernel("realms.elf", *hosted_ports())
    k.expect(lambda l: l.startswith("realm gateway: udp port"))
    # Events run in order: the inits were queued first, so any answer
    # means every init has committed (and the echo realm bound its port).
    assert result("r/demo/bank", "supply") == 2000
    return k


def balances():
    return {n: result("r/demo/bank", "balance", n)
            for n in ("alice", "bob", "r/demo/faucet")}


def test_every_realm_loads_with_its_identity(realms):
    loaded = [l for l in realms.lines if l.startswith("realm r/")]
    paths = [l.split()[1].rstrip(":") for l in loaded]
    assert paths == ["r/demo/bank", "r/demo/faucet", "r/demo/echo",
                     "r/demo/spinner"], realms.lines
    for l in loaded:
        assert re.search(r"address [0-9a-f]{40}", l), l
    assert "realm: 4 loaded, 0 failed" in " ".join(realms.lines)


def test_bank_supply_and_balances(realms):
    assert result("r/demo/bank", "supply") == 2000
    assert balances() == {"alice": 500, "bob": 500, "r/demo/faucet": 1000}


def test_faucet_pays_from_its_own_account(realms):
    assert result("r/demo/faucet", "drip", "bob") == 990
    assert balances() == {"alice": 500, "bob": 510, "r/demo/faucet": 990}
    assert result("r/demo/bank", "supply") == 2000


def test_faucet_cannot_move_anyone_elses_funds(realms):
    before = balances()
    assert result("r/demo/faucet", "steal", "alice") == -7  # REALM_E_ABORT
    assert balances() == before


def test_network_caller_cannot_move_alices_funds(realms):
    name, msg = error("r/demo/bank", "move", "alice", "bob", 10)
    assert name == "REALM_E_ABORT" and "alice" in msg
    assert balances()["alice"] == 500


def test_failed_call_half_way_leaves_every_balance(realms):
    before = balances()
    assert result("r/demo/faucet", "try_broken", "bob") == -6  # REALM_E_TRAP
    assert balances() == before
    # from the network, which has no account: refused before any write
    name, msg = error("r/demo/bank", "broken_transfer", "bob", 10)
    assert (name, msg) == ("REALM_E_ABORT", "bank: not enough funds")
    assert balances() == before
    assert result("r/demo/bank", "supply") == 2000


def test_errors_for_what_does_not_exist(realms):
    assert error("r/demo/nobody", "x")[0] == "REALM_E_NOREALM"
    assert error("r/demo/bank", "nothing")[0] == "REALM_E_NOFUNC"
    assert error("r/demo/bank", "init")[0] == "REALM_E_NOFUNC"
    assert error("r/demo/bank", "balance", 5)[0] == "REALM_E_SIGNATURE"


def echo_once(sock, payload):
    sock.sendto(payload, ("127.0.0.1", host_port(8889)))
    data, _ = sock.recvfrom(2048)
    return data


def test_echo_realm_answers(realms):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    for n in (1, 100, 512):
        payload = bytes((i * 7 + n) % 256 for i in range(n))
        assert echo_once(s, payload) == payload


def test_spinner_fails_and_others_keep_answering(realms):
    name, msg = error("r/demo/spinner", "spin", timeout_ms=10000)
    assert name == "REALM_E_FUEL", msg
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    assert echo_once(s, b"still here") == b"still here"
    assert result("r/demo/bank", "supply") == 2000
    # After REALM_FAILS_BEFORE_BACKOFF (3) failures in a row (its on_timer
    # at boot spun too) it is put aside: the next call is refused at once.
    names = [error("r/demo/spinner", "spin", timeout_ms=10000)[0]
             for _ in range(3)]
    assert "REALM_E_BACKOFF" in names, names
    assert names[0] == "REALM_E_FUEL", names
    realms.drain()
    assert any("put aside" in l for l in realms.lines)
