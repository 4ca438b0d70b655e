"""The worker bootstrap: the first code of Procession that runs in a worker.

Process mode, in order (the order matters):

1. ``os.setpgrp()`` so the worker and everything it starts form one process
   group that the conductor can signal as a whole (``terminate()`` alone
   orphans grandchildren).
2. Under fork, close the conductor's descriptors this child inherited, or the
   conductor's pipes would never see EOF while this child lives.
3. Report BOOTED, then route fd 1 and 2 to a per-worker log file (a file never
   blocks the writer; the conductor tails it) with ``faulthandler`` on fd 2, and
   route Python's ``sys.stdout``/``sys.stderr`` through :class:`LineCapture` so
   each printed line becomes a timestamped event.
4. Start the lifeline watchdog: it receives "stop" from the conductor (the
   cooperative flag) and, on EOF, knows the conductor died and kills the whole
   group, so nothing outlives a killed app.
5. Run the target inside ``try/except BaseException`` and report how it ended,
   then re-raise so multiprocessing produces the real exit status.

Every event goes through :class:`EventSender`: serialised in the calling thread,
size-capped, written synchronously with ``send_bytes``. Nothing sent before an
``os._exit()`` or a crash is lost, and an unpicklable value becomes a visible
notice instead of silently vanishing (the ``multiprocessing.Queue`` failure modes
described in DESIGN §1).
"""

from __future__ import annotations

import _thread
import contextlib
import faulthandler
import importlib
import os
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection

from core.worker import target_api
from core.worker.output_capture import LineCapture, OutputBudget, ThreadOutput
from core.worker.safe_text import safe_str
from core.worker.wire import MAX_EVENT_BYTES, encode

TYPE_CHECKING = False  # see core/worker/__init__.py
if TYPE_CHECKING:
    from typing import Any

    from core.scenario.definition import WorkerSpec

TRACEBACK_LIMIT = 16 * 1024


class WorkerConfig:
    """Run-wide facts the worker needs besides its spec.

    A plain class, not a dataclass: every spawn worker unpickles one before its
    first line, and importing dataclasses would cost it several milliseconds.
    """

    __slots__ = (
        "code_dir",
        "code_module",
        "inherited_fds",
        "log_path",
        "max_output_lines",
    )

    def __init__(
        self,
        log_path: str = "",
        max_output_lines: int = 10_000,
        code_dir: str = "",
        code_module: str = "",
        inherited_fds: tuple[int, ...] = (),
    ) -> None:
        self.log_path = log_path
        self.max_output_lines = max_output_lines
        self.code_dir = code_dir
        self.code_module = code_module
        self.inherited_fds = inherited_fds
        """Conductor descriptors to close after fork (empty for spawn/forkserver)."""

    def with_inherited_fds(self, fds: tuple[int, ...]) -> WorkerConfig:
        return WorkerConfig(
            self.log_path, self.max_output_lines, self.code_dir, self.code_module, fds
        )


