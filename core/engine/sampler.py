"""The sampling process: reads the run's processes and threads at a fixed rate
and sends the readings to the app (core/engine/monitor.py is the app's side).

It runs in a process of its own so that a round over 1 024 workers never
holds the window's GIL (a psutil thread in the window's process held it for
~60 ms per round and the window's heartbeat waited on it). On Linux one
``/proc/PID/stat`` read per worker gives everything a sample shows (CPU time,
resident memory, threads, state) and the start time that tells a reused pid
from the worker; elsewhere psutil reads the same values.

Read-only by rule: nothing here waits for or reaps a process (DESIGN §4
promise 6). Messages are JSON both ways. The process ends when the app closes
its command pipe (also when the app dies) or stops reading the samples.
"""

from __future__ import annotations

import json
import os
import signal
import time
from multiprocessing.connection import Connection
from typing import Any

from core.engine import process_tree

CHILDREN_PERIOD = 1.0
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
PROC = os.path.isdir("/proc/self/task")
STATES = {  # /proc state letters → psutil's status names, which samples carry
    "R": "running",
    "S": "sleeping",
    "D": "disk-sleep",
    "T": "stopped",
    "t": "tracing-stop",
    "Z": "zombie",
    "X": "dead",
    "x": "dead",
    "K": "wake-kill",
    "W": "waking",
    "I": "idle",
    "P": "parked",
}

Reading = tuple[float, int, int, str]  # cpu seconds, rss bytes, threads, status


class _Tracked:
    __slots__ = ("children", "cpu", "handle", "pid", "tid", "wall")

    def __init__(self, pid: int, tid: int | None) -> None:
        self.pid, self.tid = pid, tid
        self.cpu: float | None = None  # CPU seconds at the last reading
        self.wall = 0.0
        self.children = 0
        self.handle: Any = None  # psutil.Process where there is no /proc


def _stat(path: str) -> list[str] | None:
    try:
        with open(path, "rb") as handle:
            raw = handle.read().decode("ascii", "replace")
    except OSError:
        return None
    fields = raw[raw.rfind(")") + 2 :].split()  # the name may hold spaces
    return fields if len(fields) > 21 else None


def _read_proc(item: _Tracked) -> tuple[Reading, int | None] | None:
    """One worker's reading and start time from /proc (one file, or two for a
    thread worker: its own CPU, its host's memory)."""
    fields = _stat(f"/proc/{item.pid}/stat")
    if fields is None:
        return None
    rss, stamp = int(fields[21]) * PAGE, int(fields[19])
    if item.tid is None:
        cpu = (int(fields[11]) + int(fields[12])) / TICKS
        return (cpu, rss, int(fields[17]), STATES.get(fields[0], fields[0])), stamp
    own = _stat(f"/proc/{item.pid}/task/{item.tid}/stat")
    if own is None:
        return None
    return ((int(own[11]) + int(own[12])) / TICKS, rss, 1, "thread"), stamp


def _read_psutil(item: _Tracked) -> tuple[Reading, int | None] | None:
    import psutil  # only where there is no /proc

    try:
        if item.handle is None:
            item.handle = psutil.Process(item.pid)
        process = item.handle
        with process.oneshot():
            rss = process.memory_info().rss
            stamp = None  # identities need /proc (process_tree.start_stamp)
            if item.tid is not None:
                times = {t.id: t for t in process.threads()}.get(item.tid)
                if times is None:
                    return None
                return (times.user_time + times.system_time, rss, 1, "thread"), stamp
            cpu = process.cpu_times()
            threads, status = process.num_threads(), process.status()
            return (cpu.user + cpu.system, rss, threads, status), stamp
    except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
        return None


class Sampler:
    """The sampling process's state: what is tracked, and one round of readings."""

    def __init__(self) -> None:
        self.tracked: dict[int, _Tracked] = {}
        self.read = _read_proc if PROC else _read_psutil
        self._next_children = 0.0

    def command(self, message: list[Any]) -> list[list[int]]:
        """Apply one command; a new worker is read at once (its CPU baseline,
        and its start time, returned as [[worker, pid, stamp]])."""
        if message[0] == "untrack":
            self.tracked.pop(int(message[1]), None)
            return []
        worker, pid, tid = int(message[1]), int(message[2]), message[3]
        item = _Tracked(pid, None if tid is None else int(tid))
        found = self.read(item)
        if found is None:
            return []
        item.cpu, item.wall = found[0][0], time.monotonic()
        self.tracked[worker] = item
        return [] if found[1] is None else [[worker, pid, found[1]]]

    def take_round(self) -> list[list[Any]]:
        """Every tracked worker's sample: [worker, cpu %, rss, threads, status,
        children]; a worker that cannot be read any more is dropped."""
        now = time.monotonic()
        if now >= self._next_children:
            self._next_children = now + CHILDREN_PERIOD
            self._count_children()
        out: list[list[Any]] = []
        for worker, item in list(self.tracked.items()):
            found = self.read(item)
            if found is None:
                del self.tracked[worker]
                continue
            (cpu_time, rss, threads, status), _ = found
            wall = time.monotonic()
            cpu = None
            if item.cpu is not None and wall > item.wall:
                cpu = round(100.0 * (cpu_time - item.cpu) / (wall - item.wall), 1)
            item.cpu, item.wall = cpu_time, wall
            out.append([worker, cpu, rss, threads, status, item.children])
        return out

    def _count_children(self) -> None:
        groups = {i.pid: i for i in self.tracked.values() if i.tid is None}
        members = process_tree.group_members(set(groups))
        for pgid, item in groups.items():
            item.children = max(0, len(members.get(pgid, [])) - 1)


def run_sampler(commands: Connection, samples: Connection, period: float) -> None:
    """The sampling process's entry point: a round every ``period`` seconds,
    commands (track, untrack) in between, until the app goes away. Ctrl+C
    reaches the whole terminal's group: the app handles it and closes us."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sampler = Sampler()
    next_round = time.monotonic() + period
    try:
        while True:
            if commands.poll(max(0.0, next_round - time.monotonic())):
                stamps: list[list[int]] = []
                while commands.poll():  # every command ready now, then answer
                    stamps += sampler.command(json.loads(commands.recv_bytes()))
                if stamps:
                    _send(samples, {"stamps": stamps})
            if time.monotonic() >= next_round:
                next_round += period
                if next_round < time.monotonic():  # fell behind: no burst
                    next_round = time.monotonic() + period
                readings = sampler.take_round()
                if readings:
                    _send(samples, {"t": time.monotonic_ns(), "samples": readings})
    except (EOFError, OSError):  # the app closed a pipe: it is done with us
        pass


def _send(samples: Connection, message: dict[str, Any]) -> None:
    samples.send_bytes(json.dumps(message, separators=(",", ":")).encode())
