"""The realm manager's rules, on the hosted kernel with the tests' kit realm
(tests/realms/kit) loaded nine times under manifests written here
(r/test/a .. r/test/i), called through the gateway with realmctl:
identities along nested chains, rollback of a failed call and of a failed
transaction (memory and growth), contained traps at several depths, the
re-entry rule, fuel across calls, every per-realm bound, the back-off and
manifest refusals."""
import os
import re
import time

import pytest
from conftest import ROOT
from realm_client import error, hosted_ports, need, ok, result

KIT = os.path.join(ROOT, "build", "realms-test", "kit.wasm")
NAMES = "abcdefghi"
CHAIN = " ".join("r/test/" + n for n in NAMES)


def err(*args, timeout_ms=5000):
    return error(*args, timeout_ms=timeout_ms)


def manifest(tmp_path, name, extra=""):
    f = tmp_path / ("%s.manifest" % name)
    f.write_text("path r/test/%s\nmemory_pages 2\nfuel 2000000\ntimers 2\n"
                 "udp 9999\n%s" % (name, extra))
    return f


@pytest.fixture
def kit(kernel, tmp_path):
    need(KIT)
    args = ["--no-builtin-realms", *hosted_ports()]
    for n in NAMES:
        args += ["--realm", "%s,%s" % (KIT, manifest(tmp_path, n))]
    k = kernel("realms.elf", *args)
    k.expect(lambda l: l.startswith("realm gateway: udp port"))
    assert result("r/test/a", "get") == 0
    return k


def test_nine_realms_from_one_module_each_its_own_state(kit):
    ok("r/test/a", "set", 11)
    ok("r/test/b", "set", 22)
    assert [result("r/test/" + n, "get") for n in "abc"] == [11, 22, 0]
    addrs = re.findall(r"realm (r/test/\w): loaded, address ([0-9a-f]{40})",
                       "\n".join(kit.lines))
    assert len({a for _, a in addrs}) == 9


def test_identity_switch_and_restore_along_a_chain(kit):
    st, rep = ok("r/test/a", "whois", "r/test/b r/test/c")
    assert st == 0
    hops = rep.split("|")
    assert hops[0].startswith("r/test/a<net:127.0.0.1:"), rep
    assert hops[1:] == ["r/test/b<r/test/a", "r/test/c<r/test/b"], rep


def test_failed_call_undoes_only_the_callee(kit):
    ok("r/test/a", "set", 1)
    ok("r/test/b", "set", 2)
    # a sets 5, b sets 5 then traps (depth 0): b's write is undone, a's stays
    assert result("r/test/a", "nest", "r/test/b", 5, 1) == -6
    assert result("r/test/a", "get") == 5
    assert result("r/test/b", "get") == 2


@pytest.mark.parametrize("depth", [1, 3, 7])
def test_contained_trap_at_depth(kit, depth):
    for n in NAMES:
        ok("r/test/" + n, "set", 1)
    # realms a.. (depth of them) set 9; the one after them traps (7: the
    # eighth, the deepest a chain may go); each
    # caller gets REALM_E_TRAP from below and returns it upwards normally
    assert result("r/test/a", "nest", CHAIN[len("r/test/a "):], 9, depth) == -6
    got = [result("r/test/" + n, "get") for n in NAMES]
    assert got == [9] * depth + [1] * (9 - depth), got


def test_failed_transaction_undoes_every_realm(kit):
    ok("r/test/a", "set", 1)
    ok("r/test/b", "set", 2)
    name, msg = err("r/test/a", "nest", "r/test/b", 7, 0)  # a itself traps
    assert (name, msg) == ("REALM_E_TRAP", "unreachable")
    assert name == "REALM_E_TRAP"
    name, _ = err("r/test/a", "set_then_abort", 3)
    assert name == "REALM_E_ABORT"
    assert [result("r/test/" + n, "get") for n in "ab"] == [1, 2]


