"""Hazard badges on the lanes: a small amber warning triangle at the moment a
hazard was detected, on the top edge of its lane, so a trap shows where it
happened (the Hazards tab explains it; hovering names it)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF, QTransform

from core.hazards import Hazard
from gui import palette
from gui.timeline.timeline_data import TimelineData

BADGE_PX = 16.0
"""Side of the triangle at presentation scale 1 (never taller than the lane)."""
FILL = "#F0B400"
"""Amber: a warning in every theme, and apart from the state colours."""


def badge_side(lane_px: float, scale: float) -> float:
    return min(BADGE_PX * scale, lane_px * 0.6)


def paint_hazard_badges(
    p: QPainter,
    data: TimelineData,
    hazards: list[Hazard],
    view: QRectF,
    transform: QTransform,
    scale: float,
) -> None:
    """One badge per hazard whose lane is shown and on screen."""
    if not hazards:
        return
    lane_px = abs(transform.m22())
    side = badge_side(lane_px, scale)
    if side < 5.0:
        return  # lanes too thin: the Hazards tab still lists them
    p.save()
    p.resetTransform()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setFont(palette.font(side * 0.7, bold=True))
    for hazard in hazards:
        row = data.row_of.get(hazard.lane)
        if row is None or not view.top() - 1 <= row <= view.bottom():
            continue
        if not view.left() - 1 <= hazard.at <= view.right() + 1:
            continue
        x, y = transform.map(hazard.at, float(row))
        _triangle(p, x, y + 1.0, side)
    p.restore()


def _triangle(p: QPainter, x: float, top: float, side: float) -> None:
    shape = QPolygonF(
        [
            QPointF(x, top),
            QPointF(x + side / 2, top + side * 0.9),
            QPointF(x - side / 2, top + side * 0.9),
        ]
    )
    p.setPen(QPen(QColor("#1A1A1A"), 1.2))
    p.setBrush(QColor(FILL))
    p.drawPolygon(shape)
    p.setPen(QColor("#1A1A1A"))
    box = QRectF(x - side / 2, top + side * 0.2, side, side * 0.72)
    p.drawText(box, Qt.AlignmentFlag.AlignCenter, "!")


def hazard_near(
    hazards: list[Hazard], worker_id: int, x: float, px_x: float, hit_px: float
) -> Hazard | None:
    """The hazard whose badge is under the pointer on this lane, if any."""
    near = [
        h for h in hazards if h.lane == worker_id and abs(h.at - x) / px_x <= hit_px
    ]
    return min(near, key=lambda h: abs(h.at - x)) if near else None
