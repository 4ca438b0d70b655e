"""The lane labels left of the timeline: worker name and pid (or "thread").

A pyqtgraph AxisItem so that it stays aligned with the view while panning and
zooming; it paints its own labels instead of numeric ticks. When lanes are
too thin for one label each, only every k-th lane is labelled (k a round
number), so 1 024 lanes read as a ruled list rather than a smear of text.
"""

from __future__ import annotations

import math
import re

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from core.model.run_model import Lane
from gui import palette
from gui.timeline.lane_order import name_ink
from gui.timeline.tooltips import identity, outcome_tooltip, sized

NICE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)
_DIGITS = re.compile(r"[0-9]")


class LaneAxis(pg.AxisItem):
    """Left axis that labels lanes; emits ``lane_clicked`` like the lanes do."""

    lane_clicked = Signal(int)
    lane_double_clicked = Signal(int)

    def __init__(self) -> None:
        super().__init__("left")
        self._lanes: list[Lane] = []
        self._labels: list[str] = []
        self._scale = 1.0
        self._selected: int | None = None
        # Text measurement is the costly part (1 024 lanes re-measured on every
        # batch of new pids held the GUI thread for seconds): names are measured
        # once, identities once per digit pattern (digits are equally wide).
        self._name_widest: float | None = None
        self._identity_widths: dict[str, float] = {}
        self._patterns: dict[int, str] = {}  # worker id → its identity's pattern
        self.setPen(QColor(palette.GRID))

    def set_lanes(self, lanes: list[Lane], labels: list[str]) -> None:
        """The rows' lanes and their labels (TimelineData's)."""
        self._lanes, self._labels = lanes, labels
        self._name_widest = None
        self._patterns = {lane.worker_id: _pattern(identity(lane)) for lane in lanes}
        self.refresh()

    def identity_changed(self, worker_id: int, text: str) -> None:
        """A lane's second line changed (its pid arrived); call refresh() after."""
        self._patterns[worker_id] = _pattern(text)

    def set_presentation_scale(self, scale: float) -> None:
        self._scale = scale
        self._name_widest = None
        self._identity_widths.clear()
        self.refresh()

    def set_selected(self, worker_id: int | None) -> None:
        self._selected = worker_id
        self.update()

    def refresh(self) -> None:
        """Re-measure (pids arrive during a run) and repaint."""
        self.setWidth(round(self.preferred_width()))
        self.update()

    def preferred_width(self) -> float:
        if self._name_widest is None:
            bold = palette.font(palette.LABEL_PX * self._scale, bold=True)
            name = QFontMetricsF(bold)
            self._name_widest = max(
                map(name.horizontalAdvance, self._labels[:2000]), default=0.0
            )
        patterns = set(self._patterns.values())
        unmeasured = patterns - self._identity_widths.keys()
        if unmeasured:
            sub = QFontMetricsF(palette.font(palette.SUBLABEL_PX * self._scale))
            for text in unmeasured:
                self._identity_widths[text] = sub.horizontalAdvance(text)
        widest = max([self._name_widest] + [self._identity_widths[p] for p in patterns])
        return min(max(widest + 22 * self._scale, 90 * self._scale), 300 * self._scale)

    # -- painting --------------------------------------------------------------------

    def _view_geometry(self) -> tuple[float, float, float, float] | None:
        """(top px, height px, first y, last y) of the linked view, in axis coords."""
        view = self.linkedView()
        if view is None or not self._lanes:
            return None
        rect = view.mapRectToItem(self, view.boundingRect())
        low, high = view.viewRange()[1]
        if rect.height() <= 0 or high <= low:
            return None
        return rect.top(), rect.height(), low, high

    def paint(self, p: QPainter, *args: object) -> None:
        geometry = self._view_geometry()
        if geometry is None:
            return
        top, height, low, high = geometry
        lane_px = height / (high - low)
        width = self.mapRectFromParent(self.geometry()).width()
        scale = self._scale
        name_px, sub_px = label_px(lane_px, scale)
        name_font = palette.font(name_px, bold=True)
        sub_font = palette.font(sub_px)
        name_h = QFontMetricsF(name_font).height()
        sub_h = QFontMetricsF(sub_font).height()
        two_lines = lane_px >= name_h + sub_h + 2
        step = 1
        if lane_px < name_h * 1.05:
            need = math.ceil(name_h * 1.4 / max(lane_px, 1e-6))
            step = next((s for s in NICE_STEPS if s >= need), need)
        first = max(0, math.floor(low))
        last = min(len(self._lanes), math.ceil(high))
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        right = width - 8 * scale
        for row in range(first, last):
            y0 = top + (row - low) * lane_px
            lane = self._lanes[row]
            selected = lane.worker_id == self._selected
            if selected:
                p.fillRect(QRectF(0, y0, width, lane_px), QColor(palette.SELECTION))
                p.fillRect(QRectF(0, y0, 4 * scale, lane_px), QColor(palette.ORANGE))
            if step > 1 and row % step and not selected:
                continue
            centre = y0 + lane_px / 2
            p.setPen(QColor(name_ink(lane)))
            p.setFont(name_font)
            if two_lines:
                block = name_h + sub_h
                name_rect = QRectF(0, centre - block / 2, right, name_h)
                self._draw_text(p, name_rect, self._labels[row])
                p.setPen(QColor(palette.MUTED_INK))
                p.setFont(sub_font)
                self._draw_text(
                    p, QRectF(0, name_rect.bottom(), right, sub_h), identity(lane)
                )
            else:
                rect = QRectF(0, centre - name_h / 2, right, name_h)
                self._draw_text(p, rect, self._labels[row])
                if step > 1:
                    p.setPen(QPen(QColor(palette.MUTED_INK), 1))
                    p.drawLine(QPointF(right + 2, centre), QPointF(width, centre))
        p.setPen(QColor(palette.GRID))
        p.drawLine(QPointF(width - 0.5, top), QPointF(width - 0.5, top + height))

    @staticmethod
    def _draw_text(p: QPainter, rect: QRectF, text: str) -> None:
        elided = QFontMetricsF(p.font()).elidedText(
            text, Qt.TextElideMode.ElideMiddle, rect.width() - 4
        )
        p.drawText(
            rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, elided
        )

    # -- interaction ------------------------------------------------------------------

    def _row_at(self, y: float) -> int | None:
        geometry = self._view_geometry()
        if geometry is None:
            return None
        top, height, low, high = geometry
        row = math.floor(low + (y - top) * (high - low) / height)
        return row if 0 <= row < len(self._lanes) else None

    def hoverEvent(self, event) -> None:
        row = None if event.isExit() else self._row_at(event.pos().y())
        text = "" if row is None else outcome_tooltip(self._lanes[row])
        self.setToolTip(sized(text, self._scale))

    def mouseClickEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        row = self._row_at(event.pos().y())
        if row is not None:
            event.accept()
            self.lane_clicked.emit(self._lanes[row].worker_id)
            if event.double():  # open or close a lane's children
                self.lane_double_clicked.emit(self._lanes[row].worker_id)


def label_px(lane_px: float, scale: float) -> tuple[float, float]:
    """(name, pid line) font sizes in pixels for lanes ``lane_px`` tall."""
    return (
        min(palette.LABEL_PX * scale, max(9.0, lane_px * 0.5)),
        min(palette.SUBLABEL_PX * scale, max(8.0, lane_px * 0.36)),
    )


def _pattern(text: str) -> str:
    """Texts with the same pattern are equally wide (digits are tabular);
    the two extra digits leave room for a longer pid arriving later."""
    return _DIGITS.sub("0", text) + "00"
