"""The lanes: one custom pyqtgraph item that paints every lane of a run.

Why one item and raw arrays: at 1 024 lanes × 20 segments a QGraphicsItem per
segment costs 27 ms a frame and a BarGraphItem 182 ms; one ``drawRects`` call
per state colour from numpy arrays costs ≈ 5 ms (DESIGN §2). Text and symbols
(outcome badges, marker glyphs) are drawn only for the rows on screen and only
when lanes are tall enough to read them; thinner lanes get plain colour ticks.

Coordinates: x is seconds since the run started, lane ``row`` spans
y ∈ [row, row + 1] (the view inverts y so row 0, the main program, is on top).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QTransform
from shiboken6 import wrapInstance

from core.lifecycle import RunModel, State
from gui import marks, palette
from gui.palette import DRAW_ORDER, MARKER_STYLES, OUTCOME_STYLES, STATE_STYLES
from gui.timeline_data import OUTCOMES, STATE_CODE, TimelineData, bar_extent
from gui.tooltips import marker_tooltip, outcome_tooltip, segment_at, segment_tooltip

WIDE = 1.0e6
"""Half-width of the bounding rect: the item catches clicks anywhere in a lane."""
TEXT_MIN_PX = 13.0
"""Lanes thinner than this get colour ticks instead of badges and glyphs."""
LINES_MIN_PX = 4.0
"""Lanes thinner than this get no marker ticks at all (they would be mush)."""
DENSE_PX = 3.0
"""Lanes thinner than this fill their whole pitch: thin bars inside sub-pixel
lanes alias into stripes."""
HIT_PX = 6.0
HATCH_PX = 7.0


def _draw_rects(p: QPainter, rects: np.ndarray) -> None:
    """One native drawRects call over a C-contiguous (n, 4) float64 array."""
    if len(rects):
        rects = np.ascontiguousarray(rects, dtype=np.float64)
        p.drawRects(wrapInstance(rects.ctypes.data, QRectF), len(rects))


def _fill_lanes(rects: np.ndarray) -> None:
    """Stretch bars (in place) to their lane's full height."""
    rects[:, 1] = np.floor(rects[:, 1])
    rects[:, 3] = 1.0


def _draw_lines(p: QPainter, lines: np.ndarray) -> None:
    if len(lines):
        lines = np.ascontiguousarray(lines, dtype=np.float64)
        p.drawLines(wrapInstance(lines.ctypes.data, QLineF), len(lines))