def test_growth_is_undone(kit):
    assert result("r/test/a", "pages") == 1
    assert err("r/test/a", "grow_then_trap", 1)[0] == "REALM_E_TRAP"
    assert result("r/test/a", "pages") == 1
    assert result("r/test/a", "grow", 1) == 1
    assert result("r/test/a", "pages") == 2
    assert result("r/test/a", "grow", 1) == -1  # memory_pages 2


def test_reentry_is_refused(kit):
    assert result("r/test/a", "nest", "r/test/b r/test/a", 4, 5) == -4
    assert result("r/test/a", "get") == 4  # the chain went on
    assert result("r/test/b", "get") == 4


def test_chain_depth_is_bounded(kit):
    # a .. h is 8 realms deep; the ninth call is refused (REALM_MAX_DEPTH)
    assert result("r/test/a", "nest", CHAIN[len("r/test/a "):], 3, 99) == -5


def test_fuel_cap_passed_on(kit):
    assert result("r/test/a", "burn_capped", "r/test/b", 10, 100000) == 0
    assert result("r/test/a", "burn_capped", "r/test/b", 10 ** 9, 100000) == -8
    # without a cap the callee runs on the transaction's budget, which ends
    name, _ = err("r/test/a", "burn_capped", "r/test/b", 10 ** 9, 0)
    assert name == "REALM_E_FUEL"


def test_stack_bound(kit):
    name, msg = err("r/test/a", "deep")
    assert (name, msg) == ("REALM_E_TRAP", "call stack exhausted")


def test_services_refuse_bad_pointers(kit):
    assert result("r/test/a", "badptr") == 0x7F


def test_timer_bound_and_effects_on_commit(kit):
    assert result("r/test/a", "timers", 5, 10) == 2  # manifest: timers 2
    time.sleep(0.3)
    assert result("r/test/a", "fired") == 2
    # a failed transaction's timers are never armed
    assert err("r/test/b", "nest", "", 1, 0)[0] == "REALM_E_TRAP"
    assert result("r/test/b", "fired") == 0


def test_socket_grant(kit):
    assert result("r/test/a", "bind", 9999) >= 0
    assert result("r/test/a", "bind", 7777) == -10  # REALM_E_DENIED


def test_reply_bounds(kit):
    assert result("r/test/a", "bigreply", 600) == -11  # REALM_E_LIMIT
    assert result("r/test/a", "callbig", "r/test/b", 10, 64) == 0
    assert result("r/test/a", "callbig", "r/test/b", 100, 64) == -9


def test_bytes_per_call_bound(kit):
    assert result("r/test/a", "inbox_len", "x" * 512) == 512
    assert err("r/test/a", "inbox_len", "x" * 513)[0] == "REALM_E_LIMIT"


def test_back_off_after_failures_in_a_row(kit):
    for _ in range(3):
        assert err("r/test/c", "set_then_trap", 1)[0] == "REALM_E_TRAP"
    assert err("r/test/c", "get")[0] == "REALM_E_BACKOFF"
    assert result("r/test/d", "get") == 0  # the others are not affected
    kit.drain()
    assert any("r/test/c: 3 failed in a row, put aside for 100 ms" in l
               for l in kit.lines), kit.lines


def test_manifest_refusals(kernel, tmp_path):
    bad = tmp_path / "bad.manifest"
    bad.write_text("path r/test/x\nfuel lots\n")
    big = tmp_path / "big.manifest"
    big.write_text("path r/test/y\nmemory_pages 0\n")
    k = kernel("realms.elf", "--no-builtin-realms", *hosted_ports(),
               "--realm", "%s,%s" % (KIT, bad),
               "--realm", "%s,%s" % (KIT, big), "--realm",
               "%s,%s" % (KIT, manifest(tmp_path, "a")))
    k.expect(lambda l: l.startswith("realm gateway"))
    text = "\n".join(k.lines)
    assert re.search(r"not loaded: manifest: line 2: .*'lots'", text), text
    assert "realm: 1 loaded, 2 failed" in text
    assert result("r/test/a", "get") == 0
