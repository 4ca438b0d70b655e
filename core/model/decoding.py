"""Bytes from the conductor → events, trusting nothing in them.

Workers run user code, and in thread mode so does the conductor, so every byte
that reaches the app is data from a program we do not control. It is decoded as
JSON (never pickle: unpickling runs code) and checked field by field; whatever
fails becomes one ``EVENT_DAMAGED`` event on that frame's lane, and the run
goes on. Nothing here raises.

A batch is frames laid end to end, each a header ``(sender, lane, size)`` and
``size`` bytes of JSON ``[kind, seq, t_ns, data]``. The conductor writes the
header: a worker's bytes are forwarded with sender = lane = that worker, so a
worker cannot speak for another lane, and it may send only its own kinds
(``WORKER_KINDS``): no worker reports its own exit.

A traced program's processes (core/tracer) are framed by the tracer's
collector with sender = the process's own lane (``TRACED_MAIN`` for the main
program, whose lane is ``MAIN_ID``). With a :class:`Lineage` the rule is: a
traced process may speak about itself (``WORKER_KINDS``; the main program
also ``MAIN_SELF_KINDS``) and about the lanes it created (``CHILD_KINDS``,
after its own ``LANE_ADDED`` for them, with itself or one of its threads as
parent and caller; about its thread lanes also ``WORKER_KINDS``),
never about another lane, and never about the run (only the conductor, sender
``MAIN_ID``, starts or ends it).
"""

from __future__ import annotations

import time
from typing import Any

from core.model.events import Event
from core.model.frames import HEADER as HEADER  # re-exported: the wire layout
from core.model.frames import frame as frame
from core.model.kinds import (
    CHILD_KINDS,
    MAIN_ID,
    MAIN_SELF_KINDS,
    SESSION_ID,
    TRACED_MAIN,
    WORKER_KINDS,
    EventKind,
)
from core.model.payload_codec import payload_from_dict
from core.model.payloads import Damaged, LaneAdded, Payload
from core.worker.wire import decode


class Lineage:
    """Which lane created which, as traced senders announced them: the state
    the trust rule for traced programs needs, kept for one run."""

    def __init__(self) -> None:
        self.creator: dict[int, int] = {}
        self.threads: set[int] = set()
        """Thread lanes: their process also speaks for them as for itself
        (its threads run inside it: run() started, raised, returned)."""

    def check(self, sender: int, lane: int, kind: EventKind, data: Payload) -> None:
        """Raise ValueError if ``sender`` may not send ``kind`` about ``lane``."""
        own = MAIN_ID if sender == TRACED_MAIN else sender
        if lane == own:
            if (
                kind in WORKER_KINDS
                or kind is EventKind.NOTICE
                or (sender == TRACED_MAIN and kind in MAIN_SELF_KINDS)
            ):
                return
            raise ValueError(f"a traced process may not send {kind} about itself")
        thread = lane in self.threads and self.creator.get(lane) == own
        if kind in WORKER_KINDS and thread:
            return
        if kind not in CHILD_KINDS:
            raise ValueError(f"a traced process may not send {kind} about lane {lane}")
        caller = getattr(data, "caller", own)
        if caller != own and not (
            caller in self.threads and self.creator.get(caller) == own
        ):
            raise ValueError("a traced process may not name another lane as caller")
        if isinstance(data, LaneAdded):
            if data.parent != own or lane <= MAIN_ID:
                raise ValueError("a traced process may add only its own children")
            if self.creator.setdefault(lane, own) != own:
                raise ValueError(f"lane {lane} belongs to another process")
            if data.kind == "thread":
                self.threads.add(lane)
            else:
                self.threads.discard(lane)
            return
        if self.creator.get(lane) != own:
            raise ValueError(
                "a traced process may speak only about itself and the lanes "
                f"it created, not lane {lane}"
            )


def decode_batch(message: bytes, lineage: Lineage | None = None) -> list[Event]:
    """Every event of one batch, damaged ones included, in order. With a
    ``lineage`` (a traced program's run), non-conductor senders follow the
    traced rule above; without one, the workers' rule."""
    out: list[Event] = []
    position, end = 0, len(message)
    while position < end:
        if end - position < HEADER.size:
            out.append(damaged(MAIN_ID, "a truncated frame header", end - position))
            break
        sender, lane, size = HEADER.unpack_from(message, position)
        position += HEADER.size
        if size > end - position:
            out.append(damaged(lane, "a frame longer than its batch", size))
            break
        raw = message[position : position + size]
        out.append(decode_event(sender, lane, raw, lineage))
        position += size
    return out


def decode_event(
    sender: int, lane: int, raw: bytes, lineage: Lineage | None = None
) -> Event:
    try:
        row = decode(raw)
        return _checked(sender, lane, row, lineage)
    except (ValueError, TypeError, RecursionError) as error:
        # UnicodeDecodeError and JSONDecodeError are ValueErrors.
        return damaged(lane, _short(error), len(raw))


def _checked(sender: int, lane: int, row: Any, lineage: Lineage | None) -> Event:
    if type(row) is not list or len(row) != 4:
        raise ValueError("an event must be a list of 4 items")
    kind_text, seq, t_ns, data = row
    if type(kind_text) is not str:
        raise ValueError("the event kind must be a string")
    kind = _KINDS.get(kind_text)
    if kind is None:
        raise ValueError(f"unknown event kind {kind_text[:40]!r}")
    if sender != MAIN_ID and lineage is None and kind not in WORKER_KINDS:
        raise ValueError(f"a worker may not send {kind}")
    if type(seq) is not int or type(t_ns) is not int or seq < 0:
        raise ValueError("seq and t_ns must be integers")
    if type(data) is not dict:
        raise ValueError("event data must be an object")
    payload = payload_from_dict(kind, data)
    if sender != MAIN_ID and lineage is not None:
        lineage.check(sender, lane, kind, payload)
    return Event(kind, lane, sender, seq, t_ns, payload)


_KINDS = {kind.value: kind for kind in EventKind}  # faster than EventKind(text)


def damaged(lane: int, error: str, size: int) -> Event:
    return Event(
        EventKind.EVENT_DAMAGED,
        lane,
        SESSION_ID,
        -1,
        time.monotonic_ns(),
        Damaged(error=error, size=size),
    )


def _short(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text if len(text) <= 300 else text[:299] + "…"
