"""Task spans inside their lanes: a band of colour per task label.

A pool run shows tens of thousands of tasks; zoomed out, most are narrower
than a pixel. Drawing each as a rectangle would cost Qt one fill per task and
show nothing more, so spans under a pixel are merged first, with numpy: each
lands in one cell of a (row × pixel column) grid, the grid is read as runs of
one colour, and every run becomes one rectangle. Wider spans stay exact (a
pixel of gap between neighbours, a label when it fits). Each colour is then
one ``drawRects`` call (DESIGN §2), so a frame costs what the screen holds,
not what the run holds.

Errors are never merged away: a column holding a failed task is drawn in the
error colour, a wide failed task gets an error strip and a ✗ before its label.
A task cut off when its worker ended gets a torn right edge.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPolygonF, QTransform

from gui import palette
from gui.timeline.lane_overlay import draw_rects
from gui.timeline.stamp_cache import StampCache
from gui.timeline.task_data import (
    COLOUR,
    CUT,
    END,
    ERROR,
    MARK,
    PALETTE_SIZE,
    ROW,
    START,
    TaskData,
)

BAND_TOP = 0.31
BAND_HEIGHT = 0.38
"""The task band, in lane heights: inside the state bar (0.19–0.81), so the
bar's colour still shows above and below it."""
TASK_COLOURS = ("#1B9E77", "#7570B3", "#66A61E", "#E6AB02", "#A6761D", "#E7298A")
"""ColorBrewer Dark2 without its grey: distinct from the state colours the
band sits on, and from the error colour."""
TASK_TEXT = ("#FFFFFF", "#FFFFFF", palette.INK, palette.INK, "#FFFFFF", "#FFFFFF")
"""Label colour on each task colour (dark on the light ones)."""
ERROR_COLOUR = palette.VERMILLION
ERROR_CODE = PALETTE_SIZE
"""Grid cells holding a failed task, whatever else shares their pixel."""
assert len(TASK_COLOURS) == len(TASK_TEXT) == PALETTE_SIZE
GAP_PX = 4.0
"""Spans at least this wide leave a pixel free at their end (neighbours read
as separate tasks)."""
LABEL_MIN_PX = 24.0
TEXT_BAND_PX = 10.0
"""A band thinner than this gets no labels."""
CUT_MIN_PX = 6.0
_STAMPS = StampCache()
_WIDTHS: dict[tuple[str, int], float] = {}


def paint_tasks(
    p: QPainter,
    tasks: TaskData,
    view: QRectF,
    transform: QTransform,
    now: float,
    row_count: int,
    scale: float = 1.0,
) -> None:
    """Draw every task on screen (the painter's transform: data → device)."""
    first = max(0, math.floor(view.top()))
    last = min(row_count, math.ceil(view.bottom()))
    if last <= first or (not tasks.closed.size and not len(tasks.running)):
        return
    spans, index = _on_screen(tasks, view, first, last, now)
    if not len(spans):
        return
    sx, dx = transform.m11(), transform.dx()
    sy, dy = transform.m22(), transform.dy()
    visible = transform.mapRect(view)
    left_px, right_px = visible.left() - 2.0, visible.right() + 2.0
    x0 = np.clip(spans[:, START] * sx + dx, left_px, right_px)
    x1 = np.clip(spans[:, END] * sx + dx, left_px, right_px)
    band_px = max(abs(BAND_HEIGHT * sy), 1.0)
    top_px = (spans[:, ROW] + BAND_TOP) * sy + dy
    if sy < 0:
        top_px -= band_px
    narrow = (x1 - x0) < 1.0
    merged = _merge_narrow(
        x0[narrow] + x1[narrow],
        spans[narrow],
        first,
        last,
        (math.floor(left_px), math.ceil(right_px)),
        (BAND_TOP * sy + dy, sy, band_px),
    )
    wide = ~narrow
    rects = np.empty((int(wide.sum()), 4))
    rects[:, 0] = x0[wide]
    rects[:, 1] = top_px[wide]
    rects[:, 2] = x1[wide] - x0[wide]
    rects[:, 3] = band_px
    rects[rects[:, 2] >= GAP_PX, 2] -= 1.0
    colours = spans[wide, COLOUR].astype(np.intp)
    marks = spans[wide, MARK]
    p.save()
    p.resetTransform()
    p.setPen(Qt.PenStyle.NoPen)
    for code, colour in enumerate(TASK_COLOURS):
        p.setBrush(QColor(colour))
        draw_rects(p, np.concatenate([merged[code], rects[colours == code]]))
    strips = rects[marks == ERROR].copy()
    strips[:, 1] += strips[:, 3] * 0.6
    strips[:, 3] *= 0.4
    p.setBrush(QColor(ERROR_COLOUR))
    draw_rects(p, np.concatenate([merged[ERROR_CODE], strips]))
    _paint_cuts(p, rects[marks == CUT])
    if band_px >= TEXT_BAND_PX:
        _paint_labels(p, tasks, rects, index[wide], colours, band_px, scale)
    p.restore()


