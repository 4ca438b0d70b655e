"""The sampling process: real readings of real processes, sent as events.

The sampler runs in a process of its own (the window's GIL is never held by a
sampling round); these tests drive it through the app's side, ``Monitor``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from core.engine import process_tree
from core.engine.monitor import Monitor
from core.engine.sampler import _read_proc, _read_psutil, _Tracked
from core.model.events import EventKind

BURN = "import time\nend = time.monotonic() + 30\nwhile time.monotonic() < end: pass"
SLEEP = "import time; time.sleep(30)"
HANG_GUARD = 10.0  # seconds; a round comes every 50 ms here


def _samples_for(monitor: Monitor, worker: int, count: int) -> list:
    found: list = []
    deadline = time.monotonic() + HANG_GUARD
    while len(found) < count and time.monotonic() < deadline:
        time.sleep(0.05)
        found += [e for e in monitor.drain() if e.lane == worker]
    return found


@pytest.fixture
def monitor():
    sampler = Monitor(hz=20)
    sampler.start()
    yield sampler
    sampler.stop()


@pytest.fixture
def programs():
    started: list[subprocess.Popen[bytes]] = []

    def start(code: str) -> subprocess.Popen[bytes]:
        started.append(subprocess.Popen([sys.executable, "-c", code]))
        return started[-1]

    yield start
    for process in started:
        process.kill()
        process.wait()


def test_a_busy_and_a_sleeping_process_are_told_apart(monitor, programs):
    busy, idle = programs(BURN), programs(SLEEP)
    monitor.track(1, busy.pid)
    monitor.track(2, idle.pid)
    busy_samples = _samples_for(monitor, 1, 6)
    idle_samples = _samples_for(monitor, 2, 6)
    assert all(e.kind is EventKind.SAMPLE for e in busy_samples + idle_samples)
    cpu = [e.data.cpu for e in busy_samples[2:] if e.data.cpu is not None]
    assert cpu and sum(cpu) / len(cpu) > 30  # one core, shared with others
    assert max(e.data.cpu or 0 for e in idle_samples) < 10
    for sample in (busy_samples[-1].data, idle_samples[-1].data):
        assert sample.rss > 1_000_000 and sample.threads == 1
    assert busy_samples[-1].data.status in ("running", "sleeping")  # preempted
    assert idle_samples[-1].data.status == "sleeping"
    # the start times that tell these pids from reused ones, read by the sampler
    assert monitor.stamps == {
        1: process_tree.start_stamp(busy.pid),
        2: process_tree.start_stamp(idle.pid),
    }


def test_untracked_and_ended_workers_are_no_longer_sampled(monitor, programs):
    first, second = programs(SLEEP), programs(SLEEP)
    monitor.track(1, first.pid)
    monitor.track(2, second.pid)
    assert _samples_for(monitor, 1, 1) and _samples_for(monitor, 2, 1)
    monitor.untrack(1)
    second.kill()
    second.wait()
    time.sleep(0.2)  # rounds that read neither
    monitor.drain()
    time.sleep(0.2)
    assert [e for e in monitor.drain() if e.lane in (1, 2)] == []
    assert 1 not in monitor.stamps


def test_a_thread_is_sampled_through_its_own_cpu_time(monitor):
    stop = threading.Event()

    def burn() -> None:
        while not stop.is_set():
            sum(range(1000))

    thread = threading.Thread(target=burn)
    thread.start()
    try:
        monitor.track(7, os.getpid(), tid=thread.native_id)
        samples = _samples_for(monitor, 7, 6)
    finally:
        stop.set()
        thread.join()
    assert {e.data.status for e in samples} == {"thread"}
    cpu = [e.data.cpu for e in samples[2:] if e.data.cpu is not None]
    assert cpu and max(cpu) > 20


def test_sampling_runs_outside_this_process(monitor):
    # a psutil thread here held the window's GIL ~60 ms per round of 1 024
    assert monitor._process is not None
    sampler = monitor._process.pid
    assert sampler in [child.pid for child in psutil.Process().children()]
    assert [t.name for t in threading.enumerate() if "monitor" in t.name] == []
    monitor.stop()  # and it is reaped
    assert sampler not in [child.pid for child in psutil.Process().children()]


def test_a_ctrl_c_while_the_sampler_starts_reaches_only_this_process():
    """Ctrl+C signals the terminal's whole group: a sampler still importing
    printed a KeyboardInterrupt traceback (CI). It is started with SIGINT
    blocked, from its first instruction; this process's mask is restored."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    sampler = Monitor(hz=20)
    sampler.start()
    process = sampler._process
    try:
        assert process is not None
        pid = process.pid
        os.kill(pid, signal.SIGINT)  # at once: it is still starting
        status = Path(f"/proc/{pid}/status").read_text()
        blocked = int(
            next(x for x in status.splitlines() if x.startswith("SigBlk")).split()[1],
            16,
        )
        assert blocked & (1 << (signal.SIGINT - 1))
        assert signal.pthread_sigmask(signal.SIG_BLOCK, set()) == before
        time.sleep(0.5)
        assert process.is_alive()  # not ended by a KeyboardInterrupt
    finally:
        sampler.stop()
    assert process.exitcode == 0  # ended as asked, when its pipes closed


def test_proc_and_psutil_read_the_same_process_alike(programs):
    process = programs(SLEEP)
    deadline = time.monotonic() + 10
    while psutil.Process(process.pid).status() != "sleeping":  # past its start
        assert time.monotonic() < deadline, "the program never went to sleep"
        time.sleep(0.05)
    (cpu, rss, threads, status), stamp = _read_proc(_Tracked(process.pid, None))
    (p_cpu, p_rss, p_threads, p_status), _ = _read_psutil(_Tracked(process.pid, None))
    assert (threads, status) == (p_threads, p_status) == (1, "sleeping")
    assert abs(rss - p_rss) < 512 * 1024 and abs(cpu - p_cpu) < 0.05
    assert stamp == process_tree.start_stamp(process.pid)
