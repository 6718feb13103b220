"""Test programs (tests/programs/*.c) that drive one device each through the
public API on the hosted platform and print "<name>: ok" when every check
held."""
import os
import subprocess

from conftest import BUILD


def run_program(name, *args, timeout=30):
    r = subprocess.run([os.path.join(BUILD, name + ".elf"), *args],
                       capture_output=True, text=True, timeout=timeout)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "FAIL" not in out, out
    return out.splitlines()


def test_blk_check_and_the_bytes_on_disk(tmp_path):
    disk = tmp_path / "disk.img"
    with open(disk, "wb") as f:
        f.truncate(2 << 20)
    lines = run_program("blk_check", "--disk", str(disk))
    assert lines[-1] == "blk-check: ok", lines
    check_blk_pattern(disk.read_bytes())


def check_blk_pattern(data):
    """What tests/programs/blk_check.c leaves on the disk: 256 requests of
    4 KiB, byte i of request r is r*13 + i*5 + 3, and zeros after them."""
    for r in range(256):
        want = bytes((r * 13 + i * 5 + 3) & 0xFF for i in range(4096))
        assert data[r * 4096:(r + 1) * 4096] == want, "request %d" % r
    assert data[256 * 4096:] == bytes(len(data) - 256 * 4096)


def test_rng_check():
    lines = run_program("rng_check")
    assert lines[-1] == "rng-check: ok", lines


def test_udp_check():
    lines = run_program("udp_check")
    assert lines[-1] == "udp-check: ok", lines


def test_timer_check():
    lines = run_program("timer_check")
    assert lines[-1] == "timer-check: ok", lines
