"""The app's side of one run: its link to the conductor, shared by the window
and the CLI.

``ConductorLink.start()`` spawns the conductor (spawn, never fork: the GUI process has
Qt threads), and from then on the caller either watches :meth:`fileno` (the
window uses a QSocketNotifier) and calls :meth:`read_events`, or calls
:meth:`wait_events` (the CLI). No call here blocks without a timeout.

Shutdown is bounded: ask the conductor to stop everything (it escalates on its
own deadlines), read its events until it reports the end, and if it does not
within ``FORCE_AFTER`` (a conductor frozen by SIGSTOP, or stuck behind a thread
that holds the GIL), SIGKILL it and every process of the run. Every process of
the run carries the run's token in its environment, so none escapes that, and
a watchdog process does the same if the app dies (core/engine/watchdog.py).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import shutil
import subprocess
import threading
import time
import uuid
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.engine import process_tree, run_dirs, watchdog
from core.engine.bytecode_cache import prepare_bytecode
from core.engine.cap_guard import CAP_FILE
from core.engine.conductor_start import forked_conductor, start_marked
from core.engine.monitor import Monitor
from core.input_checks import InputError, Problem
from core.model.kinds import MAIN_ID, EventKind

if TYPE_CHECKING:  # the model is imported once the conductor has started: a
    # traced program starts ~20 ms sooner (docs/PERFORMANCE.md, traced programs)
    from core.engine.program import Program
    from core.model.decoding import Lineage
    from core.model.events import Event

READ_LIMIT = 20_000  # events per read_events() call: keeps the GUI responsive
STOP_GRACE, TERM_GRACE, DRAIN_LIMIT = 1.0, 2.0, 1.0
"""core.engine.stopping's and core.engine.endings' (a test pins them equal):
importing those modules here would cost a traced script ~10 ms before its
first line."""
FORCE_AFTER = STOP_GRACE + TERM_GRACE + DRAIN_LIMIT + 2.0
"""Seconds from a stop request to ending the run by force: the conductor's own
escalation reports the last SIGKILLed worker within STOP_GRACE + TERM_GRACE +
DRAIN_LIMIT (4 s); two more absorb a loaded machine."""
FREEZE_EVERY = 20_000  # events read between two gc.freeze() calls


class ConductorLink:
    def __init__(
        self, program: Program, sample_hz: float = 5.0, fork: bool = False
    ) -> None:
        self.program = program
        self._fork = fork
        """Fork the conductor instead of spawning it, where this process has
        no thread (the CLI): a traced script then starts ~70 ms sooner (no
        second interpreter to boot and no resource tracker). Never for a
        scenario: its conductor forks workers, and a bigger conductor makes
        each of those forks dearer (docs/PERFORMANCE.md §1)."""
        self._lineage: Lineage | None = None  # a traced program's senders
        self.monitor = Monitor(sample_hz)
        self._conductor: BaseProcess | None = None
        self._events: Connection | None = None
        self._commands: Connection | None = None
        self._run_dir: str | None = None
        self._pids: dict[int, int] = {}  # started process workers: wid → pid
        self.finished = False
        self.closed = False
        self._unfrozen = 0  # events read since the last gc.freeze()
        self.token = uuid.uuid4().hex  # in every process of the run (RUN_ENV)
        self._watchdog: subprocess.Popen[bytes] | None = None
        self._lifeline: int | None = None  # its pipe's write end: only we hold it
        self._force_at: float | None = None
        self._force_after = FORCE_AFTER  # the seconds that deadline allowed
        self._threads: set[int] = set()  # thread lanes that booted and did not end

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> None:
        """Start the run. InputError if the machine cannot run it (nothing starts)."""
        problems = self.program.preflight_problems()
        if problems:
            raise InputError([Problem("", p) for p in problems])
        self._run_dir = run_dirs.create()
        fork = self._fork and threading.active_count() == 1
        if not fork:  # (a forked conductor has imported what it runs)
            # The conductor and its workers inherit this process's environment:
            # give them compiled bytecode even where none may be written.
            prepare_bytecode()
        cap = self.program.max_processes
        cap_file = Path(self._run_dir) / CAP_FILE
        # Without it (EAGAIN at the process limit) the run still goes: the
        # conductor ends it when the app's pipe closes, unless it is stuck.
        with contextlib.suppress(OSError):
            self._watchdog, self._lifeline = watchdog.start(self.token, cap, cap_file)
        ctx = (
            multiprocessing.get_context("fork")
            if fork
            else multiprocessing.get_context("spawn")
        )
        events_reader, events_writer = ctx.Pipe(duplex=False)
        commands_reader, commands_writer = ctx.Pipe(duplex=False)
        entry, args = self.program.main_entry()
        args = (*args, events_writer, commands_reader, self._run_dir)
        if fork:  # the child must not hold our ends: it would never see EOF
            ours = (events_reader, commands_writer, self._lifeline)
            entry, args = forked_conductor, (ours, entry, args)
        conductor = ctx.Process(target=entry, args=args, name="procession-conductor")
        if not fork:
            # Spawning starts this process's resource tracker if it is not
            # running yet: started under the run's token, it was killed with
            # the run, and the next run printed "process died unexpectedly".
            from multiprocessing import resource_tracker

            resource_tracker.ensure_running()
        try:
            start_marked(conductor, self.token)
        except BaseException:  # e.g. EMFILE/EAGAIN: leave nothing half-open
            for conn in (
                events_reader,
                events_writer,
                commands_reader,
                commands_writer,
            ):
                conn.close()
            shutil.rmtree(self._run_dir, ignore_errors=True)
            self._run_dir = None
            self.closed = True
            self._release_watchdog()
            raise
        self._conductor = conductor
        run_dirs.add_owner(self._run_dir, conductor.pid)
        if self._lifeline is not None:  # the cap guard needs the conductor
            with contextlib.suppress(OSError):
                os.write(self._lifeline, f"conductor {conductor.pid}\n".encode())
        events_writer.close()
        commands_reader.close()
        self._events = events_reader
        self._commands = commands_writer
        self.monitor.start()

    @property
    def conductor_pid(self) -> int | None:
        return self._conductor.pid if self._conductor else None

    def fileno(self) -> int:
        """Readable when events are waiting (for select / QSocketNotifier)."""
        if self._events is None:
            raise ValueError("the session is not running")
        return self._events.fileno()

    def worker_pids(self) -> dict[int, int]:
        return dict(self._pids)

    # -- events ---------------------------------------------------------------------

    def read_events(self, limit: int = READ_LIMIT) -> list[Event]:
        """Every event ready now (up to ``limit``), without blocking."""
        from core.model.decoding import Lineage, decode_batch

        if self._lineage is None:
            self._lineage = Lineage()  # who created whom, in a traced program
        out: list[Event] = []
        events = self._events
        try:
            while events is not None and len(out) < limit and events.poll():
                for event in decode_batch(events.recv_bytes(), self._lineage):
                    self._observe(event)
                    out.append(event)
        except (EOFError, OSError):
            self._close_events()
            if not self.finished:
                out.append(self._conductor_lost())
        if (
            self._force_at is not None
            and not self.finished
            and time.monotonic() >= self._force_at
        ):
            out += self._force_end()
        out.extend(self.monitor.drain())
        self._unfrozen += len(out)
        if self._unfrozen >= FREEZE_EVERY:
            self._freeze()
        return out

    def _freeze(self) -> None:
        """Take what exists now out of the garbage collector's full scans.

        The model keeps every event of the run; without this each full
        collection rescans all of them, and at 200 000 events that held the
        window's thread for up to 150 ms. Frozen objects are still freed by
        reference counting (a model holds no reference cycles); only cyclic
        garbage not yet found would stay, so the young generations are
        collected first (about a millisecond).
        """
        self._unfrozen = 0
        gc.collect(1)
        gc.freeze()

    def wait_events(self, timeout: float) -> list[Event]:
        """Block up to ``timeout`` seconds for events (CLI use)."""
        if self._events is not None and not self.monitor.period:
            wait([self._events], timeout)
        elif self._events is not None:
            wait([self._events], min(timeout, self.monitor.period))
        return self.read_events()

    def _observe(self, event: Event) -> None:
        from core.model.payloads import Booted, RunStarted, StartReturned

        kind, data = event.kind, event.data
        if isinstance(data, RunStarted) and data.pid is not None:
            self.monitor.track(MAIN_ID, data.pid)
        elif isinstance(data, StartReturned) and data.pid is not None:
            self._pids[event.lane] = data.pid
            self.monitor.track(event.lane, data.pid)
            if not self.monitor.period:  # no sampler to read its start time
                self._remember(event.lane, data.pid)
        elif isinstance(data, Booted) and data.start_method == "thread":
            self._threads.add(event.lane)
            if self.conductor_pid:
                self.monitor.track(event.lane, self.conductor_pid, tid=data.tid)
        elif kind is EventKind.EXITED:
            self._threads.discard(event.lane)
            self.monitor.untrack(event.lane)
            self._pids.pop(event.lane, None)
        elif kind is EventKind.RUN_FINISHED:
            self.finished = True
            self.monitor.untrack(MAIN_ID)

    def _remember(self, worker_id: int, pid: int) -> None:
        stamp = process_tree.start_stamp(pid)
        if stamp is not None:
            self.monitor.stamps[worker_id] = stamp

    def _conductor_lost(self) -> Event:
        from core.engine.link_events import conductor_lost

        self.finished = True
        code = None
        if self._conductor is not None:
            self._conductor.join(timeout=1.0)
            code = self._conductor.exitcode
        self._kill_run()
        return conductor_lost(code, time.monotonic_ns())

    # -- commands -------------------------------------------------------------------

    def send(self, verb: str, ref: str | int = "all") -> bool:
        """Send a command (stop, terminate, kill, shutdown); False if it is gone."""
        if self._commands is None or self.finished:
            return False
        try:
            self._commands.send((verb, ref))
        except OSError:
            return False
        return True

    def request_shutdown(self) -> None:
        """Ask the conductor to stop everything; returns at once. If the run
        has not ended ``FORCE_AFTER`` seconds later, ``read_events`` ends it."""
        self.send("shutdown")
        self.end_within(FORCE_AFTER)

    def end_within(self, seconds: float) -> None:
        """End the run by force (in ``read_events``) if it has not ended
        ``seconds`` from now; an earlier deadline already set stays."""
        if self._conductor is None:
            return
        at = time.monotonic() + seconds
        if self._force_at is None or at < self._force_at:
            self._force_at, self._force_after = at, seconds

    def _force_end(self) -> list[Event]:
        """The conductor did not answer in time: kill it and the whole run, and
        say so. A thread still running is shown as abandoned: it cannot be
        stopped, and it ended with the conductor's process."""
        from core.engine.link_events import forced_end

        self.finished = True
        assert self._conductor is not None
        self._conductor.kill()
        self._kill_run()
        self._conductor.join(timeout=1.0)
        ended = forced_end(
            self._force_after,
            sorted(self._threads),
            self._conductor.exitcode,
            time.monotonic_ns(),
        )
        self._threads.clear()
        self._close_events()
        return ended

    def shutdown(self, timeout: float = STOP_GRACE + TERM_GRACE + 3.0) -> list[Event]:
        """Stop the run and release everything, within ``timeout`` (+~1 s).

        Returns the events that arrived meanwhile, so that every lane can show
        its final state before the caller goes away.
        """
        events: list[Event] = []
        if self.closed:
            return events
        if self._conductor is not None and not self.finished:
            self.request_shutdown()
            deadline = time.monotonic() + timeout
            while not self.finished and time.monotonic() < deadline:
                events += self.wait_events(min(0.1, deadline - time.monotonic()))
        events += self.read_events()
        self.close()
        return events

    def close(self) -> None:
        """Release everything now; SIGKILL what is still running."""
        if self.closed:
            return
        self.closed = True
        self.monitor.drain()  # start times still in its pipe, for _kill_run
        self.monitor.stop()
        conductor = self._conductor
        if conductor is not None:
            conductor.join(timeout=0.5 if self.finished else 0)
            if conductor.exitcode is None:
                conductor.kill()
                conductor.join(timeout=2.0)
            conductor.close() if conductor.exitcode is not None else None
            self._kill_run()  # what outlived it, whoever it escaped from
        self._release_watchdog()
        self._close_events()
        if self._commands is not None:
            self._commands.close()
            self._commands = None
        if self._run_dir:
            shutil.rmtree(self._run_dir, ignore_errors=True)
        # Hand what read_events() froze back to the collector: this run's
        # objects may now become garbage, and frozen cycles would never be freed.
        gc.unfreeze()

    def _close_events(self) -> None:
        if self._events is not None:
            self._events.close()
            self._events = None

    def _kill_run(self) -> None:
        """SIGKILL every process of the run: those carrying its token, and every
        worker we know is ours (pid + start time, so a reused pid is never hit)."""
        stamps = self.monitor.stamps  # read by the sampler when it was tracked
        known = {
            pid
            for wid, pid in list(self._pids.items())
            if wid in stamps and process_tree.start_stamp(pid) == stamps[wid]
        }
        process_tree.kill_run(self.token, known)

    def _release_watchdog(self) -> None:
        """Tell the watchdog we are done (EOF) and reap it; it finds nothing
        left to kill and exits at once."""
        if self._lifeline is not None:
            os.close(self._lifeline)
            self._lifeline = None
        if self._watchdog is not None:
            try:
                self._watchdog.wait(timeout=watchdog.GRACE + watchdog.KILL_LIMIT + 1)
            except subprocess.TimeoutExpired:
                self._watchdog.kill()
                self._watchdog.wait()
            self._watchdog = None

    def __enter__(self) -> ConductorLink:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.shutdown()
