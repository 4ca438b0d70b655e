"""The built-in target library: what a worker can run without writing code.

Every target is a module-level function (so spawn and forkserver can import it by
name) described by a :class:`Target` with a parameter schema; the window builds
its form from the schema and scenario validation checks arguments against it.
Targets cooperate with Stop through :mod:`core.probe` unless their point is not
to (``ignore_sigterm``).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

from core import probe

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:  # typing costs ~2 ms at run time, in every spawn worker
    from typing import Any


@dataclass(frozen=True, slots=True)
class Param:
    """One argument of a target: how to edit it and what is allowed."""

    name: str
    kind: str  # "int", "float", "str", "choice"
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Target:
    """A runnable target and its schema."""

    name: str
    summary: str
    params: tuple[Param, ...] = ()
    thread_problem: str = ""
    """Why it cannot run as a thread; empty when it can."""

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


_DELAY = Param(
    "after", "float", 0.0, "seconds to wait before doing it", minimum=0, maximum=3600
)


# --- the functions ----------------------------------------------------------


def noop() -> None:
    """Return at once: what is left is the pure cost of a process or thread."""


def sleep(seconds: float = 1.0) -> str:
    """The tutorial's ``do_something``: print, sleep, print."""
    print("I'm going to sleep")
    if probe.sleep(seconds):
        print("Woken up early: stop was requested")
        return "stopped early"
    print("I'm awake")
    return "done sleeping"


def busy(seconds: float = 1.0) -> int:
    """Burn CPU for ``seconds`` of wall time; returns the loop count."""
    loops = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end and not probe.stop_requested():
        for _ in range(10_000):
            pass
        loops += 1
    return loops


def countdown(n: int = 20_000_000) -> int:
    """A fixed amount of pure-Python work: the classic GIL demonstration."""
    while n > 0:
        chunk = min(n, 100_000)
        while chunk > 0:
            chunk -= 1
        n -= 100_000
        if probe.stop_requested():
            return max(n, 0)
    return 0


def raise_error(exception: str = "NameError", message: str = "", after: float = 0.0):  # type: ignore[no-untyped-def]
    """Raise an exception. The default is the tutorial's real bug."""
    probe.sleep(after)
    if exception == "NameError" and not message:
        print(f"Hello {name}")  # type: ignore[name-defined]  # noqa: F821  the bug, on purpose
    if exception == "ZeroDivisionError" and not message:
        return 1 / 0
    error_type = _EXCEPTIONS[exception]
    raise error_type(message or f"{exception} raised on purpose")


_EXCEPTIONS: dict[str, type[BaseException]] = {
    "NameError": NameError,
    "ValueError": ValueError,
    "RuntimeError": RuntimeError,
    "ZeroDivisionError": ZeroDivisionError,
    "KeyError": KeyError,
    "KeyboardInterrupt": KeyboardInterrupt,
}


def exit_with(code: int = 3, message: str = "", after: float = 0.0) -> None:
    """Call ``sys.exit(code)``, or ``sys.exit(message)`` when a message is given."""
    probe.sleep(after)
    sys.exit(message if message else code)


def forever() -> str:
    """Loop until asked to stop (cooperatively) or ended by a signal."""
    while not probe.sleep(0.1):
        pass
    return "stopped"


def ignore_sigterm() -> None:
    """Ignore SIGTERM and the stop flag: only SIGKILL ends it."""
    if hasattr(signal, "SIGTERM"):
        try:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            print("SIGTERM is now ignored")
        except ValueError:  # not the main thread: signals are per process
            print("running as a thread: signals cannot be ignored per thread")
    while True:
        time.sleep(0.1)


def crash(kind: str = "segfault", after: float = 0.0) -> None:
    """Die the hard way: a segmentation fault or abort()."""
    probe.sleep(after)
    sys.stdout.flush()
    if kind == "abort":
        os.abort()
    import ctypes  # here, not at the top: every spawn worker imports this module

    ctypes.string_at(0)  # reads address 0: SIGSEGV


def allocate(mb: int = 100, seconds: float = 2.0) -> int:
    """Hold ``mb`` MiB of touched memory for ``seconds``."""
    block = bytearray(mb * 1024 * 1024)
    block[::4096] = b"\x01" * len(range(0, len(block), 4096))  # make pages resident
    print(f"holding {mb} MiB")
    probe.sleep(seconds)
    return len(block)


