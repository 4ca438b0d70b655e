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
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QTransform

from core.hazards import Hazard
from core.model.lanes import Lane, Marker
from core.model.run_model import RunModel
from gui import palette
from gui.palette import DRAW_ORDER, MARKER_STYLES, OUTCOME_STYLES, STATE_STYLES
from gui.timeline import marks
from gui.timeline.hazard_badges import hazard_near, paint_hazard_badges
from gui.timeline.lane_overlay import (
    TEXT_MIN_PX,
    draw_lines,
    draw_rects,
    fill_lanes,
    paint_decorations,
    paint_hatch,
)
from gui.timeline.task_data import task_at
from gui.timeline.task_painter import BAND_HEIGHT, BAND_TOP, paint_tasks
from gui.timeline.timeline_data import OUTCOMES, STATE_CODE, TimelineData
from gui.timeline.tooltips import (
    marker_tooltip,
    outcome_tooltip,
    segment_at,
    segment_tooltip,
    sized,
    task_tooltip,
)

WIDE = 1.0e6
"""Half-width of the bounding rect: the item catches clicks anywhere in a lane."""
LINES_MIN_PX = 4.0
"""Lanes thinner than this get no marker ticks at all (they would be mush)."""
DENSE_PX = 3.0
"""Lanes thinner than this fill their whole pitch: thin bars inside sub-pixel
lanes alias into stripes."""
HIT_PX = 6.0
MUTED_VEIL = QColor(255, 255, 255, 150)
"""Laid over helper and untracked lanes: their bars read as background."""