def _on_screen(
    tasks: TaskData, view: QRectF, first: int, last: int, now: float
) -> tuple[np.ndarray, np.ndarray]:
    """Spans in view as one (n, 5) array (running ones end at ``now``) and each
    one's index: into ``closed_spans``, then on into ``running_spans``."""
    closed = tasks.closed.array
    mask = (closed[:, END] >= view.left()) & (closed[:, START] <= view.right())
    mask &= (closed[:, ROW] >= first) & (closed[:, ROW] < last)
    running = tasks.running.copy()
    running[:, END] = np.maximum(now, running[:, START])
    running_index = np.arange(len(running)) + len(closed)
    if mask.all():
        return np.concatenate([closed, running]), np.concatenate(
            [np.arange(len(closed)), running_index]
        )
    shown = np.flatnonzero(mask)
    return np.concatenate([closed[shown], running]), np.concatenate(
        [shown, running_index]
    )


def _merge_narrow(
    centres2: np.ndarray,
    spans: np.ndarray,
    first: int,
    last: int,
    columns: tuple[int, int],
    band: tuple[float, float, float],
) -> list[np.ndarray]:
    """Per colour code (errors last), device rects covering the sub-pixel spans:
    one cell per (row, pixel column), consecutive cells of a colour joined."""
    empty = [np.empty((0, 4))] * (PALETTE_SIZE + 1)
    if not len(spans):
        return empty
    left, right = columns
    width = right - left + 2  # the last column stays empty: runs end at rows
    cells = (spans[:, ROW].astype(np.intp) - first) * width + np.clip(
        np.floor(centres2 * 0.5).astype(np.intp) - left, 0, width - 2
    )
    grid = np.full((last - first) * width, -1, dtype=np.int8)
    grid[cells] = spans[:, COLOUR]
    grid[cells[spans[:, MARK] == ERROR]] = ERROR_CODE
    starts = np.flatnonzero(np.diff(grid, prepend=-2))
    lengths = np.diff(starts, append=len(grid))
    codes = grid[starts]
    filled = codes >= 0
    starts, lengths, codes = starts[filled], lengths[filled], codes[filled]
    top0, sy, band_px = band
    rects = np.empty((len(starts), 4))
    rects[:, 0] = starts % width + left
    rects[:, 1] = (starts // width + first) * sy + top0
    if sy < 0:
        rects[:, 1] -= band_px
    rects[:, 2] = lengths
    rects[:, 3] = band_px
    return [rects[codes == code] for code in range(PALETTE_SIZE + 1)]


def _paint_cuts(p: QPainter, rects: np.ndarray) -> None:
    """A torn right edge: white notches cut into the span's end."""
    rects = rects[rects[:, 2] >= CUT_MIN_PX][:500]
    if not len(rects):
        return
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setBrush(QColor(palette.BACKGROUND))
    for x, y, w, h in rects:
        depth = min(5.0, w / 3.0)
        teeth = max(2, round(h / 6.0))
        step = h / (2 * teeth)
        right = x + w
        points = [QPointF(right + 0.5, y)]
        for k in range(2 * teeth + 1):
            points.append(QPointF(right - depth * (k % 2), y + k * step))
        points.append(QPointF(right + 0.5, y + h))
        p.drawPolygon(QPolygonF(points))
    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)


def _paint_labels(
    p: QPainter,
    tasks: TaskData,
    rects: np.ndarray,
    index: np.ndarray,
    colours: np.ndarray,
    band_px: float,
    scale: float,
) -> None:
    """Each wide span's label, when the whole label fits inside it."""
    roomy = np.flatnonzero(rects[:, 2] >= LABEL_MIN_PX)
    if not len(roomy):
        return
    fnt = palette.font(min(11.0 * scale, band_px * 0.8))
    closed = len(tasks.closed_spans)
    for i in roomy:
        j = int(index[i])
        span = tasks.closed_spans[j] if j < closed else tasks.running_spans[j - closed]
        text = ("✗ " if span.outcome == "error" else "") + span.label
        width = _text_width(text, fnt)
        x, y, w, h = rects[i]
        if width + 6.0 > w:
            continue
        code = int(colours[i])
        _STAMPS.stamp(
            p,
            ("task", text, fnt.pixelSize(), code),
            x + 3.0,
            y,
            width,
            h,
            lambda q, t=text, c=code, wd=width, ht=h: _draw_label(q, t, c, wd, ht, fnt),
        )


def _text_width(text: str, fnt: QFont) -> float:
    key = (text, fnt.pixelSize())
    width = _WIDTHS.get(key)
    if width is None:
        if len(_WIDTHS) > 4096:
            _WIDTHS.clear()
        width = _WIDTHS[key] = QFontMetricsF(fnt).horizontalAdvance(text)
    return width


def _draw_label(
    q: QPainter, text: str, code: int, width: float, height: float, fnt: QFont
) -> None:
    q.setPen(QColor(TASK_TEXT[code]))
    q.setFont(fnt)
    q.drawText(
        QRectF(0.0, 0.0, width + 1.0, height), Qt.AlignmentFlag.AlignVCenter, text
    )
