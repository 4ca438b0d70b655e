"""What a detector reports, and the small readings of the model they share."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from core.model.events import Event
from core.model.lanes import Lane
from core.model.run_model import RunModel

DOCS = "https://docs.python.org/3/library/multiprocessing.html#"
"""Every hazard links to the section of the Python documentation about it."""


@dataclass(frozen=True)
class Hazard:
    """One trap found in a run: where, what, why, and how to avoid it."""

    kind: str
    """A stable name ("daemon_ended_at_exit"), for JSON and tests."""
    title: str
    text: str
    """One short paragraph in plain words: what happened and why it matters."""
    fix: str
    doc: str
    """The anchor in the multiprocessing documentation (``DOCS`` + anchor),
    or a whole address for another page of the Python documentation."""
    lane: int
    """The lane the badge goes on."""
    at: float
    """When it was detected, seconds from the run's start."""
    lanes: tuple[int, ...] = ()
    """Every lane the evidence names (``lane`` first)."""
    evidence: tuple[str, ...] = ()
    """Short facts with times, one per line."""
    site: str = ""
    """``file:line`` of the user's code, when the events carry it."""

    @property
    def url(self) -> str:
        return self.doc if self.doc.startswith("https://") else DOCS + self.doc


def seconds(t: float) -> str:
    return f"{t:.2f} s"


def site_of(data: Any) -> str:
    """The user's ``file:line`` a call event carries (traced programs only)."""
    site = getattr(data, "site", "")
    return site if isinstance(site, str) else ""


CALL_KINDS = frozenset(
    {
        "start_called",
        "join_called",
        "join_returned",
        "exited",
        "is_alive",
        "booted",
        "signal_sent",
    }
)
"""The kinds detectors look up per lane (values: kinds newer than this code's
EventKind, such as a traced program's is_alive, are matched too)."""


class _Index:
    """The call events of a model per (lane, kind), extended as events arrive,
    so that running every detector on every refresh of a live run stays cheap."""

    def __init__(self) -> None:
        self.seen = 0
        self.by_lane: dict[tuple[int, str], list[Event]] = {}

    def update(self, events: list[Event]) -> None:
        if len(events) < self.seen:  # a replay stepped back: start over
            self.seen, self.by_lane = 0, {}
        for event in events[self.seen :]:
            kind = str(event.kind)
            if kind in CALL_KINDS:
                self.by_lane.setdefault((event.lane, kind), []).append(event)
        self.seen = len(events)


_INDEXES: WeakKeyDictionary[RunModel, _Index] = WeakKeyDictionary()


def events_about(model: RunModel, lane: Lane, *kinds: str) -> Iterator[Event]:
    """The events of these kinds (``CALL_KINDS``) about one lane, in order."""
    index = _INDEXES.get(model)
    if index is None:
        index = _INDEXES[model] = _Index()
    index.update(model.events)
    for kind in kinds:
        yield from index.by_lane.get((lane.worker_id, kind), ())


def first_site(model: RunModel, lane: Lane, kind: str) -> str:
    """The user's line of the first call of this kind about a lane."""
    return next((site_of(e.data) for e in events_about(model, lane, kind)), "")


def text_of(lane: Lane) -> str:
    """Everything a lane said in words: its error report and its output."""
    parts = [line.text for line in lane.output]
    report = lane.report
    if report is not None and hasattr(report, "message"):
        parts.append(f"{getattr(report, 'type', '')}: {report.message}")
        parts.append(getattr(report, "traceback", ""))
    parts.append(lane.log_tail)
    return "\n".join(parts)


def code_end(model: RunModel, lane: Lane) -> float | None:
    """When a lane's own code was done: the main program's last line, or a
    worker's target ending (it may still wait for its children after)."""
    if lane.kind == "main":
        return model.main_finished
    return lane.times.get("target_ended", lane.times.get("exited"))


def who(lane: Lane) -> str:
    """A lane's name as a sentence's subject ("The main program", "worker-1")."""
    return "The main program" if lane.kind == "main" else lane.name


def whom(lane: Lane) -> str:
    """The same inside a sentence ("the main program", "worker-1")."""
    return "the main program" if lane.kind == "main" else lane.name
