"""Replay: a recorded run (or the last one) as it was at a cursor.

The model at a cursor is simply the events up to it folded into a fresh
:class:`RunModel` — the same folding the live run used, so what a replay
shows at time t is what the window showed at t. Moving forward applies the
next events; moving back rebuilds from the nearest checkpoint (a copy of the
model taken every CHECKPOINT_EVERY events), so stepping backwards through a
large recording does not refold it from the start each time.

Playback speeds are fractions of real time (0.1×, 0.25×, 0.5×, 1×): slow
enough for a class to see a SIGTERM land before the SIGKILL.
"""

from __future__ import annotations

import bisect
import copy
from collections.abc import Sequence
from typing import Any

from core.model.events import Event, EventKind
from core.model.run_model import RunModel

_ANNOUNCEMENTS = (EventKind.RUN_STARTED, EventKind.LANE_ADDED)

SPEEDS = (0.1, 0.25, 0.5, 1.0)
CHECKPOINT_EVERY = 1000


class Replay:
    """A cursor over a recorded run's events; :attr:`model` is the run there."""

    def __init__(
        self, events: Sequence[Event], source: dict[str, Any] | None = None
    ) -> None:
        self._events = list(events)
        # Every lane from the first frame, as the run showed them before it
        # started: what the run announced, without starting anything.
        self._preview = [e for e in self._events if e.kind in _ANNOUNCEMENTS]
        self._source = source
        start = next(
            (e.t_ns for e in self._events if e.kind == EventKind.RUN_STARTED), None
        )
        t0 = start if start is not None else min((e.t_ns for e in events), default=0)
        self._times = [max(0.0, (e.t_ns - t0) / 1e9) for e in self._events]
        # Events arrive in batches, not strictly in time order: the cursor
        # walks them in arrival order, and its time never goes back.
        for index in range(1, len(self._times)):
            self._times[index] = max(self._times[index], self._times[index - 1])
        self._checkpoints: dict[int, RunModel] = {}
        self.index = 0
        self.cursor = 0.0
        self.model = self._fresh()
        self._freeze()

    @classmethod
    def of(cls, model: RunModel) -> Replay:
        """Replay a finished (or recorded) model; the cursor starts at 0."""
        return cls(model.events, model.source)

    def _fresh(self) -> RunModel:
        return RunModel(self._preview, source=self._source)

    # -- where the cursor is ---------------------------------------------------------

    @property
    def count(self) -> int:
        return len(self._events)

    @property
    def duration(self) -> float:
        return self._times[-1] if self._times else 0.0

    @property
    def at_end(self) -> bool:
        return self.index >= self.count

    def time_of(self, index: int) -> float:
        """Seconds since the run started at which event ``index`` happened."""
        return self._times[index]

    # -- moving ----------------------------------------------------------------------

    def seek(self, index: int) -> RunModel:
        """The model after the first ``index`` events (clamped)."""
        index = min(max(index, 0), self.count)
        if index < self.index:
            base = max((k for k in self._checkpoints if k <= index), default=0)
            self.model = (
                copy.deepcopy(self._checkpoints[base]) if base else self._fresh()
            )
            self.index = base
        while self.index < index:
            end = min(index, (self.index // CHECKPOINT_EVERY + 1) * CHECKPOINT_EVERY)
            self.model.apply(self._events[self.index : end])
            self.index = end
            if end % CHECKPOINT_EVERY == 0 and end not in self._checkpoints:
                self._checkpoints[end] = copy.deepcopy(self.model)
        self.cursor = self._times[index - 1] if index else 0.0
        self._freeze()
        return self.model

    def seek_time(self, t: float) -> RunModel:
        """The model at ``t`` seconds: every event that happened by then."""
        self.seek(bisect.bisect_right(self._times, t))
        self.cursor = min(max(t, 0.0), self.duration)
        self._freeze()
        return self.model

    def step(self, events: int) -> RunModel:
        """Forward (positive) or back (negative) by whole events."""
        return self.seek(self.index + events)

    def advance(self, wall_seconds: float, speed: float) -> bool:
        """Play on for ``wall_seconds`` of real time at ``speed`` × (0.1–1);
        returns False once the end is reached."""
        if not 0.0 < speed <= 1.0:
            raise ValueError(f"speed must be in (0, 1], got {speed!r}")
        self.seek_time(self.cursor + wall_seconds * speed)
        return not (self.at_end and self.cursor >= self.duration)

    def _freeze(self) -> None:
        """A replayed model's clock is the cursor, not the wall clock."""
        if not self.model.finished:
            self.model.end = self.cursor