class TimelineItem(pg.GraphicsObject):
    """Paints every lane of a :class:`RunModel`; see the module docstring."""

    lane_clicked = Signal(int)

    def __init__(self, model: RunModel) -> None:
        super().__init__()
        self._data = TimelineData(model)
        self._scale = 1.0
        self._selected: int | None = None
        self.grid_step = 0.0
        self._frame_time: float | None = None
        self._brushes = {s: QBrush(QColor(STATE_STYLES[s].colour)) for s in DRAW_ORDER}
        self._outcome_brushes = [
            QBrush(QColor(OUTCOME_STYLES[o].fill)) for o in OUTCOMES
        ]

    # -- feeding -------------------------------------------------------------------

    @property
    def data(self) -> TimelineData:
        return self._data

    @property
    def model(self) -> RunModel:
        return self._data.model

    def set_model(self, model: RunModel) -> None:
        self.prepareGeometryChange()
        self._data = TimelineData(model)
        self._selected = None
        self.update()

    def lanes_changed(self, worker_ids: set[int]) -> None:
        self._data.update(worker_ids)
        self.update()

    def set_presentation_scale(self, scale: float) -> None:
        self._scale = scale
        self.update()

    def set_frame_time(self, t: float | None) -> None:
        """Freeze "now" for the next paint (None: ask the model each time)."""
        self._frame_time = t

    def now(self) -> float:
        return self.model.now() if self._frame_time is None else self._frame_time

    def set_grid_step(self, step: float) -> None:
        """Seconds between vertical grid lines (0: none); the view keeps it in
        step with the time axis labels."""
        self.grid_step = step
        self.update()

    def set_selected(self, worker_id: int | None) -> None:
        self._selected = worker_id
        self.update()

    def row_of(self, worker_id: int) -> int | None:
        return self._data.row_of.get(worker_id)

    # -- QGraphicsItem ---------------------------------------------------------------

    def boundingRect(self) -> QRectF:
        return QRectF(-WIDE, 0.0, 2 * WIDE, float(self._data.row_count))

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):
        if ax == 0:
            return (0.0, max(self.model.now(), 1e-3))
        return (0.0, float(self._data.row_count))

    def paint(self, p: QPainter, *args: object) -> None:
        data = self._data
        now = self.now()
        view = self.viewRect()
        if view is None:
            view = QRectF(0.0, 0.0, max(now, 1e-3), float(data.row_count))
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(Qt.PenStyle.NoPen)
        self._paint_grid(p, view)
        self._paint_selection(p, view)
        transform = p.transform()
        lane_px = abs(transform.m22())
        dense = lane_px < DENSE_PX
        for state in DRAW_ORDER:
            style = STATE_STYLES[state]
            if dense and state is State.CREATED:
                continue  # "not started yet" stays empty in an overview
            rects = np.concatenate(
                [data.closed[state].array, data.open_rects(STATE_CODE[state], now)]
            )
            if not len(rects):
                continue
            if dense:
                _fill_lanes(rects)
            if style.hatch:
                p.setBrush(QColor(style.pale))
                _draw_rects(p, rects)
                self._paint_hatch(p, rects, view, transform, QColor(style.colour))
                continue
            p.setBrush(self._brushes[state])
            _draw_rects(p, rects)
        p.setBrush(QColor(palette.CPU_FILL))
        cpu = data.cpu.array
        if dense and len(cpu):
            cpu = cpu.copy()
            _fill_lanes(cpu)
        _draw_rects(p, cpu)
        if lane_px >= LINES_MIN_PX:
            self._paint_marker_lines(p)
        if lane_px < TEXT_MIN_PX:
            self._paint_outcome_ticks(p, transform)
        else:
            self._paint_decorations(p, view, transform, lane_px, now)

    @staticmethod
    def _paint_hatch(
        p: QPainter,
        rects: np.ndarray,
        view: QRectF,
        transform: QTransform,
        ink: QColor,
    ) -> None:
        """Diagonal lines over "waiting" bars, computed in pixels.

        A pattern brush would follow the world transform (and QSvgGenerator
        renders it as a smear), so the lines are clipped by hand instead.
        """
        visible = transform.mapRect(view)
        lines: list[QLineF] = []
        for x, y, w, h in rects:
            box = transform.mapRect(QRectF(x, y, w, h)).intersected(visible)
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

    def _paint_grid(self, p: QPainter, view: QRectF) -> None:
        step = self.grid_step
        if step <= 0 or view.width() / step > 400:
            return
        xs = np.arange(
            math.ceil(view.left() / step), math.floor(view.right() / step) + 1
        )
        lines = np.empty((len(xs), 4))
        lines[:, 0] = lines[:, 2] = xs * step
        lines[:, 1] = max(view.top(), 0.0)
        lines[:, 3] = min(view.bottom(), float(self._data.row_count))
        pen = QPen(QColor(palette.GRID), 1)
        pen.setCosmetic(True)
        p.setPen(pen)
        _draw_lines(p, lines)
        p.setPen(Qt.PenStyle.NoPen)

    def _paint_selection(self, p: QPainter, view: QRectF) -> None:
        row = None if self._selected is None else self.row_of(self._selected)
        if row is None:
            return
        p.setBrush(QColor(palette.SELECTION))
        p.drawRect(QRectF(view.left(), row, view.width(), 1.0))
        pen = QPen(QColor(palette.ORANGE), 2)
        pen.setCosmetic(True)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawLine(QPointF(view.left(), row), QPointF(view.right(), row))
        p.drawLine(QPointF(view.left(), row + 1.0), QPointF(view.right(), row + 1.0))
        p.setPen(Qt.PenStyle.NoPen)

    def _paint_marker_lines(self, p: QPainter) -> None:
        for kind, lines in self._data.lines.items():
            if lines.size:
                pen = QPen(QColor(MARKER_STYLES[kind].colour), 1.5)
                pen.setCosmetic(True)
                p.setPen(pen)
                _draw_lines(p, lines.array)
        p.setPen(Qt.PenStyle.NoPen)

    def _paint_outcome_ticks(self, p: QPainter, transform: QTransform) -> None:
        """Thin lanes: the outcome as a short coloured block, no text."""
        data = self._data
        width = 6.0 / max(abs(transform.m11()), 1e-9)
        for code, brush in enumerate(self._outcome_brushes):
            rows = np.flatnonzero(data.outcome_code == code)
            if rows.size == 0:
                continue
            rects = np.empty((rows.size, 4))
            rects[:, 0] = data.outcome_x[rows]
            rects[:, 1] = rows + 0.05
            rects[:, 2] = width
            rects[:, 3] = 0.9
            p.setBrush(brush)
            _draw_rects(p, rects)

    def _paint_decorations(
        self,
        p: QPainter,
        view: QRectF,
        transform: QTransform,
        lane_px: float,
        now: float,
    ) -> None:
        """Glyphs, signal names and outcome badges for the rows on screen, in pixels."""
        data = self._data
        first = max(0, math.floor(view.top()))
        last = min(data.row_count, math.ceil(view.bottom()))
        scale = self._scale
        glyph = min(13.0 * scale, lane_px * 0.42)
        badge_font = palette.font(
            min(palette.BADGE_PX * scale, lane_px * 0.5), bold=True
        )
        text_font = palette.font(
            min(palette.MARKER_TEXT_PX * scale, lane_px * 0.36), bold=True
        )
        left_x, right_x = view.left(), view.right()
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for row in range(first, last):
            lane = data.lanes[row]
            top, height = bar_extent(row, State.RUNNING)
            top_px = transform.map(QPointF(0.0, top)).y()
            bottom_px = transform.map(QPointF(0.0, top + height)).y()
            centre_px = transform.map(QPointF(0.0, row + 0.5)).y()
            outcome_px = None
            if lane.outcome is not None and not math.isnan(data.outcome_x[row]):
                outcome_px = transform.map(QPointF(data.outcome_x[row], 0.0)).x()
            drawn: dict[str, float] = {}
            for marker in lane.markers:
                style = MARKER_STYLES.get(marker.kind)
                if style is None or not left_x <= marker.t <= right_x:
                    continue
                x_px = transform.map(QPointF(marker.t, 0.0)).x()
                if abs(x_px - drawn.get(marker.kind, -1e9)) < glyph * 0.8:
                    continue  # the same symbol again within a few pixels
                drawn[marker.kind] = x_px
                y_px = bottom_px if style.bottom else top_px
                marks.draw_glyph(p, marker.kind, x_px, y_px, glyph)
                if marker.kind in ("signal", "mark") and lane_px >= 22:
                    self._paint_marker_text(
                        p,
                        marker.label,
                        x_px + glyph * 0.65,
                        y_px,
                        text_font,
                        outcome_px,
                    )
            if outcome_px is not None and lane.explanation is not None:
                marks.draw_badge(
                    p,
                    outcome_px + 3.0,
                    centre_px,
                    lane.explanation.label,
                    lane.outcome,
                    badge_font,
                )
        p.restore()

    @staticmethod
    def _paint_marker_text(
        p: QPainter,
        text: str,
        x: float,
        y: float,
        fnt: object,
        outcome_px: float | None,
    ) -> None:
        """A small name beside a signal glyph, unless the badge says it already."""
        from PySide6.QtGui import QFontMetricsF

        metrics = QFontMetricsF(fnt)
        width = metrics.horizontalAdvance(text) + 6
        if outcome_px is not None and x - 12 <= outcome_px <= x + width + 6:
            return
        rect = QRectF(x, y - metrics.height() / 2, width, metrics.height())
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 255, 255, 210))
        p.drawRoundedRect(rect, 3, 3)
        p.setPen(QColor(palette.INK))
        p.setFont(fnt)
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    # -- interaction ----------------------------------------------------------------

    def describe_at(self, x: float, y: float, px_x: float, px_y: float) -> str:
        """Tooltip text for the point (x s, lane y); px_* = data units per pixel."""
        data = self._data
        lane = data.lane_at(y)
        if lane is None:
            return ""
        row = data.row_of[lane.worker_id]
        lane_px = 1.0 / px_y if px_y > 0 else 100.0
        if lane.outcome is not None and lane.explanation is not None:
            start = data.outcome_x[row]
            if lane_px >= TEXT_MIN_PX:
                size = min(palette.BADGE_PX * self._scale, lane_px * 0.5)
                width, height = marks.badge_size(
                    lane.explanation.label, palette.font(size, bold=True)
                )
            else:
                width, height = 6.0, lane_px
            dx = (x - start) / px_x
            dy = abs(y - (row + 0.5)) / px_y
            if -1.0 <= dx <= width + 4.0 and dy <= height / 2 + 1.0:
                return outcome_tooltip(lane)
        near = [
            m
            for m in lane.markers
            if m.kind in MARKER_STYLES and abs(m.t - x) / px_x <= HIT_PX
        ]
        if near:
            return marker_tooltip(lane, min(near, key=lambda m: abs(m.t - x)))
        now = self.now()
        segment = segment_at(lane, min(x, now))
        if segment is None:
            return outcome_tooltip(lane)
        return segment_tooltip(lane, segment, now)

    def hoverEvent(self, ev) -> None:
        if ev.isExit():
            self.setToolTip("")
            return
        pos = ev.pos()
        self.setToolTip(
            self.describe_at(pos.x(), pos.y(), self.pixelWidth(), self.pixelHeight())
        )

    def mouseClickEvent(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        lane = self._data.lane_at(ev.pos().y())
        if lane is not None:
            ev.accept()
            self.lane_clicked.emit(lane.worker_id)