class EventSender:
    """Numbers, serialises and synchronously sends one worker's events."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._seq = 0
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self.broken = False

    @property
    def usable(self) -> bool:
        # A process forked by the target inherits this object; its events
        # would reuse our sequence numbers, so only the worker itself sends.
        return not self.broken and os.getpid() == self._pid

    def send(self, kind: str, data: dict[str, Any], t_ns: int | None = None) -> None:
        t_ns = t_ns or time.monotonic_ns()
        with self._lock:
            if not self.usable:
                return
            seq = self._seq
            try:
                raw = encode(kind, seq, t_ns, data)
            except Exception as error:  # anything json can raise, incl. recursion
                raw = encode(
                    "event_unserializable",
                    seq,
                    t_ns,
                    {
                        "kind": kind,
                        "error": f"{type(error).__name__}: {safe_str(error)}"[:300],
                    },
                )
            if len(raw) > MAX_EVENT_BYTES:
                raw = encode(
                    "event_too_large",
                    seq,
                    t_ns,
                    {"kind": kind, "size": len(raw), "limit": MAX_EVENT_BYTES},
                )
            self._seq += 1
            try:
                self._conn.send_bytes(raw)
            except OSError:  # the conductor is gone; the watchdog handles that
                self.broken = True

    def after_fork_in_child(self) -> None:
        self._lock = threading.Lock()


def run_process_worker(
    spec: WorkerSpec, config: WorkerConfig, events: Connection, lifeline: Connection
) -> None:
    """The ``target`` of every worker process (see the module docstring)."""
    booted_ns = time.monotonic_ns()
    if hasattr(os, "setpgrp"):
        os.setpgrp()
    for fd in config.inherited_fds:
        with contextlib.suppress(OSError):
            os.close(fd)
    sender = EventSender(events)
    sender.send("booted", _boot_facts(spec), booted_ns)
    budget = OutputBudget(sender, config.max_output_lines)
    _capture_output(config, budget)
    context = target_api.WorkerContext(spec.worker_id, spec.name, sender)
    target_api.install_process_context(context)
    # A bare thread, not threading.Thread: no start handshake (a context switch
    # each way), fewer objects touched after fork (copy-on-write faults), and
    # the target's threading.enumerate() sees only its own threads. It lives
    # like a daemon thread: nothing waits for it at exit.
    try:
        _thread.start_new_thread(_watch_lifeline, (lifeline, context))
    except RuntimeError as error:  # e.g. RLIMIT_NPROC: threads count as tasks
        # Run the target anyway, but say what is missing: Stop then acts
        # through signals only, and the session (not this worker) cleans up
        # if the conductor dies.
        print(
            f"procession: no lifeline thread ({error}; the per-user process "
            "limit, ulimit -u, counts threads): Stop will use signals only",
            file=sys.stderr,
        )
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=sender.after_fork_in_child)
    try:
        _run_target(spec, config, sender, reraise=True)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        budget.report_dropped()
        target_api.report_dropped_marks(context)


def run_thread_worker(
    spec: WorkerSpec,
    config: WorkerConfig,
    events: Connection,
    context: target_api.WorkerContext,
) -> None:
    """The body of a worker thread inside the conductor (no isolation)."""
    sender = EventSender(events)
    context.reporter = sender
    try:
        sender.send("booted", _boot_facts(spec))
        target_api.install_thread_context(context)
        budget = OutputBudget(sender, config.max_output_lines)
        ThreadOutput.register(budget)
        try:
            _run_target(spec, config, sender, reraise=False)
        finally:
            ThreadOutput.unregister()
            budget.report_dropped()
            target_api.report_dropped_marks(context)
            target_api.remove_thread_context()
    finally:
        events.close()  # EOF tells the conductor this thread has ended


def _boot_facts(spec: WorkerSpec) -> dict[str, Any]:
    return {
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "tid": threading.get_native_id(),
        "pgid": os.getpgrp() if hasattr(os, "getpgrp") else None,
        "start_method": spec.start_method if spec.mode == "process" else "thread",
    }


def _capture_output(config: WorkerConfig, budget: OutputBudget) -> None:
    if config.log_path:
        log_fd = os.open(config.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        os.close(log_fd)
        faulthandler.enable(file=2)
    sys.stdout = LineCapture(budget, "stdout", 1)
    sys.stderr = LineCapture(budget, "stderr", 2)


def _watch_lifeline(lifeline: Connection, context: target_api.WorkerContext) -> None:
    """Stop requests arrive here; EOF means the conductor is gone."""
    while True:
        try:
            message = lifeline.recv_bytes()
        except (EOFError, OSError):
            break
        if message == b"stop":
            context.stop_flag.set()
    # The conductor died (or is shutting down): take the whole group with us.
    if hasattr(os, "killpg"):
        os.killpg(0, signal.SIGKILL)
    os._exit(70)


def _load_target(spec: WorkerSpec, config: WorkerConfig) -> Any:
    if spec.target == "custom":
        if config.code_dir not in sys.path:
            sys.path.insert(0, config.code_dir)
        module = importlib.import_module(config.code_module)
        return getattr(module, spec.function)
    from core.worker import builtin_targets

    return getattr(builtin_targets, spec.target)


def _run_target(
    spec: WorkerSpec, config: WorkerConfig, sender: EventSender, reraise: bool
) -> None:
    try:
        function = _load_target(spec, config)
        sender.send("target_started", {"target": spec.target, "args": dict(spec.args)})
        value = function(**spec.args)
    except SystemExit as exit_:
        sender.send(
            "target_exited",
            {"code": repr(exit_.code)[:200], "exitcode": _exit_status(exit_.code)},
        )
        if reraise:
            raise
    except BaseException as error:
        sender.send("target_raised", _describe_error(error))
        if reraise:
            raise
        # A thread's uncaught exception is printed by threading.excepthook; say
        # the same thing on this thread's stderr.
        import traceback

        print(f"Exception in thread {spec.name}:", file=sys.stderr)
        traceback.print_exception(error, file=sys.stderr)
    else:
        sender.send("target_returned", {"value": _short_repr(value)})


def _exit_status(code: Any) -> int:
    """What the OS will report for ``sys.exit(code)`` (Linux: low 8 bits)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF if os.name == "posix" else code
    return 1


def _describe_error(error: BaseException) -> dict[str, Any]:
    import traceback  # only on an error: a worker's start should not pay for it

    lines = traceback.format_exception(error)
    # Drop our own frame: the traceback should start in the user's target.
    text = "".join(_without_bootstrap(lines))
    if len(text) > TRACEBACK_LIMIT:
        text = "…\n" + text[-TRACEBACK_LIMIT:]
    return {
        "type": type(error).__name__,
        "message": safe_str(error)[:1000],
        "traceback": text,
    }


def _without_bootstrap(lines: list[str]) -> list[str]:
    return [
        line
        for line in lines
        if "core/worker/bootstrap.py" not in line and "core\\worker.py" not in line
    ]


def _short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception as error:  # a broken __repr__ must not fail the report
        text = f"<unrepresentable {type(value).__name__}: {safe_str(error)}>"
    return text if len(text) <= 200 else text[:199] + "…"
