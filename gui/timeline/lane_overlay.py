"""Drawing helpers for the lanes that work in device pixels.

Bars live in data coordinates (seconds × lanes), but symbols, text and hatch
lines must keep their size whatever the zoom, so they are computed from the
painter's transform and drawn with it reset. Everything here is limited to
what is on screen; the main program's lane of a 1 024-worker run carries
thousands of start() and join() marks, so marks of one kind are thinned to one
per few pixels with numpy before any Python loop runs.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QTransform
from shiboken6 import wrapInstance

from core.model.headline import badge_text, signal_ignored
from core.model.run_model import State
from gui import palette
from gui.palette import MARKER_STYLES
from gui.timeline import marks
from gui.timeline.callouts import paint_callouts
from gui.timeline.print_marks import paint_print_marks
from gui.timeline.stamp_cache import StampCache
from gui.timeline.timeline_data import TimelineData, bar_extent

TEXT_MIN_PX = 13.0
"""Lanes thinner than this get colour ticks instead of badges and glyphs."""
HATCH_PX = 7.0
LABELLED_KINDS = ("signal", "mark")
_STAMPS = StampCache()


def forget_stamps() -> None:
    """After a theme change: glyphs and badges are drawn again in its colours."""
    _STAMPS.clear()


def stamp_glyph(p: QPainter, kind: str, x: float, y: float, size: float) -> None:
    """A marker glyph centred on (x, y), blitted from the cache."""
    half = size * 0.8  # the shapes reach ±0.75 of their size (the bolt)
    _STAMPS.stamp(
        p,
        ("glyph", kind, round(size, 2)),
        x - half,
        y - half,
        2 * half,
        2 * half,
        lambda q: marks.draw_glyph(q, kind, half, half, size),
    )


def stamp_badge(
    p: QPainter, left: float, centre_y: float, text: str, outcome: object, fnt: QFont
) -> None:
    """An outcome badge with its left edge at ``left``, blitted from the cache."""
    width, height = marks.badge_size(text, fnt)
    _STAMPS.stamp(
        p,
        ("badge", text, outcome, fnt.pixelSize(), fnt.bold()),
        left,
        centre_y - height / 2,
        width,
        height,
        lambda q: marks.draw_badge(q, 0.0, height / 2, text, outcome, fnt),
    )


def draw_rects(p: QPainter, rects: np.ndarray) -> None:
    """One native drawRects call over a C-contiguous (n, 4) float64 array."""
    if len(rects):
        rects = np.ascontiguousarray(rects, dtype=np.float64)
        p.drawRects(wrapInstance(rects.ctypes.data, QRectF), len(rects))


def draw_lines(p: QPainter, lines: np.ndarray) -> None:
    """One native drawLines call over a C-contiguous (n, 4) float64 array."""
    if len(lines):
        lines = np.ascontiguousarray(lines, dtype=np.float64)
        p.drawLines(wrapInstance(lines.ctypes.data, QLineF), len(lines))


def fill_lanes(rects: np.ndarray) -> None:
    """Stretch bars (in place) to their lane's full height."""
    rects[:, 1] = np.floor(rects[:, 1])
    rects[:, 3] = 1.0


def paint_hatch(
    p: QPainter, rects: np.ndarray, view: QRectF, transform: QTransform, ink: QColor
) -> None:
    """Diagonal lines over "waiting" bars, computed in pixels.

    A pattern brush would follow the world transform (and QSvgGenerator
    renders it as a smear), so the lines are clipped by hand instead.
    """
    x, y, w, h = rects[:, 0], rects[:, 1], rects[:, 2], rects[:, 3]
    on_screen = (
        (x + w >= view.left())
        & (x <= view.right())
        & (y + h >= view.top())
        & (y <= view.bottom())
        & (w * abs(transform.m11()) >= 1.0)
    )
    visible = transform.mapRect(view)
    lines: list[QLineF] = []
    for rx, ry, rw, rh in rects[on_screen]:
        box = transform.mapRect(QRectF(rx, ry, rw, rh)).intersected(visible)
        if box.width() < 1.0 or box.height() < 3.0:
            continue
        left, right, top, bottom = box.left(), box.right(), box.top(), box.bottom()
        height = bottom - top
        s = left - height
        while s < right:
            x0, y0, x1, y1 = s, bottom, s + height, top
            if x0 < left:
                y0 -= left - x0
                x0 = left
            if x1 > right:
                y1 += x1 - right
                x1 = right
            lines.append(QLineF(x0, y0, x1, y1))
            s += HATCH_PX
    if not lines:
        return
    p.save()
    p.resetTransform()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(ink, 1.3))
    p.drawLines(lines)
    p.restore()
    p.setPen(Qt.PenStyle.NoPen)


