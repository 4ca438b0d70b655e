"""The tracer's conductor: a process that runs the user's script, traced.

It takes the conductor's place for a :class:`ScriptProgram` (same pipes, same
commands, same bounded end), so the window and the CLI reuse their whole link
to it. It:

* starts the real interpreter on the real script (``python SCRIPT ARGS``,
  same cwd, stdin, stdout, stderr and environment, plus the hook folder first
  on PYTHONPATH and the collector's socket path), in the terminal's process
  group, so Ctrl+C reaches the script as it would without Procession;
* collects every traced process's events (core/tracer/collector.py) and
  forwards them to the app in batches;
* is the child subreaper of the whole tree: orphans (a resource tracker, a
  child whose parent died) re-parent here and their exit status is read here;
* ends the run: when the main program has exited and every traced process
  has closed its connection (or after a grace), it kills what is left (a
  daemonized grandchild, say) and reports it; on ``shutdown`` it sends
  SIGTERM to every live process of the tree, then SIGKILL after TERM_GRACE.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.engine import process_tree
from core.engine.process_tree import command_line
from core.model.frames import frame
from core.model.kinds import MAIN_ID, EventKind
from core.tracer.collector import Collector
from core.tracer.hook import HOOK_DIR
from core.tracer.output_relay import OutputRelay
from core.worker.wire import encode

if TYPE_CHECKING:
    from core.tracer.main_console import MainConsole
    from core.tracer.script_program import ScriptProgram

POLL = 0.05  # seconds between reaping passes while nothing is said
TERM_GRACE = 2.0
"""Seconds from SIGTERM to SIGKILL when a run is stopped: the scenarios'
grace (core.engine.stopping.TERM_GRACE, pinned equal by a test), not imported
from there because that module costs this process 12 ms before the script
can start."""
AFTER_MAIN_GRACE = 2.0
"""Seconds traced processes may outlive the main program before what is left
is killed: a resource tracker or a forkserver ends within milliseconds once
the main program has gone; a daemonized grandchild never does."""
LEFTOVER_GRACE = 0.3
"""Seconds untraced processes (no connection to wait for) get once every
traced one has ended."""
FLUSH_FRAMES = 1000
BLIND = (
    "Procession cannot see inside the main program: its interpreter never "
    "loaded the hook (started with -I, -E or -S, which ignore PYTHONPATH or "
    "skip site), so only its start, output and exit status are shown"
)


def trace_main(
    program: ScriptProgram, events: Connection, commands: Connection, run_dir: str
) -> None:
    """Process entry point (what ScriptProgram.main_entry names)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the app handles Ctrl+C
    launcher = Launcher(program, events, commands, Path(run_dir))
    try:
        launcher.run()
    finally:
        launcher.kill_tree()
        launcher.collector.close()
        launcher.output.close()
        if launcher.console is not None:
            launcher.console.close()
    sys.stdout.flush()
    os._exit(0)


