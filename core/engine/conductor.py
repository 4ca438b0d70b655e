"""The conductor: a small process that plays a scenario's main program.

::

    app (ConductorLink) ── commands pipe ──►  Conductor.run()  ── start() ─► workers
            ▲                                  │  wait() on: commands, every
            └────────── events pipe ◄──────────┘  worker's event pipe and
                 (framed batches, one writer)      every Process.sentinel

It starts workers at their times, joins them in order (or not), fires the
scenario's timed actions, answers commands (stop / terminate / kill /
shutdown) and forwards every event, in order, to the app. It is a separate
process because forking the GUI is unsafe and slow, and so that the main
program's lane is a real process (DESIGN §1). It is single-threaded in process
mode, so fork is safe here.

The loop is here; its parts are objects handed only what they need: the
scenario player (what the main program does), the stopper (flag, then SIGTERM
after ``STOP_GRACE``, then SIGKILL after ``TERM_GRACE``), the reaper (groups,
strays, the process cap), the fd-output reader and the endings (one EXITED per
worker, core/engine/endings.py).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import time
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from core.engine import process_tree, run_dirs
from core.engine.cap_guard import CAP_FILE
from core.engine.cleanup import Reaper
from core.engine.endings import DRAIN_LIMIT, Endings
from core.engine.fd_output import LOG_POLL, FdOutputReader
from core.engine.preflight import raise_fd_limit
from core.engine.scenario_player import ScenarioPlayer, build_handles
from core.engine.stopping import Stopper
from core.engine.worker_handle import WorkerHandle, notice
from core.model.decoding import frame
from core.model.kinds import MAIN_ID
from core.scenario.definition import Scenario
from core.scenario.lane_announcements import lane_of, run_info
from core.worker.output_capture import ThreadOutput
from core.worker.target_api import MAX_MARKS
from core.worker.wire import encode

CENSUS_POLL = 0.25
READ_BATCH = 2000
THREAD_SWITCH_S = 0.0005  # GIL switch interval while thread workers run
FLUSH_EVENTS = 1000  # events per message to the session (it reads whole messages)
EVENT_CAP_SPARE = 20_000  # lifecycle events and dropped-output reports


def conductor_main(
    scenario: Scenario, events: Connection, commands: Connection, run_dir: str
) -> None:
    """Process entry point (the ``target`` the session starts)."""
    # The session handles Ctrl+C for the whole run; a stray SIGINT sent to the
    # terminal's foreground group must not kill the conductor mid-shutdown.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A group of its own: what thread workers fork lands in it (the census
    # counts it), and the app can end the conductor's group without its own.
    if hasattr(os, "setpgrp"):
        os.setpgrp()
    # The forkserver's socket goes in the run's folder: os._exit below skips
    # the exit handler that would remove multiprocessing's own pymp-* folder.
    run_dirs.keep_multiprocessing_files_in(run_dir)
    conductor = Conductor(scenario, events, commands, Path(run_dir))
    try:
        conductor.run()
    finally:
        conductor.reaper.emergency_cleanup()
        run_dirs.remove_multiprocessing_files()
    # Skip multiprocessing's atexit join (no timeout): everything is reaped.
    sys.stdout.flush()
    os._exit(0)


class Conductor:
    """The run's event loop. It owns the workers' handles and its parts, each
    handed only what it needs: the stopper, the reaper, the fd-output reader
    and the scenario player."""

    def __init__(
        self,
        scenario: Scenario,
        events: Connection,
        commands: Connection,
        run_dir: Path,
    ) -> None:
        self.scenario = scenario
        self.events = events
        self.commands: Connection | None = commands
        self.run_dir = run_dir
        self.seq = 0  # the conductor numbers its own events (sender MAIN_ID)
        self.outbox: list[bytes] = []  # framed events, sent by flush()
        self.handles: dict[int, WorkerHandle] = {}
        # Started and not yet closed: their descriptors are the ones a forked
        # worker must close. Kept apart so a start costs O(live), not O(N).
        self.open_handles: dict[int, WorkerHandle] = {}
        self.shutting_down = False
        self.next_log_poll = 0.0
        self.next_census = 0.0
        self.handles.update(build_handles(scenario, run_dir))
        # Any worker may write raw frames: beyond what its output, marks and
        # lifecycle can need, its events are counted, not forwarded.
        self.event_cap = scenario.max_output_lines + MAX_MARKS + EVENT_CAP_SPARE
        self.stopper = Stopper(self.handles, self.emit, lambda: self.shutting_down)
        self.player = ScenarioPlayer(
            scenario,
            self.handles,
            self.emit,
            self.stopper,
            own_fds=self.own_fds,
            on_started=self._on_started,
        )
        self.reaper = Reaper(
            self.handles,
            self.emit,
            scenario.max_processes,
            self.player.stop_launching,
            run_dir / CAP_FILE,
        )
        self.fd_output = FdOutputReader(
            self.handles, self.emit, scenario.max_output_lines
        )
        self.endings = Endings(
            self.handles,
            self.emit,
            self.reaper,
            self.fd_output,
            read=self._read,
            closed=self._on_closed,
        )

    # -- events ----------------------------------------------------------------------

    def emit(self, kind: str, lane: int = MAIN_ID, /, **data: Any) -> None:
        raw = encode(kind, self.seq, time.monotonic_ns(), data)
        self.outbox.append(frame(MAIN_ID, lane, raw))
        self.seq += 1

    def flush(self) -> None:
        if self.outbox:
            batch, self.outbox = self.outbox, []
            try:
                # Bounded messages: the window decodes a message whole, and one
                # of 30 000 events (8 workers printing flat out) held its
                # thread for 400 ms.
                for i in range(0, len(batch), FLUSH_EVENTS):
                    chunk = batch[i : i + FLUSH_EVENTS]
                    self.events.send_bytes(b"".join(chunk))
            except OSError:
                self.shutting_down = True  # the session is gone

    # -- the loop -----------------------------------------------------------------

    def run(self) -> None:
        # Also in thread mode: what a thread worker forks is our child, and its
        # orphaned descendants must come back to us, not to init.
        process_tree.become_subreaper()
        process_workers = sum(not h.is_thread for h in self.handles.values())
        if process_workers:
            raise_fd_limit(process_workers)
        if any(h.is_thread for h in self.handles.values()):
            ThreadOutput.install()
            # This loop competes for the GIL with CPU-bound thread workers and
            # needs it again after every system call: at Python's 5 ms switch
            # interval two busy threads starved it for their whole run (their
            # BOOTED reached the app 1.6 s late, so they were never sampled).
            sys.setswitchinterval(THREAD_SWITCH_S)
        # Forked workers share the conductor's memory copy-on-write; a garbage
        # collection in a child writes to every tracked object's header and
        # copies those pages. Everything that exists now lives for the whole
        # run: take it out of the collector's reach (Python docs, gc.freeze).
        gc.freeze()
        self.emit(
            "run_started",
            **run_info(self.scenario),
            pid=os.getpid(),
            default_start_method=multiprocessing.get_start_method(),
            cpu_count=os.cpu_count(),
            python=sys.version.split()[0],
            platform=sys.platform,
        )
        for handle in self.handles.values():
            self.emit("lane_added", handle.spec.worker_id, **lane_of(handle.spec))
        self.flush()
        while not self._done():
            now = time.monotonic()
            self.endings.finish(now)  # first: a join may be waiting for this end
            self.player.advance(now)
            self.stopper.escalate(now)
            if now >= self.next_log_poll:
                self.fd_output.poll()
                self._report_dropped_events()
                self.endings.poll()
                self.next_log_poll = now + LOG_POLL
            if now >= self.next_census:
                self.reaper.census()
                self.next_census = now + CENSUS_POLL
            self.flush()
            if self._done():
                break
            self._wait(self._timeout(time.monotonic()))
        self.reaper.census()  # a count the cap guard wrote at the very end
        self.reaper.kill_strays()
        self.fd_output.poll()
        self.emit("run_finished")
        self.flush()

    def _done(self) -> bool:
        return (
            self.player.finished
            and all(h.finished for h in self.handles.values())
            and not self.reaper.orphans
        )

    def _timeout(self, now: float) -> float:
        deadlines = [now + LOG_POLL, self.player.next_deadline()]
        for handle in self.handles.values():
            deadlines += [d for d in (handle.stop_deadline, handle.term_deadline) if d]
            if handle.ended_at is not None and not handle.finished:
                deadlines.append(handle.ended_at + DRAIN_LIMIT)
        return max(0.0, min(d for d in deadlines if d is not None) - now)

    def _wait(self, timeout: float) -> None:
        readers: dict[Any, WorkerHandle] = {}
        sentinels: dict[Any, WorkerHandle] = {}
        for handle in self.handles.values():
            if handle.reader is not None:
                readers[handle.reader] = handle
            if handle.sentinel is not None:
                sentinels[handle.sentinel] = handle
        waitables: list[Any] = [*readers, *sentinels]
        if self.commands is not None:
            waitables.append(self.commands)
        if not waitables:  # nothing to watch (e.g. every worker ended)
            time.sleep(timeout)
            return
        ready = wait(waitables, timeout)
        # Pipes before sentinels: a worker's last events precede its end.
        for item in ready:
            if item in readers:
                self._read(readers[item])
        for item in ready:
            if item in sentinels:
                self.endings.on_process_ended(sentinels[item])
        if self.commands is not None and self.commands in ready:
            self._read_commands()

    def _read(self, handle: WorkerHandle) -> None:
        raws, broken = handle.read_events(READ_BATCH)
        wid = handle.spec.worker_id
        room = max(0, self.event_cap - handle.events_kept)
        if len(raws) > room:
            handle.events_dropped += len(raws) - room
            raws = raws[:room]
        handle.events_kept += len(raws)
        # Forwarded unread, under the worker's own id: the app checks them.
        self.outbox.extend(frame(wid, wid, raw) for raw in raws)
        if broken:
            self.emit("channel_broken", wid, error=broken)
        if handle.reader is None and handle.is_thread and handle.ended_at is None:
            handle.ended_at = time.monotonic()  # a thread's pipe closes as it ends

    def _report_dropped_events(self) -> None:
        for handle in self.handles.values():
            if handle.events_dropped != handle.events_dropped_reported:
                handle.events_dropped_reported = handle.events_dropped
                notice(
                    self.emit,
                    f"{handle.events_dropped} events dropped beyond the cap of "
                    f"{self.event_cap} for one worker",
                    "warning",
                    handle.spec.worker_id,
                )

    def _on_closed(self, handle: WorkerHandle) -> None:
        self.open_handles.pop(handle.spec.worker_id, None)

    def _on_started(self, handle: WorkerHandle) -> None:
        self.open_handles[handle.spec.worker_id] = handle

    def own_fds(self) -> list[int]:
        """Every descriptor of ours that a forked worker must close."""
        fds = [self.events.fileno()]
        if self.commands is not None:
            fds.append(self.commands.fileno())
        for handle in self.open_handles.values():
            fds += handle.open_fds()
        return fds

    # -- commands from the session ---------------------------------------------------

    def _read_commands(self) -> None:
        assert self.commands is not None
        try:
            while self.commands.poll():
                command = self.commands.recv()
                self._on_command(*command)
        except (EOFError, OSError):
            # The app died without asking: nobody will watch a graceful stop.
            self.commands = None
            self.shutting_down = True
            self.reaper.emergency_cleanup()
            self.player.stop_launching("the app closed")
            for handle in self.handles.values():
                if handle.is_thread:
                    self.stopper.abandon(handle, time.monotonic(), "app_closed")

    def _on_command(self, verb: str, ref: str = "all") -> None:
        if verb == "shutdown":
            self.shutting_down = True
            self.player.stop_launching("the run was stopped")
            verb = "stop"
        for handle in self.player.resolve(ref):
            if verb == "stop":
                self.stopper.stop(handle, "requested by the user")
            elif verb in ("terminate", "kill"):
                self.stopper.send_signal(handle, verb, "the user")
        self.flush()
