"""What target code may call while it runs inside Procession.

A worker is either a whole process or a thread inside the conductor, so the
per-worker context is kept per thread, with a process-wide fallback that the
process bootstrap installs for every thread of its process (including threads
the target starts itself).

    from core.worker.target_api import stop_requested, sleep, mark

``stop_requested()`` is the cooperative stop flag: Stop raises it first and only
escalates to signals when the worker does not react. ``sleep()`` is
``time.sleep`` that wakes up early when stop is requested. ``mark()`` puts a
labelled marker on the worker's lane.
"""

from __future__ import annotations

import threading
import time

from core.worker.wire import plain_dict

TYPE_CHECKING = False  # see core/worker/__init__.py
if TYPE_CHECKING:
    from typing import Any, Protocol

    class Reporter(Protocol):
        def send(self, kind: str, data: dict[str, Any]) -> None: ...


class WorkerContext:
    """One worker's identity, event sender and cooperative stop flag.

    A plain class (not a dataclass): spawn workers import this module before
    their first line, and dataclasses would add milliseconds to every start.
    """

    __slots__ = ("marks", "marks_dropped", "name", "reporter", "stop_flag", "worker_id")

    def __init__(self, worker_id: int, name: str, reporter: Reporter | None) -> None:
        self.worker_id = worker_id
        self.name = name
        self.reporter = reporter
        self.stop_flag = threading.Event()
        self.marks = 0  # sent
        self.marks_dropped = 0  # beyond MAX_MARKS: counted, not sent


_process_context: WorkerContext | None = None
_thread_contexts: dict[int, WorkerContext] = {}


def install_process_context(context: WorkerContext) -> None:
    """Make ``context`` the worker context of every thread in this process."""
    global _process_context
    _process_context = context


def install_thread_context(context: WorkerContext) -> None:
    """Make ``context`` the worker context of the calling thread only."""
    _thread_contexts[threading.get_ident()] = context


def remove_thread_context() -> None:
    _thread_contexts.pop(threading.get_ident(), None)


def current() -> WorkerContext | None:
    """The calling worker's context, or None outside Procession."""
    return _thread_contexts.get(threading.get_ident(), _process_context)


def stop_requested() -> bool:
    """True once the main program asked this worker to stop cooperatively."""
    context = current()
    return context is not None and context.stop_flag.is_set()


def sleep(seconds: float) -> bool:
    """Sleep, but return early (True) when stop is requested."""
    context = current()
    if context is None:
        time.sleep(seconds)
        return False
    return context.stop_flag.wait(seconds)


MAX_MARKS = 10_000
"""Marks one worker sends; later ones are counted, and the count is shown. A
million marks would otherwise cost the app hundreds of MB (issue 9)."""
DROPPED_REPORT_EVERY = 100_000


def mark(label: str, **data: Any) -> None:
    """Put a marker with ``label`` on this worker's lane (no-op outside)."""
    context = current()
    if context is None or context.reporter is None:
        return
    if context.marks < MAX_MARKS:
        context.marks += 1
        context.reporter.send(
            "mark", {"label": str(label)[:200], "data": plain_dict(data)}
        )
        return
    context.marks_dropped += 1
    if context.marks_dropped % DROPPED_REPORT_EVERY == 1:
        report_dropped_marks(context)


def report_dropped_marks(context: WorkerContext) -> None:
    """Say how many marks the cap dropped (a marker itself, so the count keeps
    the worker's own event numbering): at the first drop, every
    DROPPED_REPORT_EVERY, and when the worker ends."""
    if context.marks_dropped and context.reporter is not None:
        context.reporter.send(
            "mark",
            {
                "label": f"marks capped at {MAX_MARKS}: "
                f"{context.marks_dropped} dropped",
                "data": {"dropped": context.marks_dropped},
            },
        )
