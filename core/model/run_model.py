"""The run model: events folded into lanes of state segments. Pure, no I/O.

The window, the command-line summary and every exporter read this one model,
so a recording replayed through it renders exactly as the live run did.

The model knows nothing of scenarios: lanes are born from events. ``LANE_ADDED``
announces a lane (at any moment of a run: a worker may start workers of its
own), ``RUN_STARTED`` carries the run's metadata (``info``), and call events
name the lane that made the call. Worker lane: created → starting (start()
called; interpreter booting and unpickling) → running (target executing) →
exiting (target done; interpreter shutting down) → exited (ended, not joined)
→ joined. The main program's lane: running → joining (inside join()) → running
… → finished.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from core.model import payloads as p
from core.model.events import MAIN_ID, Event, EventKind
from core.model.handlers import HANDLERS, finish
from core.model.lanes import TERMINAL, Lane, Marker, OutputLine, Segment, State

UNANNOUNCED_LIMIT = 256
"""Lanes created for events whose lane was never announced; beyond this the
events are counted on the main lane (damaged headers cannot grow memory)."""

__all__ = [
    "TERMINAL",
    "Lane",
    "Marker",
    "OutputLine",
    "RunModel",
    "Segment",
    "State",
]


class RunModel:
    """Apply events with :meth:`apply`; read lanes, times and outcomes.

    ``preview``: what the run will announce (RUN_STARTED for its title and
    LANE_ADDED for its lanes), to show before the run starts: a lesson opens
    on its lanes. Nothing starts; the run announces them again.
    ``source``: the program's own description (a scenario as a dict), kept
    only so that a recording can reopen it in the editor.
    ``code``: a traced script's text, kept for the same reason (a recording
    carries it as data; reopening shows it and never runs it).
    """

    def __init__(
        self, preview: Iterable[Event] = (), source: dict[str, Any] | None = None
    ) -> None:
        self.lanes: dict[int, Lane] = {MAIN_ID: Lane(MAIN_ID, "main program", "main")}
        self.source = source
        self.code: str | None = None
        self.events: list[Event] = []
        self.t0_ns: int | None = None
        self.info = p.RunStarted()
        self.finished = False
        self.broken = False
        self.end: float | None = None
        self.main_finished: float | None = None
        self.last_t = 0.0
        self._next_seq: dict[int, int] = {}
        self._unannounced = 0
        for event in preview:
            if isinstance(event.data, p.LaneAdded):
                self._add_lane(event.lane, event.data)
            elif isinstance(event.data, p.RunStarted):
                self.info = event.data

    # -- time ----------------------------------------------------------------------

    def rel(self, t_ns: int) -> float:
        return 0.0 if self.t0_ns is None else (t_ns - self.t0_ns) / 1e9

    def now(self) -> float:
        """Seconds since the run began: live while running, the end once done."""
        if self.end is not None:
            return self.end
        if self.t0_ns is None:
            return 0.0
        return max(self.last_t, self.rel(time.monotonic_ns()))

    @property
    def started(self) -> bool:
        return self.t0_ns is not None

    # -- applying ------------------------------------------------------------------

    def apply(self, events: Iterable[Event]) -> set[int]:
        """Fold events in; return the ids of lanes that changed."""
        changed: set[int] = set()
        for event in events:
            lane = self._lane_for(event)
            if lane is None:
                continue
            self.events.append(event)
            if event.kind is EventKind.RUN_STARTED:
                self.t0_ns = event.t_ns
            t = self.rel(event.t_ns)
            if event.kind is not EventKind.SAMPLE:
                self.last_t = max(self.last_t, t)
            if event.seq >= 0:
                self._check_seq(event)
            handler = HANDLERS.get(event.kind)
            if handler is not None:
                handler(self, lane, t, event.data)
            changed.add(lane.worker_id)
            caller = getattr(event.data, "caller", None)
            if caller is not None and caller in self.lanes:
                changed.add(caller)
        return changed

    def _lane_for(self, event: Event) -> Lane | None:
        lane = self.lanes.get(event.lane)
        if lane is not None:
            return lane
        if isinstance(event.data, p.LaneAdded):
            return self._add_lane(event.lane, event.data)
        if event.kind is EventKind.SAMPLE:
            return None  # a reading for a lane already gone from the model
        # Never silently dropped: the lane appears, and says why it looks bare.
        if self._unannounced >= UNANNOUNCED_LIMIT:
            if self._unannounced == UNANNOUNCED_LIMIT:
                self.main.problems.append(
                    "events for too many unannounced lanes: the rest are ignored"
                )
                self._unannounced += 1
            return None
        self._unannounced += 1
        lane = self._add_lane(event.lane, p.LaneAdded(name=f"lane {event.lane}"))
        lane.problems.append("events arrived for a lane that was never announced")
        return lane

    def _add_lane(self, lane_id: int, data: p.LaneAdded) -> Lane:
        lane = self.lanes.get(lane_id)
        if lane is None:
            lane = Lane(lane_id, data.name, data.kind)
            self.lanes[lane_id] = lane
        lane.name, lane.kind, lane.parent = data.name, data.kind, data.parent
        lane.group, lane.target, lane.daemon = data.group, data.target, data.daemon
        lane.helper = data.helper
        lane.args = dict(data.args)
        lane.start_method = data.start_method
        if lane.start_method == "default" and self.info.default_start_method:
            lane.start_method = self.info.default_start_method
        return lane

    def _check_seq(self, event: Event) -> None:
        """Each sender numbers its events 0, 1, 2…: a gap is lost events."""
        sender = self.lanes.get(event.sender, self.main)
        expected = self._next_seq.get(event.sender, 0)
        sender.events_received += 1
        if event.seq > expected:
            gap = event.seq - expected
            sender.missing += gap
            sender.problems.append(f"{gap} event(s) missing before #{event.seq}")
        elif event.seq < expected:
            sender.problems.append(f"event #{event.seq} arrived twice or out of order")
        self._next_seq[event.sender] = max(expected, event.seq + 1)

    # -- summaries -----------------------------------------------------------------

    def worker_lanes(self) -> list[Lane]:
        return [lane for wid, lane in sorted(self.lanes.items()) if wid != MAIN_ID]

    @property
    def main(self) -> Lane:
        return self.lanes[MAIN_ID]

    def close_incomplete(self) -> None:
        """End a run whose events stop before its end (a recording saved while
        it ran): the clock stops at the last event instead of running on."""
        if self.finished or not self.started:
            return
        text = "the recording ends here: it was saved while the run was going"
        self.main.notices.append(text)
        self.main.markers.append(Marker(self.last_t, "notice", "info", text))
        finish(self, self.last_t)

    def all_final(self) -> bool:
        return all(lane.outcome is not None for lane in self.worker_lanes())

    def events_missing(self) -> int:
        return sum(lane.missing for lane in self.lanes.values())
