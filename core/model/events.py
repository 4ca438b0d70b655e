"""The event protocol: everything Procession knows about a run arrives as an Event.

Events are produced in three places and merged into one ordered stream per run:

* the **worker** (``core/worker/bootstrap.py``) reports what only it can see:
  that its code booted, that the target started, returned or raised, and what it
  printed. Each worker numbers its own events with a contiguous ``seq``
  starting at 0, so a gap is visible (DESIGN §4 promise 3).
* the **conductor** (``core/engine/conductor.py``) plays the main program and reports
  what the parent sees: start() and join() calls, signals it sent, and the exit
  status the OS returned.
* the **monitor** (``core/engine/monitor.py``) adds psutil samples.

Timestamps are ``time.monotonic_ns()`` taken by the sender. CLOCK_MONOTONIC is
system-wide on Linux, macOS and Windows CPython, so times from different
processes can be compared directly.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from core.worker.wire import MAX_EVENT_BYTES, encode

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:  # typing costs ~2 ms at run time, in every spawn worker
    from typing import Any

MAIN_ID = 0
"""Worker id of the main program's lane (the conductor)."""

__all__ = [
    "MAIN_ID",
    "MAX_EVENT_BYTES",
    "WORKER_KINDS",
    "Event",
    "EventKind",
    "decode",
    "encode",
]


class EventKind(StrEnum):
    """What happened. Values are stable strings: they are stored in recordings."""

    # --- main program (conductor) --------------------------------------------
    RUN_STARTED = "run_started"
    """The main program began. Payload: pid, mode, start_method, cpu_count, python."""
    START_CALLED = "start_called"
    """The main program called ``start()`` on this worker."""
    START_RETURNED = "start_returned"
    """``start()`` returned. Payload: pid (processes) or ident (threads)."""
    START_FAILED = "start_failed"
    """``start()`` raised; the worker never ran. Payload: error."""
    JOIN_CALLED = "join_called"
    """The main program entered ``join()`` on this worker. Payload: timeout."""
    JOIN_RETURNED = "join_returned"
    """``join()`` returned. Payload: timed_out (True if the worker still runs)."""
    STOP_REQUESTED = "stop_requested"
    """The cooperative stop flag was raised. Payload: reason."""
    SIGNAL_SENT = "signal_sent"
    """A signal was sent to the worker (or its process group). Payload: signal,
    action (terminate, kill, escalate, daemon_cleanup, shutdown), by, group."""
    EXITED = "exited"
    """The OS reported the worker's end. Payload: exitcode (None for threads),
    log_tail (fd-level stderr, e.g. a faulthandler dump), cleaned_up (descendants
    killed after it ended), still_running (a thread that ignored stop)."""
    CHANNEL_BROKEN = "channel_broken"
    """The worker's event pipe ended in the middle of a message (it was killed
    while sending). Payload: error."""
    NOTICE = "notice"
    """Something a person should read. Payload: level (info, warning, error), text."""
    MAIN_FINISHED = "main_finished"
    """The main program's own code is done (all starts and joins it makes)."""
    RUN_FINISHED = "run_finished"
    """Every worker has its final state; the conductor is about to exit."""
    # --- worker ---------------------------------------------------------------
    BOOTED = "booted"
    """The worker's first own line ran. Payload: pid, ppid, tid, start_method."""
    TARGET_STARTED = "target_started"
    """The target function was called. Payload: target, args."""
    TARGET_RETURNED = "target_returned"
    """The target returned. Payload: value (its repr, shortened)."""
    TARGET_RAISED = "target_raised"
    """The target raised. Payload: type, message, traceback."""
    TARGET_EXITED = "target_exited"
    """The target called ``sys.exit()``. Payload: code (repr), exitcode."""
    OUTPUT = "output"
    """One line the worker printed. Payload: stream (stdout, stderr), text."""
    OUTPUT_DROPPED = "output_dropped"
    """Lines beyond the capture cap were counted, not kept. Payload: count."""
    MARK = "mark"
    """A user mark sent from target code with ``core.worker.target_api.mark()``.
    Payload: label, data."""
    EVENT_UNSERIALIZABLE = "event_unserializable"
    """An event could not be serialised; it was replaced by this. Payload: kind,
    error."""
    EVENT_TOO_LARGE = "event_too_large"
    """An event was larger than the cap; it was replaced by this. Payload: kind,
    size, limit."""
    # --- session / monitor ----------------------------------------------------
    SAMPLE = "sample"
    """A psutil reading. Payload: cpu, rss, threads, status, children."""
    CONDUCTOR_LOST = "conductor_lost"
    """The conductor process died before finishing the run. Payload: exitcode."""


WORKER_KINDS = frozenset(
    {
        EventKind.BOOTED,
        EventKind.TARGET_STARTED,
        EventKind.TARGET_RETURNED,
        EventKind.TARGET_RAISED,
        EventKind.TARGET_EXITED,
        EventKind.OUTPUT,
        EventKind.OUTPUT_DROPPED,
        EventKind.MARK,
        EventKind.EVENT_UNSERIALIZABLE,
        EventKind.EVENT_TOO_LARGE,
    }
)
"""Kinds a worker numbers itself: their ``seq`` must be contiguous per worker."""


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened to one lane."""

    kind: EventKind
    worker_id: int
    seq: int
    t_ns: int
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_row(self) -> list[Any]:
        """A JSON-friendly row for recordings."""
        return [str(self.kind), self.worker_id, self.seq, self.t_ns, dict(self.data)]

    @classmethod
    def from_row(cls, row: Any) -> Event:
        """Inverse of :meth:`to_row`; raises ValueError on anything malformed."""
        if not isinstance(row, list) or len(row) != 5:
            raise ValueError("an event must be a list of 5 items")
        kind, worker_id, seq, t_ns, data = row
        for name, value in (("worker_id", worker_id), ("seq", seq), ("t_ns", t_ns)):
            if type(value) is not int:
                raise ValueError(f"event {name} must be an integer")
        if not isinstance(data, dict):
            raise ValueError("event data must be an object")
        try:
            event_kind = EventKind(kind)
        except ValueError:
            raise ValueError(f"unknown event kind {kind!r}") from None
        return cls(event_kind, worker_id, seq, t_ns, data)


def decode(worker_id: int, raw: bytes) -> Event:
    """Inverse of :func:`encode` for a given lane."""
    kind, seq, t_ns, data = pickle.loads(raw)
    return Event(EventKind(kind), worker_id, seq, t_ns, data)
