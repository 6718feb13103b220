"""The hosted demo end to end: its steps, UDP echo under load, the disk, and
a clean stop on SIGTERM."""
import os
import re
import socket

import udpload
from conftest import free_udp_port

BLOCK_BYTES = 4096


def pattern_byte(sector, i):
    """What apps/demo/demo.c writes at byte i of sector `sector`."""
    return (sector * 31 + i * 7 + 1) & 0xFF


def boot_demo(kernel, tmp_path, size=1 << 20):
    disk = tmp_path / "disk.img"
    with open(disk, "wb") as f:
        f.truncate(size)
    port = free_udp_port()
    k = kernel("kernel.elf", "--disk", str(disk), "--port", str(port))
    k.expect(lambda l: l.startswith("demo: udp echo on port 8080"))
    return k, disk, port


def test_demo_prints_each_step(kernel, tmp_path):
    k, _, _ = boot_demo(kernel, tmp_path)
    assert k.lines[0] == "realmos 0.1 on hosted"
    assert re.fullmatch(r"demo: rng [0-9a-f]{64}", k.lines[1]), k.lines
    assert k.lines[2] == ("demo: blk wrote 4096 bytes at sector 0, "
                          "read them back, flushed")
    assert k.lines[3] == "demo: net the host's own stack, no arp or ping"
    assert k.lines[4] == "demo: udp echo on port 8080"
    assert len(k.lines) == 5
    assert k.stop() == 0


def test_echo_1000_datagrams_32_in_flight(kernel, tmp_path):
    k, _, port = boot_demo(kernel, tmp_path)
    lengths = udpload.sizes(1000)
    assert lengths[0] == 1 and lengths[-1] == 1472
    todo, results, secs = udpload.run("127.0.0.1", port, lengths, 32, 30)
    lost = [p for p in set(todo) if results.get(p, 0) < todo.count(p)]
    assert not lost, "%d datagrams not echoed" % len(lost)
    extra = [p for p in results if p not in set(todo)]
    assert not extra, "replies that were never sent: %r" % extra[:3]
    print("hosted echo (sanitizer build): %.0f datagrams/s" % (1000 / secs))
    # No line per packet: the console is as quiet as before the load.
    assert k.stop() == 0
    k.drain()
    assert [l for l in k.lines if not l.startswith(("realmos", "demo:", "signal"))] == []


def test_disk_holds_the_pattern_after_exit(kernel, tmp_path):
    k, disk, _ = boot_demo(kernel, tmp_path)
    assert k.stop() == 0
    data = disk.read_bytes()
    want = bytes(pattern_byte(i // 512, i % 512) for i in range(BLOCK_BYTES))
    assert data[:BLOCK_BYTES] == want
    assert data[BLOCK_BYTES:] == bytes(len(data) - BLOCK_BYTES)


def test_sigterm_stops_cleanly(kernel, tmp_path):
    k, _, port = boot_demo(kernel, tmp_path)
    assert k.stop(timeout=3) == 0
    k.drain()
    assert "signal 15: stopping" in k.lines
    # The port is free again: nothing was left behind.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("0.0.0.0", port))


def test_busy_port_is_an_error_not_a_crash(kernel, tmp_path):
    k, _, port = boot_demo(kernel, tmp_path)
    other = kernel("kernel.elf", "--port", str(port))
    line = other.expect(lambda l: l.startswith("demo: udp"))
    assert line == "demo: udp bind to port 8080 failed: busy"
    assert other.stop() == 0
    # The first one still serves.
    todo, results, _ = udpload.run("127.0.0.1", port, [64] * 10, 1, 5)
    assert all(results.get(p) == 1 for p in todo)
    assert k.stop() == 0


def test_without_disk_the_demo_skips_the_block_step(kernel):
    k = kernel("kernel.elf", "--port", str(free_udp_port()))
    k.expect(lambda l: l.startswith("demo: udp echo"))
    assert "demo: blk no device, skipped" in k.lines
    assert k.stop() == 0


def test_echo_over_ipv6_loopback(kernel, tmp_path):
    # On a stock Debian, `nc -u localhost PORT` picks ::1 first.
    k, _, port = boot_demo(kernel, tmp_path)
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s6, \
         socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s4:
        s6.settimeout(5)
        s4.settimeout(5)
        s4.bind(("127.0.0.1", 0))
        s6.bind(("::1", s4.getsockname()[1]))  # same port on both families
        s6.sendto(b"over six", ("::1", port))
        assert s6.recvfrom(64)[0] == b"over six"
        s4.sendto(b"over four", ("127.0.0.1", port))
        assert s4.recvfrom(64)[0] == b"over four"
    assert k.stop() == 0


def cpu_seconds(pid):
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_idle_kernel_sleeps(kernel, tmp_path):
    import time
    k, _, _ = boot_demo(kernel, tmp_path)
    before = cpu_seconds(k.proc.pid)
    time.sleep(1.0)
    used = cpu_seconds(k.proc.pid) - before
    assert used < 0.2, "idle for 1 s but used %.2f s of CPU" % used
    assert k.stop() == 0
