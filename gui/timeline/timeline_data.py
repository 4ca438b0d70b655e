"""Every lane as numpy rectangle arrays, kept up to date incrementally.

Painting 1 024 lanes at 30 Hz is only cheap if a frame does no Python work per
segment (DESIGN §2): finished segments, CPU shading and marker ticks therefore
live in append-only float64 arrays laid out exactly like ``QRectF`` /
``QLineF`` (x, y, w, h), which the painter draws with one ``drawRects`` call
per colour. The model only ever closes a lane's last segment and appends new
ones, so :meth:`TimelineData.update` looks at what is new since its last call;
the one open segment per lane is kept in two small per-row arrays and
stretched to "now" at paint time.

Lane ``row`` occupies y in [row, row + 1]; row 0 is the main program, and a
lane started by a worker sits under that worker (:mod:`lane_order`). Lanes may
appear at any moment; rows below a new one move by a numpy shift of every
table, never a rebuild.
"""

from __future__ import annotations

import math
from collections.abc import Collection

import numpy as np

from core.model.outcomes import Outcome
from core.model.run_model import Lane, Marker, RunModel, State
from gui.palette import DRAW_ORDER, MARKER_STYLES, STATE_STYLES
from gui.timeline.growable import Growable
from gui.timeline.lane_order import is_muted, parent_lanes, row_label, tree_order
from gui.timeline.task_data import TaskData

SAMPLE_PERIOD_GUESS = 0.2
"""Seconds a lane's first CPU sample is assumed to cover (the monitor's default)."""

RUNNING_SHARE = 0.75
"""A CPU reading is a mean over its interval; it shades a running bar only if
at least this share of the interval was spent running (not booting, whose
import work would make a sleeping worker look busy)."""

STATE_CODE = {state: code for code, state in enumerate(DRAW_ORDER)}
OUTCOMES: tuple[Outcome, ...] = tuple(Outcome)
OUTCOME_CODE = {outcome: code for code, outcome in enumerate(OUTCOMES)}
CPU_BAR = STATE_STYLES[State.RUNNING].height


class MarkerRun:
    """One lane's markers of one kind: times as a list (cheap to turn into an
    array at paint time) beside the markers themselves (for their labels)."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.items: list[Marker] = []

    def append(self, marker: Marker) -> None:
        self.times.append(marker.t)
        self.items.append(marker)


def bar_extent(row: int, state: State) -> tuple[float, float]:
    """(top, height) of a state's bar in lane ``row``."""
    height = STATE_STYLES[state].height
    return row + (1.0 - height) / 2.0, height


def outcome_time(lane: Lane) -> float | None:
    """Where a lane's outcome mark goes: the moment it ended (or failed to start)."""
    if lane.outcome is None:
        return None
    if "exited" in lane.times:
        return lane.times["exited"]
    for segment in lane.segments:
        if segment.state is State.EXITED:
            return segment.start
    for marker in lane.markers:
        if marker.kind == "start_failed":
            return marker.t
    if lane.segments:
        last = lane.segments[-1]
        return last.end if last.end is not None else last.start
    return 0.0


class LaneProgress:
    """How much of one lane is already in the arrays (so updates add only news)."""

    def __init__(self) -> None:
        self.segments = 0
        self.samples = 0
        self.markers = 0
        self.last_sample = math.nan
        self.marker_runs: dict[str, MarkerRun] = {}
        """Per kind, the drawn markers in arrival order (for glyphs)."""


