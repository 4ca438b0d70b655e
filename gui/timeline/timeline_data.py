"""Every lane as numpy rectangle arrays, kept up to date incrementally.

Painting 1 024 lanes at 30 Hz is only cheap if a frame does no Python work per
segment (DESIGN §2): finished segments, CPU shading and marker ticks therefore
live in append-only float64 arrays laid out exactly like ``QRectF`` /
``QLineF`` (x, y, w, h), which the painter draws with one ``drawRects`` call
per colour. The model only ever closes a lane's last segment and appends new
ones, so :meth:`TimelineData.update` looks at what is new since its last call;
the one open segment per lane is kept in two small per-row arrays and
stretched to "now" at paint time.

Lane ``row`` occupies y in [row, row + 1]; row 0 is the main program.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from core.model.outcomes import Outcome
from core.model.run_model import Lane, Marker, RunModel, State
from gui.palette import DRAW_ORDER, MARKER_STYLES, STATE_STYLES

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


class Growable:
    """An append-only (n, width) float64 array with amortised growth."""

    def __init__(self, width: int = 4) -> None:
        self._data = np.empty((16, width), dtype=np.float64)
        self.size = 0

    def extend(self, rows: list[tuple[float, float, float, float]]) -> None:
        if not rows:
            return
        need = self.size + len(rows)
        if need > len(self._data):
            bigger = np.empty((max(need, 2 * len(self._data)), self._data.shape[1]))
            bigger[: self.size] = self._data[: self.size]
            self._data = bigger
        self._data[self.size : need] = rows
        self.size = need

    @property
    def array(self) -> np.ndarray:
        """A contiguous view of the filled part (safe to hand to drawRects)."""
        return self._data[: self.size]


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


class TimelineData:
    """Rectangles for one model; ``update(ids)`` after each ``model.apply()``."""

    def __init__(self, model: RunModel) -> None:
        self.model = model
        self.lanes: list[Lane] = [model.main, *model.worker_lanes()]
        self.row_of = {lane.worker_id: row for row, lane in enumerate(self.lanes)}
        count = len(self.lanes)
        self.closed = {state: Growable() for state in DRAW_ORDER}
        self.cpu = Growable()
        self.lines = {kind: Growable() for kind in MARKER_STYLES}
        self.open_code = np.full(count, -1, dtype=np.int16)
        self.open_start = np.zeros(count)
        self.outcome_x = np.full(count, np.nan)
        self.outcome_code = np.full(count, -1, dtype=np.int16)
        self._segments_done = [0] * count
        self._samples_done = [0] * count
        self._markers_done = [0] * count
        self._last_sample = [math.nan] * count
        self.markers: list[dict[str, MarkerRun]] = [{} for _ in range(count)]
        """Per row and kind, the drawn markers in arrival order (for glyphs)."""
        self.update(lane.worker_id for lane in self.lanes)

    @property
    def row_count(self) -> int:
        return len(self.lanes)

    def lane_at(self, y: float) -> Lane | None:
        row = math.floor(y)
        return self.lanes[row] if 0 <= row < len(self.lanes) else None

    def update(self, worker_ids: Iterable[int]) -> None:
        """Take in what is new on these lanes (cheap: only the new parts)."""
        for worker_id in worker_ids:
            row = self.row_of.get(worker_id)
            if row is not None:
                self._update_row(row, self.lanes[row])

    def _update_row(self, row: int, lane: Lane) -> None:
        segments = lane.segments
        done = self._segments_done[row]
        while done < len(segments) and segments[done].end is not None:
            segment = segments[done]
            top, height = bar_extent(row, segment.state)
            self.closed[segment.state].extend(
                [(segment.start, top, segment.end - segment.start, height)]
            )
            done += 1
        self._segments_done[row] = done
        if done < len(segments):
            self.open_code[row] = STATE_CODE[segments[done].state]
            self.open_start[row] = segments[done].start
        else:
            self.open_code[row] = -1
        self._update_samples(row, lane)
        self._update_markers(row, lane)
        if lane.outcome is not None:
            self.outcome_x[row] = outcome_time(lane)
            self.outcome_code[row] = OUTCOME_CODE[lane.outcome]

    def _update_samples(self, row: int, lane: Lane) -> None:
        samples = lane.samples
        start = self._samples_done[row]
        if start >= len(samples):
            return
        running = [
            (s.start, math.inf if s.end is None else s.end)
            for s in lane.segments
            if s.state is State.RUNNING
        ]
        bar_top, bar_height = bar_extent(row, State.RUNNING)
        bottom = bar_top + bar_height
        previous = self._last_sample[row]
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
        self._last_sample[row] = previous
        self._samples_done[row] = len(samples)
        self.cpu.extend(rects)

    def _update_markers(self, row: int, lane: Lane) -> None:
        markers = lane.markers
        start = self._markers_done[row]
        top, height = bar_extent(row, State.RUNNING)
        by_kind = self.markers[row]
        for marker in markers[start:]:
            lines = self.lines.get(marker.kind)
            if lines is not None:
                lines.extend([(marker.t, top, marker.t, top + height)])
                by_kind.setdefault(marker.kind, MarkerRun()).append(marker)
        self._markers_done[row] = len(markers)

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
