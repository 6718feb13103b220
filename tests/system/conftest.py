"""Fixtures for the system tests: start a realmos binary, read its console,
stop it. Results go to $REALMOS_RESULTS as "PASSED FAILED SKIPPED" for the
summary line of `make test`."""
import os
import queue
import signal
import socket
import subprocess
import threading
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# System tests run the sanitizer build: any ASan/UBSan report kills the
# process with a non-zero status, which the tests check.
BUILD = os.environ.get("REALMOS_BUILD", os.path.join(ROOT, "build", "hosted-san"))
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Kernel:
    """A running kernel (a hosted process, or QEMU with a guest); its console
    lines arrive on a queue, each with the host time it arrived at.

    It runs in a process group of its own, and stop() and the fixture's
    teardown signal the whole group: a `make run` under test leaves no QEMU
    or relay behind, and nothing else on the machine (a user's own `make
    run`) is touched."""

    def __init__(self, argv):
        self.lines = []
        self.times = []  # time.monotonic() of each line in self.lines
        self._q = queue.Queue()
        self.launched = time.monotonic()
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, errors="replace",
            start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self._q.put((time.monotonic(), line.rstrip("\n")))
        self._q.put(None)

    def expect(self, predicate, timeout=5.0):
        """Return the first new line for which predicate(line) holds."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            try:
                item = self._q.get(timeout=max(left, 0.01))
            except queue.Empty:
                item = None if left <= 0 else ""
            if item is None:
                raise AssertionError(
                    "no matching line; console so far:\n" + "\n".join(self.lines))
            if item == "":
                continue
            at, line = item
            self.lines.append(line)
            self.times.append(at)
            if predicate(line):
                return line

    def signal_group(self, sig):
        """Send sig to the kernel's process group (its children too)."""
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self, timeout=5.0):
        """SIGTERM, then wait; returns the exit status. Whatever is left of
        the group afterwards is killed."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self.signal_group(signal.SIGKILL)

    def drain(self):
        """Collect what is left of the console once the process is gone."""
        while True:
            try:
                item = self._q.get(timeout=2)
            except queue.Empty:
                return
            if item is None:
                return
            self.times.append(item[0])
            self.lines.append(item[1])


@pytest.fixture
def kernel():
    started = []

    def start(program, *args):
        """A hosted program from the build; or a whole argv if `program` is a
        list (a QEMU command line)."""
        argv = program if isinstance(program, list) else \
            [os.path.join(BUILD, program), *args]
        k = Kernel(argv)
        started.append(k)
        return k

    yield start
    for k in started:
        k.signal_group(signal.SIGKILL)
        k.proc.wait()


_counts = {"passed": 0, "failed": 0, "skipped": 0}


def pytest_runtest_logreport(report):
    if report.when == "call" or report.outcome != "passed":
        if report.outcome == "passed" and report.when == "call":
            _counts["passed"] += 1
        elif report.outcome == "failed":
            _counts["failed"] += 1
        elif report.outcome == "skipped":
            _counts["skipped"] += 1


def pytest_sessionfinish(session, exitstatus):
    out = os.environ.get("REALMOS_RESULTS")
    if out:
        if exitstatus not in (0, 1) and not _counts["failed"]:
            _counts["failed"] = 1  # collection or internal error
        with open(out, "w") as f:
            f.write("%d %d %d\n" % (_counts["passed"], _counts["failed"],
                                     _counts["skipped"]))
