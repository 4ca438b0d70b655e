"""Task spans inside their lanes: a band of colour per task label.

A pool run shows tens of thousands of tasks; zoomed out, most are narrower
than a pixel. Drawing each as a rectangle would cost Qt one fill per task and
show nothing more, so spans narrower than a few pixels are merged first, with
numpy: each colours the cells of a (row × pixel column) grid it covers, the
grid is read as runs of one colour, and every run becomes one rectangle.
Wider spans stay exact (a pixel of gap between neighbours, a label when it
fits). Each colour is then one ``drawRects`` call (DESIGN §2), so a frame
costs what the screen holds, not what the run holds (100 000 tasks on 64
lanes: ≈ 5 ms, ``python -m bench --only 7``).

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
from gui.timeline.task_data import CUT, ERROR, PALETTE_SIZE, TaskData

BAND_TOP = 0.31
BAND_HEIGHT = 0.38
"""The task band, in lane heights: inside the state bar (0.19–0.81), so the
bar's colour still shows above and below it."""
TASK_COLOURS = ("#117733", "#882255", "#332288", "#999933", "#44AA99", "#AA4499")
"""Paul Tol's colour-blind-safe "muted" set, without the hues of the states
the band sits on (its cyan, sand and rose read as running, exited, exiting)."""
TASK_TEXT = ("#FFFFFF", "#FFFFFF", "#FFFFFF", palette.INK, palette.INK, "#FFFFFF")
"""Label colour on each task colour (dark on the light ones)."""
ERROR_COLOUR = palette.VERMILLION
ERROR_CODE = PALETTE_SIZE
"""Grid cells holding a failed task, whatever else shares their pixel."""
assert len(TASK_COLOURS) == len(TASK_TEXT) == PALETTE_SIZE
WIDE_PX = 4.0
"""Spans at least this wide are drawn exactly, a pixel of gap at their end so
that neighbours read as separate tasks; narrower ones are merged."""
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
    if last <= first or not tasks.size:
        return
    sx, dx = transform.m11(), transform.dx()
    sy, dy = transform.m22(), transform.dy()
    band_px = max(abs(BAND_HEIGHT * sy), 1.0)
    top0 = BAND_TOP * sy + dy - (band_px if sy < 0 else 0.0)
    visible = transform.mapRect(view)
    left, right = math.floor(visible.left()), math.ceil(visible.right())
    start, end, row, colour, mark = tasks.columns()
    x0 = start * sx + dx
    x1 = np.minimum(end, max(now, 0.0)) * sx + dx  # running tasks (+inf) end now
    shown = (x1 >= left) & (x0 <= right)
    if first > 0 or last < row_count:
        shown &= (row >= first) & (row < last)
    wide = (x1 - x0) >= WIDE_PX
    small_at = np.flatnonzero(shown & ~wide)
    wide_at = np.flatnonzero(shown & wide)
    merged = _merge_small(
        *(c[small_at] for c in (x0, x1, row, colour, mark)),
        (first, last), (left, right), (top0, sy, band_px),
    )  # fmt: skip
    rects = np.empty((len(wide_at), 4))
    rects[:, 0] = np.maximum(x0[wide_at], left - 1.0)
    rects[:, 1] = row[wide_at] * sy + top0
    rects[:, 2] = np.minimum(x1[wide_at], right + 1.0) - rects[:, 0] - 1.0
    rects[:, 3] = band_px
    colours = colour[wide_at]
    marks = mark[wide_at]
    p.save()
    p.resetTransform()
    p.setPen(Qt.PenStyle.NoPen)
    for code, name in enumerate(TASK_COLOURS):
        p.setBrush(QColor(name))
        draw_rects(p, np.concatenate([merged[code], rects[colours == code]]))
    strips = rects[marks == ERROR]
    strips[:, 1] += strips[:, 3] * 0.6
    strips[:, 3] *= 0.4
    p.setBrush(QColor(ERROR_COLOUR))
    draw_rects(p, np.concatenate([merged[ERROR_CODE], strips]))
    _paint_cuts(p, rects[marks == CUT])
    if band_px >= TEXT_BAND_PX:
        _paint_labels(p, tasks, rects, wide_at, colours, band_px, scale)
    p.restore()


def _merge_small(
    x0: np.ndarray,
    x1: np.ndarray,
    row: np.ndarray,
    colour: np.ndarray,
    mark: np.ndarray,
    rows: tuple[int, int],
    columns: tuple[int, int],
    band: tuple[float, float, float],
) -> list[np.ndarray]:
    """Per colour code (errors last), device rects covering the small spans.

    Each span colours the grid cells (row × pixel column) it covers, at least
    one; a later span wins a shared cell, a failed one always wins. The grid
    is then read as runs of one colour, one rectangle per run.
    """
    if not len(x0):
        return [np.empty((0, 4))] * (PALETTE_SIZE + 1)
    first, last = rows
    left, right = columns
    width = right - left + 2  # the last column stays empty: runs end at rows
    # nearest pixel edges, clipped before the cast (any float becomes a column)
    c0 = np.clip(x0 - (left - 0.5), 0, width - 2).astype(np.intp)
    c1 = np.maximum(np.clip(x1 - (left - 0.5), 0, width - 1).astype(np.intp), c0 + 1)
    used = np.zeros(last - first, dtype=bool)  # grid rows only for rows in use
    used[row - first] = True
    slot = np.cumsum(used) - 1
    base = slot[row - first] * width + c0
    cover = c1 - c0
    grid = np.full(int(slot[-1] + 1) * width, -1, dtype=np.int8)
    grid[base] = colour
    longer, offset = np.flatnonzero(cover > 1), 1
    while len(longer):  # spans over several cells: few, and fewer each pass
        grid[base[longer] + offset] = colour[longer]
        offset += 1
        longer = longer[cover[longer] > offset]
    failed = np.flatnonzero(mark == ERROR)
    for offset in range(int(cover[failed].max()) if len(failed) else 0):
        grid[base[failed[cover[failed] > offset]] + offset] = ERROR_CODE
    starts = np.flatnonzero(grid[1:] != grid[:-1]) + 1
    starts = np.concatenate(([0], starts))
    lengths = np.diff(starts, append=len(grid))
    codes = grid[starts]
    filled = codes >= 0
    starts, lengths, codes = starts[filled], lengths[filled], codes[filled]
    top0, sy, band_px = band
    rects = np.empty((len(starts), 4))
    rects[:, 0] = starts % width + left
    rects[:, 1] = (np.flatnonzero(used)[starts // width] + first) * sy + top0
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
    for i in roomy:
        span = tasks.spans[index[i]]
        text = ("✗ " if span.outcome == "error" else "") + span.label
        width = _text_width(text, fnt)
        x, y, w, h = rects[i]
        if not text or width + 6.0 > w:
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
