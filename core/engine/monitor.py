"""psutil sampling of a run's processes and threads, from a background thread.

Read-only by rule: nothing here waits for or reaps a process (psutil's
``wait()`` would steal exit statuses multiprocessing owns, DESIGN §4 promise 6).
One ``psutil.Process`` object is kept per tracked pid, because the first
``cpu_percent()`` of an object is a meaningless 0.0; it is primed when tracking
starts. Thread workers are sampled through their host's per-thread CPU times.
Descendants are counted once a second per process group with one /proc pass.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.engine import process_tree
from core.model.kinds import SESSION_ID, EventKind

if TYPE_CHECKING:  # imported by the sampling thread, where they are used: a
    # traced program starts ~20 ms sooner without them (docs/PERFORMANCE.md)
    import psutil

    from core.model.events import Event
    from core.model.payloads import Sample

CHILDREN_PERIOD = 1.0


@dataclass
class _Tracked:
    process: psutil.Process
    tid: int | None = None  # a thread worker: sample this thread of the process
    last_cpu_time: float | None = None
    last_wall: float | None = None
    children: int = 0


class Monitor:
    """Samples tracked workers at ``hz`` and queues SAMPLE events."""

    def __init__(self, hz: float = 5.0) -> None:
        self.period = 1.0 / hz if hz > 0 else 0.0
        self._tracked: dict[int, _Tracked] = {}
        self._pending: dict[int, tuple[int, int | None]] = {}
        self._gone: set[int] = set()  # untracked: never (re)track these
        self._lock = threading.Lock()
        self._out: deque[Event] = deque()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._next_children = 0.0

    def start(self) -> None:
        if self.period and self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="procession-monitor", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None

    def track(self, worker_id: int, pid: int, tid: int | None = None) -> None:
        """Start sampling ``pid`` (or its thread ``tid``); returns at once.

        Called on the GUI thread for every started worker: creating and
        priming the psutil object (about 0.4 ms) is left to the sampling thread.
        """
        with self._lock:
            self._gone.discard(worker_id)
            self._pending[worker_id] = (pid, tid)

    def untrack(self, worker_id: int) -> None:
        with self._lock:
            self._gone.add(worker_id)  # also if it is being resolved right now
            self._pending.pop(worker_id, None)
            self._tracked.pop(worker_id, None)

    def _resolve_pending(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
        import psutil

        for worker_id, (pid, tid) in pending.items():
            try:
                process = psutil.Process(pid)
                process.cpu_percent(None)  # prime: the first reading is meaningless
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            with self._lock:
                if worker_id not in self._gone:  # it may have ended meanwhile
                    self._tracked[worker_id] = _Tracked(process, tid)

    def drain(self) -> list[Event]:
        events = []
        while self._out:
            events.append(self._out.popleft())
        return events

    def sample_once(self) -> None:
        from core.model.events import Event

        self._resolve_pending()
        with self._lock:
            tracked = list(self._tracked.items())
        now = time.monotonic()
        if now >= self._next_children:
            self._next_children = now + CHILDREN_PERIOD
            self._count_children(tracked)
        for worker_id, item in tracked:
            data = self._read(item)
            if data is None:
                self.untrack(worker_id)
                continue
            self._out.append(
                Event(
                    EventKind.SAMPLE,
                    worker_id,
                    SESSION_ID,
                    -1,
                    time.monotonic_ns(),
                    data,
                )
            )

    def _loop(self) -> None:
        while not self._stop.wait(self.period):
            try:
                self.sample_once()
            except Exception:  # a sampling hiccup must never kill the monitor
                continue

    def _read(self, item: _Tracked) -> Sample | None:
        import psutil

        from core.model.payloads import Sample

        process = item.process
        try:
            if item.tid is not None:
                return self._read_thread(item)
            with process.oneshot():
                return Sample(
                    cpu=process.cpu_percent(None),
                    rss=process.memory_info().rss,
                    threads=process.num_threads(),
                    status=process.status(),
                    children=item.children,
                )
        except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
            return None

    def _read_thread(self, item: _Tracked) -> Sample | None:
        from core.model.payloads import Sample

        threads = {t.id: t for t in item.process.threads()}
        info = threads.get(item.tid or -1)
        if info is None:
            return None
        cpu_time = info.user_time + info.system_time
        wall = time.monotonic()
        cpu = None
        if item.last_cpu_time is not None and item.last_wall is not None:
            elapsed = wall - item.last_wall
            cpu = 100.0 * (cpu_time - item.last_cpu_time) / elapsed if elapsed else 0.0
        item.last_cpu_time, item.last_wall = cpu_time, wall
        return Sample(
            cpu=cpu, rss=item.process.memory_info().rss, threads=1, status="thread"
        )

    def _count_children(self, tracked: list[tuple[int, _Tracked]]) -> None:
        groups = {item.process.pid: item for _, item in tracked if item.tid is None}
        members = process_tree.group_members(set(groups))
        for pgid, item in groups.items():
            item.children = max(0, len(members.get(pgid, [])) - 1)