def text_px(lane_px: float, scale: float) -> tuple[float, float]:
    """(badge, marker text) font sizes in pixels for lanes ``lane_px`` tall."""
    return (
        min(palette.BADGE_PX * scale, lane_px * 0.5),
        min(palette.MARKER_TEXT_PX * scale, lane_px * 0.36),
    )


def paint_decorations(
    p: QPainter,
    data: TimelineData,
    view: QRectF,
    transform: QTransform,
    lane_px: float,
    scale: float,
) -> None:
    """Marker glyphs, signal names and outcome badges for the rows on screen."""
    first = max(0, math.floor(view.top()))
    last = min(data.row_count, math.ceil(view.bottom()))
    glyph = min(13.0 * scale, lane_px * 0.42)
    badge_px, marker_px = text_px(lane_px, scale)
    badge_font = palette.font(badge_px, bold=True)
    text_font = palette.font(marker_px, bold=True)
    sx, dx = transform.m11(), transform.dx()
    sy, dy = transform.m22(), transform.dy()
    now = data.model.now()
    visible = transform.mapRect(view)
    left_px, right_px = visible.left() - glyph, visible.right() + glyph
    spacing = glyph * 0.8
    p.save()
    p.resetTransform()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for row in range(first, last):
        lane = data.lanes[row]
        top, height = bar_extent(row, State.RUNNING)
        top_px, bottom_px = top * sy + dy, (top + height) * sy + dy
        outcome_px = None
        if lane.outcome is not None and not math.isnan(data.outcome_x[row]):
            outcome_px = data.outcome_x[row] * sx + dx
        for kind, run in data.markers[row].items():
            xs = np.asarray(run.times) * sx + dx
            shown = np.flatnonzero((xs >= left_px) & (xs <= right_px))
            if shown.size > 1:  # one symbol per few pixels: no smear of marks
                bins = np.floor(xs[shown] / spacing)
                shown = shown[np.unique(bins, return_index=True)[1]]
            y_px = bottom_px if MARKER_STYLES[kind].bottom else top_px
            for index in shown:
                stamp_glyph(p, kind, float(xs[index]), y_px, glyph)
                if kind in LABELLED_KINDS and lane_px >= 22:
                    marker = run.items[index]
                    ignored = signal_ignored(lane, marker, now)
                    _paint_marker_text(
                        p,
                        f"{marker.label} ignored" if ignored else marker.label,
                        float(xs[index]) + glyph * 0.65,
                        y_px,
                        text_font,
                        outcome_px,
                    )
        p.setPen(Qt.PenStyle.NoPen)
        paint_print_marks(
            p, lane, sx, dx, bottom_px, left_px, right_px, max(2.0, glyph * 0.35)
        )
        if outcome_px is not None and lane.explanation is not None:
            stamp_badge(
                p,
                outcome_px + 3.0,
                (row + 0.5) * sy + dy,
                badge_text(lane),
                lane.outcome,
                badge_font,
            )
    if lane_px >= 22:
        paint_callouts(p, data, view, transform, scale, marker_px)
    p.restore()


def _paint_marker_text(
    p: QPainter, text: str, x: float, y: float, fnt: QFont, outcome_px: float | None
) -> None:
    """A small name beside a signal glyph, unless the badge says it already."""
    metrics = QFontMetricsF(fnt)
    width = metrics.horizontalAdvance(text) + 6
    if outcome_px is not None and x - 12 <= outcome_px <= x + width + 6:
        return
    rect = QRectF(x, y - metrics.height() / 2, width, metrics.height())
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(palette.label_box(210))
    p.drawRoundedRect(rect, 3, 3)
    p.setPen(QColor(palette.INK))
    p.setFont(fnt)
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
