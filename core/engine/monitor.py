"""The app's side of the sampling process (core/engine/sampler.py).

``track`` and ``untrack`` write one small JSON command each and return at once;
``drain`` takes the readings that arrived (non-blocking) and turns them into
SAMPLE events. Nothing here reads /proc or holds the GIL for long: with 1 024
live workers a round costs the window ~2 ms of decoding instead of the ~60 ms a
psutil thread in its own process held the GIL for.

The sampler also reports each tracked process's start time as soon as it is
tracked (``stamps``), so that the app can tell a worker's pid from a reused one
without reading /proc on its own thread.
"""

from __future__ import annotations

import json
import multiprocessing
import signal
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

from core.engine.sampler import run_sampler
from core.model.kinds import SESSION_ID, EventKind

if TYPE_CHECKING:  # imported where the readings are decoded: a traced
    # program starts sooner without the model (docs/PERFORMANCE.md §9)
    from core.model.events import Event

STOP_WAIT = 2.0  # seconds the sampler gets to end after its pipes close


class Monitor:
    """Samples tracked workers at ``hz`` in a process of its own."""

    def __init__(self, hz: float = 5.0) -> None:
        self.period = 1.0 / hz if hz > 0 else 0.0
        self._process: BaseProcess | None = None
        self._commands: Connection | None = None
        self._samples: Connection | None = None
        self._tracked: dict[int, int] = {}  # worker → pid, as told to the sampler
        self.stamps: dict[int, int] = {}  # worker → its process's start time

    def start(self) -> None:
        """Start the sampling process (spawn: this process may hold Qt threads).
        Its environment carries no run token: it is not a process of the run.
        If it cannot start, the run goes on without samples (never half-open)."""
        if not self.period or self._process is not None:
            return
        ctx = multiprocessing.get_context("spawn")
        commands_reader, self._commands = ctx.Pipe(duplex=False)
        self._samples, samples_writer = ctx.Pipe(duplex=False)
        self._process = ctx.Process(
            target=run_sampler,
            args=(commands_reader, samples_writer, self.period),
            name="procession-sampler",
            daemon=True,
        )
        # SIGINT blocked while it starts: the sampler inherits the mask through
        # exec, so a Ctrl+C to the terminal's group during its imports (before
        # run_sampler ignores SIGINT) cannot print a KeyboardInterrupt
        # traceback, as it did in CI; a SIGINT meanwhile reaches us after.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self._process.start()
        except OSError:  # e.g. at the process limit: the run goes on unsampled
            self._process = None
            self.stop()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            commands_reader.close()
            samples_writer.close()

    def stop(self) -> None:
        """Close both pipes (the sampler ends on either) and reap it."""
        for conn in (self._commands, self._samples):
            if conn is not None:
                conn.close()
        self._commands = self._samples = None
        process, self._process = self._process, None
        if process is not None:
            process.join(timeout=STOP_WAIT)
            if process.exitcode is None:
                process.kill()
                process.join(timeout=STOP_WAIT)

    def track(self, worker_id: int, pid: int, tid: int | None = None) -> None:
        """Start sampling ``pid`` (or its thread ``tid``); returns at once."""
        self._tracked[worker_id] = pid
        self._send(["track", worker_id, pid, tid])

    def untrack(self, worker_id: int) -> None:
        self._tracked.pop(worker_id, None)
        self.stamps.pop(worker_id, None)
        self._send(["untrack", worker_id])

    def _send(self, command: list[Any]) -> None:
        if self._commands is not None:
            try:
                self._commands.send_bytes(json.dumps(command).encode())
            except OSError:  # the sampler died: the run goes on unsampled
                self._commands = None

    def drain(self) -> list[Event]:
        """The SAMPLE events of every reading that arrived; never blocks."""
        events: list[Event] = []
        samples = self._samples
        try:
            while samples is not None and samples.poll():
                events += self._decode(json.loads(samples.recv_bytes()))
        except (EOFError, OSError, ValueError):  # it died: the run goes on
            self._samples = None
        return events

    def _decode(self, message: dict[str, Any]) -> list[Event]:
        from core.model.events import Event
        from core.model.payloads import Sample

        for worker, pid, stamp in message.get("stamps", ()):
            if self._tracked.get(worker) == pid:  # not untracked meanwhile
                self.stamps[worker] = stamp
        stamp_ns = message.get("t", time.monotonic_ns())
        return [
            Event(
                EventKind.SAMPLE,
                worker,
                SESSION_ID,
                -1,
                stamp_ns,
                Sample(cpu=cpu, rss=rss, threads=threads, status=status, children=kids),
            )
            for worker, cpu, rss, threads, status, kids in message.get("samples", ())
            if worker in self._tracked
        ]