class TimelineItem(pg.GraphicsObject):
    """Paints every lane of a :class:`RunModel`; see the module docstring."""

    lane_clicked = Signal(int)
    marker_clicked = Signal(int, object)
    """(lane id, Marker) under a left click, besides ``lane_clicked``."""

    def __init__(self, model: RunModel, show_helpers: bool = True) -> None:
        super().__init__()
        self._data = TimelineData(model, show_helpers)
        self._scale = 1.0
        self._selected: int | None = None
        self.grid_step = 0.0
        self._frame_time: float | None = None
        self._hazards: list[Hazard] = []
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
        self._data = TimelineData(model, self._data.show_helpers, self._data.collapsed)
        self._selected = None
        self.update()

    def apply_theme(self) -> None:
        """Take the palette's current colours (the theme changed)."""
        self._brushes = {s: QBrush(QColor(STATE_STYLES[s].colour)) for s in DRAW_ORDER}
        self.update()

    def set_show_helpers(self, show: bool) -> None:
        """Show or hide helper lanes (rows are laid out again)."""
        if show != self._data.show_helpers:
            self._lay_out_again(show, self._data.collapsed)

    def set_collapsed(self, collapsed: frozenset[int]) -> None:
        """Hide the lanes under these lanes (rows are laid out again)."""
        if collapsed != self._data.collapsed:
            self._lay_out_again(self._data.show_helpers, collapsed)

    def _lay_out_again(self, show_helpers: bool, collapsed: frozenset[int]) -> None:
        self.prepareGeometryChange()
        self._data = TimelineData(self._data.model, show_helpers, collapsed)
        self.update()

    def lanes_changed(self, worker_ids: set[int]) -> bool:
        """Take in changes; True if rows were added or moved (labels follow).
        No repaint is asked for here: the view asks for one unless it is live,
        when its 30 Hz frame repaints anyway."""
        if self._data.needs_layout(worker_ids):
            self.prepareGeometryChange()  # before the bounding rect grows
        return self._data.update(worker_ids)

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

    def set_hazards(self, hazards: list[Hazard]) -> None:
        """The hazards to badge (core.hazards.detect found them)."""
        if hazards != self._hazards:
            self._hazards = list(hazards)
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
            rects = np.concatenate(
                [data.closed[state].array, data.open_rects(STATE_CODE[state], now)]
            )
            if not len(rects):
                continue
            if dense:
                fill_lanes(rects)
            if style.hatch:
                p.setBrush(QColor(style.pale))
                draw_rects(p, rects)
                paint_hatch(p, rects, view, transform, QColor(style.colour))
                continue
            p.setBrush(self._brushes[state])
            draw_rects(p, rects)
        p.setBrush(QColor(palette.CPU_FILL))
        cpu = data.cpu.array
        if dense and len(cpu):
            cpu = cpu.copy()
            fill_lanes(cpu)
        draw_rects(p, cpu)
        paint_tasks(p, data.tasks, view, transform, now, data.row_count, self._scale)
        self._paint_muted(p, view)
        if lane_px >= LINES_MIN_PX:
            self._paint_marker_lines(p, view)
        if lane_px < TEXT_MIN_PX:
            self._paint_outcome_ticks(p, transform)
        else:
            paint_decorations(p, self._data, view, transform, lane_px, self._scale)
        paint_hazard_badges(p, data, self._hazards, view, transform, self._scale)

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
        draw_lines(p, lines)
        p.setPen(Qt.PenStyle.NoPen)

    def _paint_muted(self, p: QPainter, view: QRectF) -> None:
        rows = self._data.muted_rows
        rows = rows[(rows >= math.floor(view.top())) & (rows < view.bottom())]
        if not len(rows):
            return
        veil = np.empty((len(rows), 4))
        veil[:, 0] = view.left()
        veil[:, 1] = rows
        veil[:, 2] = view.width()
        veil[:, 3] = 1.0
        p.setBrush(MUTED_VEIL)
        draw_rects(p, veil)

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

    def _paint_marker_lines(self, p: QPainter, view: QRectF) -> None:
        top, bottom = view.top() - 1.0, view.bottom()
        for kind, lines in self._data.lines.items():
            if not lines.size:
                continue
            array = lines.array
            if top > 0.0 or bottom < self._data.row_count:  # only rows on screen
                array = array[(array[:, 1] >= top) & (array[:, 1] <= bottom)]
            pen = QPen(QColor(MARKER_STYLES[kind].colour), 1.5)
            pen.setCosmetic(True)
            p.setPen(pen)
            draw_lines(p, array)
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
            draw_rects(p, rects)

    # -- interaction ----------------------------------------------------------------

    def describe_at(self, x: float, y: float, px_x: float, px_y: float) -> str:
        """Tooltip text for the point (x s, lane y); px_* = data units per pixel."""
        data = self._data
        lane = data.lane_at(y)
        if lane is None:
            return ""
        row = data.row_of[lane.worker_id]
        lane_px = 1.0 / px_y if px_y > 0 else 100.0
        hazard = hazard_near(self._hazards, lane.worker_id, x, px_x, HIT_PX * 2)
        if hazard is not None and y - row <= 0.45:  # the badge, on the top edge
            return f"⚠ {hazard.title}\n{hazard.text}\n(see the Hazards tab)"
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
        marker = self._marker_near(lane, x, px_x)
        if marker is not None:
            return marker_tooltip(lane, marker)
        now = self.now()
        if lane.tasks and abs(y - row - BAND_TOP - BAND_HEIGHT / 2) <= (
            BAND_HEIGHT / 2 + px_y
        ):
            span = task_at(lane, x, 2 * px_x, now)
            if span is not None:
                return task_tooltip(lane, span, now)
        segment = segment_at(lane, min(x, now))
        if segment is None:
            return outcome_tooltip(lane)
        return segment_tooltip(lane, segment, now)

    @staticmethod
    def _marker_near(lane: Lane, x: float, px_x: float) -> Marker | None:
        near = [
            m
            for m in lane.markers
            if m.kind in MARKER_STYLES and abs(m.t - x) / px_x <= HIT_PX
        ]
        return min(near, key=lambda m: abs(m.t - x)) if near else None

    def hoverEvent(self, ev) -> None:
        if ev.isExit():
            self.setToolTip("")
            return
        pos = ev.pos()
        text = self.describe_at(pos.x(), pos.y(), self.pixelWidth(), self.pixelHeight())
        self.setToolTip(sized(text, self._scale))

    def mouseClickEvent(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        lane = self._data.lane_at(ev.pos().y())
        if lane is not None:
            ev.accept()
            self.lane_clicked.emit(lane.worker_id)
            marker = self._marker_near(lane, ev.pos().x(), self.pixelWidth())
            if marker is not None:
                self.marker_clicked.emit(lane.worker_id, marker)