class Launcher:
    def __init__(
        self,
        program: ScriptProgram,
        events: Connection,
        commands: Connection,
        run_dir: Path,
    ) -> None:
        self.program = program
        self.events = events
        self.commands: Connection | None = commands
        self.seq = 0
        self.outbox: list[bytes] = []
        self.main: subprocess.Popen[bytes] | None = None
        self.main_status: int | None = None
        self.main_ended_at: float | None = None
        self.stop_at: float | None = None
        self.kill_at: float | None = None
        self.child_ended: int | None = None  # readable when a child ended
        self.statuses: dict[int, int] = {}  # pid → status, for orphans we reaped
        self.collector = Collector(
            str(run_dir / "trace.sock"), self._main_pid, self.emit
        )
        self.output = OutputRelay(
            str(run_dir / "output.sock"), self.collector.lane_of_pid, self.emit
        )
        self.collector.on_reaped = self.output.drain
        self.console: MainConsole | None = None
        if program.console:  # the window's run; imported here: `re` costs the CLI
            from core.tracer.main_console import MainConsole

            self.console = MainConsole()

    def _main_pid(self) -> int | None:
        return None if self.main is None else self.main.pid

    # -- events ----------------------------------------------------------------------

    def emit(self, kind: EventKind, lane: int, data: dict[str, Any]) -> None:
        """One event of the launcher's own, after every frame the collector
        has made so far (a lane's LANE_ADDED before its output, say)."""
        self._take_collected()
        body = encode(str(kind), self.seq, time.monotonic_ns(), data)
        self.seq += 1
        self.outbox.append(frame(MAIN_ID, lane, body))

    def _take_collected(self) -> None:
        collector = getattr(self, "collector", None)  # None while it is built
        if collector is not None:
            self.outbox.extend(collector.take_frames())

    def flush(self) -> None:
        self._take_collected()
        while self.outbox:
            batch, self.outbox = self.outbox[:FLUSH_FRAMES], self.outbox[FLUSH_FRAMES:]
            with contextlib.suppress(OSError):
                self.events.send_bytes(b"".join(batch))

    # -- the run ---------------------------------------------------------------------

    def run(self) -> None:
        process_tree.become_subreaper()
        self._wake_on_child_exit()
        t0 = time.monotonic_ns()
        terminal = self.console.slave if self.console is not None else None
        try:
            self.main = subprocess.Popen(
                self.program.command(),
                env=self._environment(),
                cwd=self.program.cwd,
                # In the window, the keyboard is the console's input line (not
                # the terminal the app may have been started from).
                stdin=terminal,
                stdout=terminal,
                stderr=terminal,
                preexec_fn=None if self.program.sigint_ignored else _default_sigint,
            )
        except OSError as error:
            self._run_started(t0, None)
            self.emit(EventKind.NOTICE, MAIN_ID, {"level": "error", "text": str(error)})
            self.emit(EventKind.RUN_FINISHED, MAIN_ID, {})
            self.flush()
            return
        self._run_started(t0, self.main.pid)
        if self.console is not None:
            self.console.started()
        self.flush()
        while not self._finished():
            self._wait()
            self.collector.poll()
            self.output.poll()
            self._read_console()
            self._reap()
            self._commands()
            self._escalate()
            self.flush()
        self._report_leftovers()
        self.emit(EventKind.RUN_FINISHED, MAIN_ID, {})
        self.flush()

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        # The conductor's own run token etc. stay; Procession's import path
        # does not: the script sees the PYTHONPATH it was given, plus the hook.
        rest = env.get("PYTHONPATH", "")
        env["PYTHONPATH"] = HOOK_DIR + (os.pathsep + rest if rest else "")
        env["PROCESSION_TRACE_SOCKET"] = str(self.collector.listener.getsockname())
        env["PROCESSION_TRACE_MAIN"] = "1"
        terminal = self.console.identity() if self.console is not None else ""
        env["PROCESSION_TRACE_OUTPUT"] = self.output.identity(terminal)
        if self.program.start_method:
            env["PROCESSION_TRACE_START_METHOD"] = self.program.start_method
        return env

    def _read_console(self, finish: bool = False) -> None:
        if self.console is not None:
            lines = self.console.finish() if finish else self.console.read()
            if self.main is not None and self.main_status is None:  # waits?
                lines += self.console.prompt(self.main.pid)
            self.output.main_lines(lines)

    def _run_started(self, t0: int, pid: int | None) -> None:
        info = self.program.run_info()
        body = encode(str(EventKind.RUN_STARTED), self.seq, t0, {**info, "pid": pid})
        self.seq += 1
        self.outbox.append(frame(MAIN_ID, MAIN_ID, body))

    def _wait(self) -> None:
        readable: list[Any] = [self.collector.fileno(), *self.collector.sockets()]
        readable += self.output.sockets()
        if self.console is not None:
            readable.append(self.console.master)
        if self.commands is not None:
            readable.append(self.commands)
        if self.child_ended is not None:
            readable.append(self.child_ended)
        with contextlib.suppress(InterruptedError, ValueError, OSError):
            select.select(readable, [], [], POLL)
        if self.child_ended is not None:
            with contextlib.suppress(OSError):
                os.read(self.child_ended, 4096)

    def _wake_on_child_exit(self) -> None:
        """A child's end wakes the wait at once (its socket may close a moment
        before it can be reaped: without this the end waited for POLL)."""
        read_end, write_end = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # reset by exec in children
        self.child_ended = read_end

    def _finished(self) -> bool:
        if self.main_status is None:
            return False
        assert self.main_ended_at is not None
        waited = time.monotonic() - self.main_ended_at
        if self.collector.open_peers() == 0 and self.output.open_streams() == 0:
            return waited >= LEFTOVER_GRACE or not self._live_tree()
        return waited >= AFTER_MAIN_GRACE

    # -- exit statuses ----------------------------------------------------------------

    def _reap(self) -> None:
        """Reap our children: the main program, and orphans re-parented here."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            code = os.waitstatus_to_exitcode(status)
            if self.main is not None and pid == self.main.pid:
                self.main.returncode = code  # keep Popen from waiting again
                self._main_exited(code)
            else:
                self.statuses[pid] = code
                self.collector.witness.forget(pid)
                lane = self.collector.lane_of_pid.get(pid)
                if lane is not None and lane not in self.collector.exited:
                    self._exited(lane, code)

    def _main_exited(self, code: int) -> None:
        self.main_status = code
        self.main_ended_at = time.monotonic()
        self.collector.poll()  # its last words come before its end
        self._read_console()
        if self.main is not None and not self.collector.connected(self.main.pid):
            self.emit(EventKind.NOTICE, MAIN_ID, {"level": "warning", "text": BLIND})
        self.emit(EventKind.EXITED, MAIN_ID, {"exitcode": code})

    def _exited(self, lane: int, code: int | None) -> None:
        self.collector.poll()
        self.collector.exited.add(lane)
        ended = self.collector.ended_ns(lane)
        self.emit(EventKind.EXITED, lane, {"exitcode": code, "ended_ns": ended})

    def _live_tree(self) -> list[int]:
        """Every live descendant of this process (orphans re-parent here)."""
        found: list[int] = []
        todo = [os.getpid()]
        while todo:
            for pid, state, _ in process_tree.children(todo.pop()):
                if state != "Z" and pid not in found:
                    found.append(pid)
                    todo.append(pid)
        return found

    def _report_leftovers(self) -> None:
        left = [pid for pid in self._live_tree() if pid not in self.statuses]
        if left:
            names = ", ".join(f"{pid} ({command_line(pid)})" for pid in left[:10])
            text = (
                f"{len(left)} process(es) still ran after the program ended and "
                f"were killed: {names}"
            )
            self.emit(EventKind.NOTICE, MAIN_ID, {"level": "warning", "text": text})
            by = "Procession (left running after the program ended)"
            self._signal_all(signal.SIGKILL, "kill", by)
        deadline = time.monotonic() + 1.0
        while self._live_tree() and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.01)
        self._reap()
        self.collector.poll()
        self._read_console(finish=True)
        self.output.finish()
        if self.collector.damaged:
            text = (
                f"{self.collector.damaged} message(s) from the traced processes "
                "could not be read (not the tracer's format, or about a process "
                "nobody announced) and were left out"
            )
            self.emit(EventKind.NOTICE, MAIN_ID, {"level": "warning", "text": text})
        for lane, pid in self.collector.pid_of_lane.items():
            if lane != MAIN_ID and lane not in self.collector.exited:
                # Reaped by a parent that died before saying the status (a
                # Stop's SIGTERM): the kernel still has it.
                status = (
                    self.statuses[pid]
                    if pid in self.statuses
                    else self.collector.witness.status(pid)
                )
                self._exited(lane, status)
        for lane in self.collector.lane_of_uid.values():
            local = lane in self.collector.local_lanes  # ended with their process
            if lane not in self.collector.pid_of_lane and not local:
                error = (
                    "start() never completed: the run was stopped first"
                    if self.stop_at is not None
                    else "start() never completed: not called, or it raised in "
                    "the process that created it (see that lane's error)"
                )
                self.emit(EventKind.START_FAILED, lane, {"error": error})

    # -- stopping ----------------------------------------------------------------------

    def _commands(self) -> None:
        while self.commands is not None:
            try:
                if not self.commands.poll():
                    return
                verb, ref = self.commands.recv()
            except (EOFError, OSError):
                self.commands = None  # the app is gone: end the run
                verb, ref = "kill", ""
            if verb in ("stop", "shutdown", "terminate") and self.stop_at is None:
                self.stop_at = time.monotonic()
                self._signal_all(signal.SIGTERM, "terminate")
                self.kill_at = self.stop_at + TERM_GRACE
            elif verb == "kill":
                self.kill_at = time.monotonic()
            elif verb == "input" and self.console is not None:
                self.console.type_line(str(ref))
            elif verb == "end_input" and self.console is not None:
                self.console.end_input()

    def _escalate(self) -> None:
        if self.kill_at is not None and time.monotonic() >= self.kill_at:
            self.kill_at = None
            self._signal_all(signal.SIGKILL, "kill")

    def _signal_all(
        self,
        sig: signal.Signals,
        action: str,
        by: str = "Procession (the run was stopped)",
    ) -> None:
        """Signal every live process of the tree, each on its lane (a process
        nobody announced gets an untracked lane first: nothing is hidden)."""
        for pid in self._live_tree():
            lane = self.collector.lane_of_pid.get(pid)
            if pid == self._main_pid():
                lane = MAIN_ID
            elif lane is None:
                lane = self.collector.add_untracked(
                    pid,
                    process_tree.parent_of(pid),
                    f"pid {pid} ({command_line(pid)})",
                )
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
                data = {"signal": sig.name, "action": action, "by": by}
                self.emit(EventKind.SIGNAL_SENT, lane, data)

    def kill_tree(self) -> None:
        for pid in self._live_tree():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


def _default_sigint() -> None:
    """The script's Ctrl+C as in a plain run: this process ignores SIGINT, and
    an ignored signal stays ignored across exec (Python would then install no
    KeyboardInterrupt handler at all). Safe as a preexec_fn: no thread here."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
