"""Every lane's task spans as numpy columns, kept up to date incrementally.

A pool run can hold 100 000 tasks; a frame must not walk them in Python. Each
task is appended once, as one entry of five contiguous columns (start, end,
row, colour, mark) that the painter filters and merges with numpy each frame.
A running task's end is +inf (the painter cuts it at "now"); when it ends,
its entry is written in place. Only running tasks are looked at again.
"""

from __future__ import annotations

import bisect
import math

import numpy as np

from core.model.lanes import Lane, TaskSpan

OK, ERROR, CUT = 0, 1, 2
"""The mark column: how a task ended ("" running and "ok" look alike)."""
MARKS = {"error": ERROR, "cut": CUT}
PALETTE_SIZE = 6
HOVER_SCAN = 64
"""Tasks looked at, back from the hovered time (overlapping tasks of a lane)."""
"""Labels beyond this many share colours (the tooltip tells them apart)."""


class TaskData:
    """Task spans of every row; the owner calls :meth:`update_lane` and
    :meth:`shift_rows` as lanes change and rows move."""

    def __init__(self) -> None:
        self.size = 0
        self.start = np.empty(64)
        self.end = np.empty(64)
        self.row = np.empty(64, dtype=np.intp)
        self.colour = np.empty(64, dtype=np.int8)
        self.mark = np.empty(64, dtype=np.int8)
        self.spans: list[TaskSpan] = []
        """The span behind each entry (for labels and tooltips)."""
        self.colour_of: dict[str, int] = {}
        """Label → palette index, in the order labels first appeared."""
        self._scanned: dict[int, int] = {}
        self._running: dict[int, list[tuple[int, int]]] = {}
        """Lane id → (index in lane.tasks, entry) of its running tasks."""

    def columns(self) -> tuple[np.ndarray, ...]:
        """(start, end, row, colour, mark) views of the filled entries."""
        n = self.size
        return (
            self.start[:n],
            self.end[:n],
            self.row[:n],
            self.colour[:n],
            self.mark[:n],
        )

    def colour_code(self, label: str) -> int:
        code = self.colour_of.get(label)
        if code is None:
            code = self.colour_of[label] = len(self.colour_of) % PALETTE_SIZE
        return code

    def update_lane(self, lane_id: int, row: int, lane: Lane) -> None:
        """Take in the lane's new tasks and the ends of its running ones."""
        tasks = lane.tasks
        still: list[tuple[int, int]] = []
        for position, entry in self._running.get(lane_id, ()):
            span = tasks[position]
            self.spans[entry] = span  # the model may have replaced the record
            if span.end is None:
                still.append((position, entry))
            else:
                self.end[entry] = max(span.end, span.start)
                self.mark[entry] = MARKS.get(span.outcome, OK)
        first = self._scanned.get(lane_id, 0)
        new = tasks[first:]
        self._scanned[lane_id] = len(tasks)
        if new:
            entry = self.size
            self._reserve(len(new))
            for offset, span in enumerate(new):
                if span.end is None:
                    still.append((first + offset, entry + offset))
            n = len(new)
            self.start[entry : entry + n] = [span.start for span in new]
            self.end[entry : entry + n] = [
                math.inf if s.end is None else max(s.end, s.start) for s in new
            ]
            self.row[entry : entry + n] = row
            self.colour[entry : entry + n] = [self.colour_code(s.label) for s in new]
            self.mark[entry : entry + n] = [MARKS.get(s.outcome, OK) for s in new]
            self.spans.extend(new)
            self.size += n
        self._running[lane_id] = still

    def shift_rows(self, shift: np.ndarray) -> None:
        """Move every entry of row r by ``shift[r]`` rows."""
        rows = self.row[: self.size]
        rows += shift[rows]

    def _reserve(self, more: int) -> None:
        need = self.size + more
        if need <= len(self.start):
            return
        capacity = max(need, 2 * len(self.start))
        for name in ("start", "end", "row", "colour", "mark"):
            old = getattr(self, name)
            grown = np.empty(capacity, dtype=old.dtype)
            grown[: self.size] = old[: self.size]
            setattr(self, name, grown)


def task_at(lane: Lane, t: float, slack: float, now: float) -> TaskSpan | None:
    """The lane's task at time ``t``, else the nearest within ``slack`` seconds
    (a task a pixel wide must still be hoverable). Tasks arrive in start
    order, so a bisection finds the candidates: hovering stays cheap on a lane
    with 100 000 tasks."""
    tasks = lane.tasks
    after = bisect.bisect_right(tasks, t + slack, key=lambda span: span.start)
    best: TaskSpan | None = None
    best_gap = slack
    for span in reversed(tasks[max(0, after - HOVER_SCAN) : after]):
        end = now if span.end is None else span.end
        gap = max(span.start - t, t - end, 0.0)
        if gap == 0.0:
            return span
        if gap <= best_gap:
            best, best_gap = span, gap
    return best