def print_lines(count: int = 10, interval: float = 0.1, stream: str = "stdout") -> int:
    """Print ``count`` numbered lines, one every ``interval`` seconds."""
    out = sys.stderr if stream == "stderr" else sys.stdout
    for i in range(1, count + 1):
        print(f"line {i} of {count}", file=out)
        if interval and probe.sleep(interval):
            return i
    return count


def _grandchild(seconds: float) -> None:
    time.sleep(seconds)


def spawn_children(
    count: int = 2,
    how: str = "subprocess",
    child_seconds: float = 30.0,
    then: str = "wait",
) -> list[int]:
    """Start grandchildren, then wait for them (or stop) or exit at once."""
    pids: list[int] = []
    waiters: list[Any] = []
    for _ in range(count):
        if how == "multiprocessing":
            process = multiprocessing.Process(target=_grandchild, args=(child_seconds,))
            process.start()
            pids.append(process.pid or 0)
            waiters.append(process.join)
        else:
            popen = subprocess.Popen(
                [sys.executable, "-c", f"import time; time.sleep({child_seconds!r})"]
            )
            pids.append(popen.pid)
            waiters.append(popen.wait)
    print(f"started {count} {how} children: {pids}")
    if then == "wait":
        probe.sleep(child_seconds)
    return pids


# --- the library --------------------------------------------------------------

LIBRARY: dict[str, Target] = {
    t.name: t
    for t in (
        Target(
            "sleep",
            "print, sleep, print (the tutorial's do_something)",
            (Param("seconds", "float", 1.0, "how long to sleep", 0, 3600),),
        ),
        Target(
            "busy",
            "burn CPU for a number of seconds",
            (Param("seconds", "float", 1.0, "how long to burn CPU", 0, 3600),),
        ),
        Target(
            "countdown",
            "a fixed amount of CPU work (for GIL demos)",
            (
                Param(
                    "n",
                    "int",
                    20_000_000,
                    "how many steps to count down",
                    0,
                    10_000_000_000,
                ),
            ),
        ),
        Target(
            "raise_error",
            "raise an uncaught exception",
            (
                Param(
                    "exception",
                    "choice",
                    "NameError",
                    "exception type",
                    choices=tuple(_EXCEPTIONS),
                ),
                Param("message", "str", "", "message (empty: the default bug)"),
                _DELAY,
            ),
        ),
        Target(
            "exit_with",
            "call sys.exit(code) or sys.exit(message)",
            (
                Param(
                    "code",
                    "int",
                    3,
                    "exit code (the OS keeps the low 8 bits)",
                    -1024,
                    1024,
                ),
                Param("message", "str", "", "exit with this message instead (code 1)"),
                _DELAY,
            ),
        ),
        Target("forever", "loop until stopped"),
        Target("ignore_sigterm", "ignore SIGTERM and Stop: only SIGKILL ends it"),
        Target(
            "crash",
            "segmentation fault or abort()",
            (
                Param(
                    "kind",
                    "choice",
                    "segfault",
                    "how to crash",
                    choices=("segfault", "abort"),
                ),
                _DELAY,
            ),
            thread_problem="a crash in a thread takes the whole program down "
            "(threads share one process)",
        ),
        Target(
            "allocate",
            "hold memory for a while",
            (
                Param("mb", "int", 100, "MiB to allocate", 1, 16384),
                Param("seconds", "float", 2.0, "how long to hold it", 0, 3600),
            ),
        ),
        Target(
            "print_lines",
            "print numbered lines",
            (
                Param("count", "int", 10, "how many lines", 0, 10_000_000),
                Param("interval", "float", 0.1, "seconds between lines", 0, 60),
                Param(
                    "stream",
                    "choice",
                    "stdout",
                    "where to print",
                    choices=("stdout", "stderr"),
                ),
            ),
        ),
        Target(
            "spawn_children",
            "start grandchild processes",
            (
                Param("count", "int", 2, "how many grandchildren", 1, 64),
                Param(
                    "how",
                    "choice",
                    "subprocess",
                    "how to start them",
                    choices=("subprocess", "multiprocessing"),
                ),
                Param(
                    "child_seconds",
                    "float",
                    30.0,
                    "how long each grandchild lives",
                    0,
                    3600,
                ),
                Param(
                    "then",
                    "choice",
                    "wait",
                    "wait for them, or exit at once",
                    choices=("wait", "exit"),
                ),
            ),
            thread_problem="grandchildren of a thread belong to the whole program",
        ),
        Target("noop", "return at once (measures pure start cost)"),
    )
}

CUSTOM = "custom"
"""The target name for user code given in the scenario."""