class TimelineData:
    """Rectangles for one model; ``update(ids)`` after each ``model.apply()``."""

    def __init__(
        self,
        model: RunModel,
        show_helpers: bool = True,
        collapsed: frozenset[int] = frozenset(),
    ) -> None:
        self.model = model
        self.show_helpers = show_helpers
        self.collapsed = collapsed
        """Lanes whose children are hidden (a double click on the label)."""
        self._reset()
        self.update(())

    def _reset(self) -> None:
        self.lanes: list[Lane] = []
        self.depths: list[int] = []
        self.labels: list[str] = []
        """Each row's label: the tree's "↳", and "▾"/"▸" on a parent lane."""
        self.row_of: dict[int, int] = {}
        self.closed = {state: Growable() for state in DRAW_ORDER}
        self.cpu = Growable()
        self.lines = {kind: Growable(row_columns=(1, 3)) for kind in MARKER_STYLES}
        self.tasks = TaskData()
        self.open_code = np.full(0, -1, dtype=np.int16)
        self.open_start = np.zeros(0)
        self.outcome_x = np.full(0, np.nan)
        self.outcome_code = np.full(0, -1, dtype=np.int16)
        self.muted_rows = np.zeros(0, dtype=np.intp)
        """Rows of helper and untracked lanes (drawn washed out)."""
        self.markers: list[dict[str, MarkerRun]] = []
        """Per row and kind, the drawn markers in arrival order (for glyphs)."""
        self._progress: dict[int, LaneProgress] = {}
        self._placed: dict[int, tuple[int | None, str]] = {}
        """Each lane's (parent, kind) when rows were last laid out."""

    @property
    def row_count(self) -> int:
        return len(self.lanes)

    def lane_at(self, y: float) -> Lane | None:
        row = math.floor(y)
        return self.lanes[row] if 0 <= row < len(self.lanes) else None

    def needs_layout(self, worker_ids: Collection[int]) -> bool:
        """True when the model gained lanes, or one of these lanes got another
        parent or kind (a lane announced after its first events)."""
        lanes = self.model.lanes
        if len(lanes) != len(self._placed):
            return True
        return any(
            (lanes[i].parent, lanes[i].kind) != self._placed.get(i)
            for i in worker_ids
            if i in lanes
        )

    def update(self, worker_ids: Collection[int]) -> bool:
        """Take in what is new on these lanes (cheap: only the new parts) and any
        new lanes; True if rows were added or moved."""
        moved = self.needs_layout(worker_ids) and self._lay_out()
        for worker_id in worker_ids:
            row = self.row_of.get(worker_id)
            if row is not None:
                self._update_row(row, self.lanes[row])
        return moved

    def _lay_out(self) -> bool:
        """Give new lanes rows; move the old ones' drawings if rows shifted."""
        lanes = self.model.lanes
        self._placed = {i: (lane.parent, lane.kind) for i, lane in lanes.items()}
        order = tree_order(lanes, self.show_helpers, self.collapsed)
        ids = [lane.worker_id for lane, _depth in order]
        parents = parent_lanes(lanes)
        self.labels[:] = [  # in place, like lanes: the axis holds both lists
            row_label(lane, lane.worker_id in self.collapsed)
            if lane.worker_id in parents
            else row_label(lane)
            for lane, _depth in order
        ]
        if ids == [lane.worker_id for lane in self.lanes]:
            return False  # only hidden lanes arrived, or nothing moved
        source = np.array([self.row_of.get(i, -1) for i in ids], dtype=np.intp)
        kept = np.flatnonzero(source >= 0)
        if len(kept) != len(self.lanes):  # a shown lane vanished: start over
            self._reset()
            return self._lay_out()
        if not np.array_equal(source[kept], kept):
            shift = np.zeros(len(self.lanes), dtype=np.intp)
            shift[source[kept]] = kept - source[kept]
            for table in (*self.closed.values(), self.cpu, *self.lines.values()):
                table.shift_rows(shift)
            self.tasks.shift_rows(shift)
        self.open_code = _moved(self.open_code, source, -1)
        self.open_start = _moved(self.open_start, source, 0.0)
        self.outcome_x = _moved(self.outcome_x, source, np.nan)
        self.outcome_code = _moved(self.outcome_code, source, -1)
        self.lanes[:] = [lane for lane, _depth in order]
        self.depths = [depth for _lane, depth in order]
        self.row_of = {lane_id: row for row, lane_id in enumerate(ids)}
        self.muted_rows = np.array(
            [row for row, lane in enumerate(self.lanes) if is_muted(lane)],
            dtype=np.intp,
        )
        for row in np.flatnonzero(source < 0):
            self._progress[ids[row]] = LaneProgress()
            self._update_row(int(row), self.lanes[row])
        self.markers = [self._progress[i].marker_runs for i in ids]
        return True

    def _update_row(self, row: int, lane: Lane) -> None:
        """Add what is new on one lane."""
        progress = self._progress[lane.worker_id]
        segments = lane.segments
        done = progress.segments
        while done < len(segments) and segments[done].end is not None:
            segment = segments[done]
            top, height = bar_extent(row, segment.state)
            self.closed[segment.state].extend(
                [(segment.start, top, segment.end - segment.start, height)]
            )
            done += 1
        progress.segments = done
        if done < len(segments):
            self.open_code[row] = STATE_CODE[segments[done].state]
            self.open_start[row] = segments[done].start
        else:
            self.open_code[row] = -1
        self._update_samples(row, lane, progress)
        self._update_markers(row, lane, progress)
        if lane.outcome is not None:
            self.outcome_x[row] = outcome_time(lane)
            self.outcome_code[row] = OUTCOME_CODE[lane.outcome]
        self.tasks.update_lane(lane.worker_id, row, lane)

    def _update_samples(self, row: int, lane: Lane, progress: LaneProgress) -> None:
        samples = lane.samples
        start = progress.samples
        if start >= len(samples):
            return
        running = [
            (s.start, math.inf if s.end is None else s.end)
            for s in lane.segments
            if s.state is State.RUNNING
        ]
        bar_top, bar_height = bar_extent(row, State.RUNNING)
        bottom = bar_top + bar_height
        previous = progress.last_sample
        if math.isnan(previous):  # sampling began when start() returned
            previous = lane.times.get("start_returned", math.nan)
        rects = []
        for sample in samples[start:]:
            t, cpu = sample[0], sample[1]
            x0 = t - SAMPLE_PERIOD_GUESS if math.isnan(previous) else previous
            previous = t
            if not cpu or cpu <= 0 or t <= x0:
                continue
            height = bar_height * min(float(cpu), 100.0) / 100.0
            for begin, end in running:
                a, b = max(x0, begin), min(t, end)
                if b > a and b - a >= RUNNING_SHARE * (t - x0):
                    rects.append((a, bottom - height, b - a, height))
        progress.last_sample = previous
        progress.samples = len(samples)
        self.cpu.extend(rects)

    def _update_markers(self, row: int, lane: Lane, progress: LaneProgress) -> None:
        markers = lane.markers
        start = progress.markers
        top, height = bar_extent(row, State.RUNNING)
        by_kind = progress.marker_runs
        for marker in markers[start:]:
            lines = self.lines.get(marker.kind)
            if lines is not None:
                lines.extend([(marker.t, top, marker.t, top + height)])
                by_kind.setdefault(marker.kind, MarkerRun()).append(marker)
        progress.markers = len(markers)

    def open_rects(self, code: int, now: float) -> np.ndarray:
        """(n, 4) rects of the open segments in state ``code``, stretched to now."""
        rows = np.flatnonzero(self.open_code == code)
        if rows.size == 0:
            return np.empty((0, 4))
        state = DRAW_ORDER[code]
        height = STATE_STYLES[state].height
        rects = np.empty((rows.size, 4))
        rects[:, 0] = self.open_start[rows]
        rects[:, 1] = rows + (1.0 - height) / 2.0
        rects[:, 2] = np.maximum(now - rects[:, 0], 0.0)
        rects[:, 3] = height
        return rects

    def rects(self, state: State, now: float) -> np.ndarray:
        """Every rectangle of ``state`` (finished and open); for tests and tools."""
        closed = self.closed[state].array
        return np.concatenate([closed, self.open_rects(STATE_CODE[state], now)])


def _moved(values: np.ndarray, source: np.ndarray, fill: float) -> np.ndarray:
    """Per-row values in the new row order (``source[row]``: the old row or -1)."""
    out = np.full(len(source), fill, dtype=values.dtype)
    kept = source >= 0
    out[kept] = values[source[kept]]
    return out
