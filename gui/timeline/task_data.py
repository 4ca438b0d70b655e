"""Every lane's task spans as one numpy array, kept up to date incrementally.

A pool run can hold 100 000 tasks; a frame must not walk them in Python. A
finished task never changes again, so it is appended once to one float64
array (start, end, row, colour, mark) that the painter filters and merges
with numpy each frame. Running tasks (a handful: one per busy worker) are kept
apart as objects and stretched to "now" at paint time.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from core.model.lanes import Lane, TaskSpan
from gui.timeline.growable import Growable

START, END, ROW, COLOUR, MARK = range(5)
"""Columns of :attr:`TaskData.closed`."""
OK, ERROR, CUT = 0.0, 1.0, 2.0
"""The MARK column: how a task ended ("" running and "ok" look alike)."""
MARKS = {"error": ERROR, "cut": CUT}
PALETTE_SIZE = 6
"""Labels beyond this many share colours (the tooltip tells them apart)."""


class TaskData:
    """Task spans by row; the owner calls :meth:`update_lane` and
    :meth:`shift_rows` as lanes change and rows move."""

    def __init__(self) -> None:
        self.closed = Growable(5, row_columns=(ROW,))
        self.closed_spans: list[TaskSpan] = []
        """The span behind each row of ``closed`` (for labels and tooltips)."""
        self.colour_of: dict[str, int] = {}
        """Label → palette index, in the order labels first appeared."""
        self._scanned: dict[int, int] = {}
        self._running: dict[int, list[TaskSpan]] = {}
        self.running_spans: list[TaskSpan] = []
        self.running = np.empty((0, 5))
        """Running tasks like ``closed`` rows; END is filled in at paint time."""

    def colour(self, label: str) -> int:
        code = self.colour_of.get(label)
        if code is None:
            code = self.colour_of[label] = len(self.colour_of) % PALETTE_SIZE
        return code

    def update_lane(self, lane_id: int, row: int, lane: Lane) -> bool:
        """Take in new and newly finished tasks; True if the running set changed."""
        tasks = lane.tasks
        start = self._scanned.get(lane_id, 0)
        running = self._running.get(lane_id, [])
        if start == len(tasks) and not running:
            return False
        before = len(running)
        still: list[TaskSpan] = []
        finished: list[TaskSpan] = []
        for span in running + tasks[start:]:
            (still if span.end is None else finished).append(span)
        self._scanned[lane_id] = len(tasks)
        self._running[lane_id] = still
        self.closed.extend(
            [
                (
                    span.start,
                    max(span.end, span.start),
                    row,
                    self.colour(span.label),
                    MARKS.get(span.outcome, OK),
                )
                for span in finished
            ]
        )
        self.closed_spans.extend(finished)
        return len(still) != before or bool(still and start < len(tasks))

    def shift_rows(self, shift: np.ndarray) -> None:
        self.closed.shift_rows(shift)

    def refresh_running(self, row_of: Mapping[int, int]) -> None:
        """Rebuild the running array (after tasks started or ended, or rows moved)."""
        self.running_spans = []
        rows: list[tuple[float, float, float, float, float]] = []
        for lane_id, spans in self._running.items():
            row = row_of.get(lane_id)
            if row is None:
                continue
            for span in spans:
                self.running_spans.append(span)
                rows.append((span.start, span.start, row, self.colour(span.label), OK))
        self.running = np.array(rows, dtype=np.float64).reshape(-1, 5)


def task_at(lane: Lane, t: float, slack: float, now: float) -> TaskSpan | None:
    """The lane's task at time ``t``, else the nearest within ``slack`` seconds
    (a task a pixel wide must still be hoverable)."""
    best: TaskSpan | None = None
    best_gap = slack
    for span in reversed(lane.tasks):
        end = now if span.end is None else span.end
        gap = max(span.start - t, t - end, 0.0)
        if gap == 0.0:
            return span
        if gap <= best_gap:
            best, best_gap = span, gap
    return best
