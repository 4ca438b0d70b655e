"""The built-in targets themselves: what a worker process or thread runs.

Module-level functions, so spawn and forkserver can import them by name; their
schemas (arguments, bounds, help) are in :mod:`core.scenario.target_catalog`.
Every spawn worker imports this module before its first line, so it imports only what
multiprocessing already loaded (no dataclasses, no typing): each millisecond
here is a millisecond added to the start time a class is shown. Targets
cooperate with Stop through :mod:`core.worker.target_api` unless their point is not to
(``ignore_sigterm``).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time

from core.worker import target_api

TYPE_CHECKING = False  # see core/worker/__init__.py
if TYPE_CHECKING:
    from typing import Any


def noop() -> None:
    """Return at once: what is left is the pure cost of a process or thread."""


def sleep(seconds: float = 1.0) -> str:
    """The tutorial's ``do_something``: print, sleep, print."""
    print("I'm going to sleep")
    if target_api.sleep(seconds):
        print("Woken up early: stop was requested")
        return "stopped early"
    print("I'm awake")
    return "done sleeping"


def busy(seconds: float = 1.0) -> int:
    """Burn CPU for ``seconds`` of wall time; returns the loop count."""
    loops = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end and not target_api.stop_requested():
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
        if target_api.stop_requested():
            return max(n, 0)
    return 0


def raise_error(exception: str = "NameError", message: str = "", after: float = 0.0):  # type: ignore[no-untyped-def]
    """Raise an exception. The default is the tutorial's real bug."""
    target_api.sleep(after)
    if exception == "NameError" and not message:
        # The tutorial's bug, on purpose: `name` is defined nowhere. This line
        # is shown in class inside the traceback, so it carries no linter
        # comments (pyproject.toml silences them for this file).
        print(f"Hello {name}")
    if exception == "ZeroDivisionError" and not message:
        return 1 / 0
    error_type = EXCEPTIONS[exception]
    raise error_type(message or f"{exception} raised on purpose")


EXCEPTIONS: dict[str, type[BaseException]] = {
    "NameError": NameError,
    "ValueError": ValueError,
    "RuntimeError": RuntimeError,
    "ZeroDivisionError": ZeroDivisionError,
    "KeyError": KeyError,
    "KeyboardInterrupt": KeyboardInterrupt,
}


def exit_with(code: int = 3, message: str = "", after: float = 0.0) -> None:
    """Call ``sys.exit(code)``, or ``sys.exit(message)`` when a message is given."""
    target_api.sleep(after)
    sys.exit(message if message else code)


def forever() -> str:
    """Loop until asked to stop (cooperatively) or ended by a signal."""
    while not target_api.sleep(0.1):
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
    target_api.sleep(after)
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
    target_api.sleep(seconds)
    return len(block)


def print_lines(count: int = 10, interval: float = 0.1, stream: str = "stdout") -> int:
    """Print ``count`` numbered lines, one every ``interval`` seconds."""
    out = sys.stderr if stream == "stderr" else sys.stdout
    for i in range(1, count + 1):
        print(f"line {i} of {count}", file=out)
        if interval and target_api.sleep(interval):
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
            import subprocess  # only here: most workers never start a child

            popen = subprocess.Popen(
                [sys.executable, "-c", f"import time; time.sleep({child_seconds!r})"]
            )
            pids.append(popen.pid)
            waiters.append(popen.wait)
    print(f"started {count} {how} children: {pids}")
    if then == "wait":
        target_api.sleep(child_seconds)
    return pids
