"""The headline figures written on the lanes (core.model.headline decides the
words): "main program done: 7 ms" where the main program's code ended, "run
took 1.06 s" at the end, and each process's boot time inside its bar.

A short span gets a callout in a white box next to its mark instead of being
a one-pixel sliver nobody can read (issue 11, defect 5). Text sits left of
its point when the point is in the right half of the view, so it never runs
off the picture.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QTransform

from core.model.headline import Callout, callouts, running_span
from core.model.run_model import State
from gui import palette
from gui.timeline.timeline_data import TimelineData, bar_extent

BAR_INK = "#1A1A1A"
"""Text written on the sky-blue running bar: dark in every theme."""
MERGE_FRACTION = 0.03
"""A run total this close to "main program done" would say the same twice."""


def paint_callouts(
    p: QPainter,
    data: TimelineData,
    view: QRectF,
    transform: QTransform,
    scale: float,
    text_px: float,
) -> None:
    """Draw every callout whose lane is on screen (painter in device pixels)."""
    found = callouts(data.model)
    if not found:
        return
    main_done = next((c for c in found if c.kind == "main_done"), None)
    end = max((c.t for c in found), default=0.0)
    bold = palette.font(text_px * 1.1, bold=True)
    small = palette.font(text_px)
    for callout in found:
        row = data.row_of.get(callout.lane)
        if row is None or not view.top() - 1 <= row <= view.bottom():
            continue
        if (
            callout.kind == "run_total"
            and main_done is not None
            and abs(main_done.t - callout.t) <= MERGE_FRACTION * max(end, 1e-9)
        ):
            continue
        if callout.kind == "boot":
            _paint_boot(p, data, row, callout, transform, small)
        else:
            anchor = _box_anchor(data, callout)
            _paint_boxed(p, row, callout, anchor, view, transform, bold)


def _box_anchor(data: TimelineData, callout: Callout) -> float:
    """Where a boxed callout's leader points. A traced script's main lane has
    an exit badge of its own just before the run's end: the total's box is
    kept left of that badge instead of covering it."""
    exited = data.model.main.times.get("exited")
    if callout.kind == "run_total" and exited is not None:
        return min(callout.t, exited)
    return callout.t


def _paint_boxed(
    p: QPainter,
    row: int,
    callout: Callout,
    anchor: float,
    view: QRectF,
    transform: QTransform,
    fnt: QFont,
) -> None:
    kind = callout.kind
    metrics = QFontMetricsF(fnt)
    width = metrics.horizontalAdvance(callout.text) + 12
    height = metrics.height() + 4
    x = transform.map(anchor, 0.0)[0]
    # main_done on the upper half of the main lane, the total on the lower
    top, bar_h = bar_extent(row, State.MAIN_RUNNING)
    y_frac = top + bar_h * (0.27 if kind == "main_done" else 0.73)
    y = transform.map(0.0, y_frac)[1]
    right_half = anchor > (view.left() + view.right()) / 2
    left = x - width - 8 if right_half else x + 10
    rect = QRectF(left, y - height / 2, width, height)
    p.setPen(QColor(palette.INK))
    p.setBrush(palette.label_box(235))
    p.drawRoundedRect(rect, 4, 4)
    p.setFont(fnt)
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, callout.text)
    # a leader from the box to the exact moment
    p.drawLine(QLineF(rect.right() if right_half else rect.left(), y, x, y))


def _paint_boot(
    p: QPainter,
    data: TimelineData,
    row: int,
    callout: Callout,
    transform: QTransform,
    fnt: QFont,
) -> None:
    """Inside the bar, just after booting ended, in dark ink on the blue."""
    span = running_span(data.lanes[row], data.model.now())
    if span is None:
        return
    ready, end = span
    metrics = QFontMetricsF(fnt)
    width = metrics.horizontalAdvance(callout.text) + 8
    # Never under the outcome badge (a pool worker's target never ends; its
    # SIGTERM badge covered "boot 2 ms" in the Pool program's screenshot).
    badge = float(data.outcome_x[row])
    if not math.isnan(badge):
        end = min(end, badge)
    # Nor over a task's label (a pool worker's first task starts at once:
    # "boot 2 ms" and "work" were written on top of each other).
    tasks = data.lanes[row].tasks  # in the order they started (one sender)
    if tasks:
        end = min(end, tasks[0].start)
    x0 = transform.map(ready, 0.0)[0]
    room = transform.map(end, 0.0)[0] - x0
    if room < width + 6:
        return  # too short to write in; the tooltip still says it
    top, height = bar_extent(row, State.RUNNING)
    y0 = transform.map(0.0, top)[1]
    y1 = transform.map(0.0, top + height)[1]
    p.setPen(QColor(BAR_INK))
    p.setFont(fnt)
    p.drawText(
        QRectF(x0 + 6, y0, width, y1 - y0),
        Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
        callout.text,
    )
