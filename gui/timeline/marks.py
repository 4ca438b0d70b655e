"""Outcome badges and marker glyphs, drawn in device pixels.

The timeline and the legend share these so that what the legend shows is
exactly what the lanes show. Shapes are painted as polygons (not font glyphs)
so they look the same with any installed font and in SVG.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
    QPolygonF,
)

from core.model.outcomes import Outcome
from gui import palette
from gui.palette import MARKER_STYLES, OUTCOME_STYLES


def badge_size(text: str, fnt: QFont) -> tuple[float, float]:
    metrics = QFontMetricsF(fnt)
    return metrics.horizontalAdvance(
        text
    ) + metrics.height() * 0.8, metrics.height() * 1.25


def draw_badge(
    p: QPainter, left: float, centre_y: float, text: str, outcome: Outcome, fnt: QFont
) -> QRectF:
    """A rounded label filled with the outcome's colour; returns where it went."""
    style = OUTCOME_STYLES[outcome]
    width, height = badge_size(text, fnt)
    rect = QRectF(left, centre_y - height / 2, width, height)
    p.setPen(
        QPen(QColor(style.outline), 1.2)
        if style.outline
        else QPen(QColor(255, 255, 255, 220), 1.2)
    )
    p.setBrush(QBrush(QColor(style.fill)))
    p.drawRoundedRect(rect, height * 0.3, height * 0.3)
    p.setPen(QColor(style.text))
    p.setFont(fnt)
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    return rect


def _polygon(
    points: list[tuple[float, float]], x: float, y: float, s: float
) -> QPolygonF:
    return QPolygonF([QPointF(x + px * s, y + py * s) for px, py in points])


# Unit shapes, centred on (0, 0) and about 1 wide.
_SHAPES: dict[str, list[tuple[float, float]]] = {
    "start_called": [(-0.35, -0.5), (0.55, 0.0), (-0.35, 0.5)],
    "join_called": [(-0.5, -0.45), (0.5, -0.45), (0.0, 0.45)],
    "join_returned": [(-0.5, -0.45), (0.5, -0.45), (0.0, 0.45)],
    "join_timeout": [(-0.5, -0.45), (0.5, -0.45), (0.0, 0.45)],
    "stop": [
        (-0.2, -0.5),
        (0.2, -0.5),
        (0.5, -0.2),
        (0.5, 0.2),
        (0.2, 0.5),
        (-0.2, 0.5),
        (-0.5, 0.2),
        (-0.5, -0.2),
    ],
    "signal": [
        (0.15, -0.6),
        (-0.4, 0.1),
        (-0.02, 0.1),
        (-0.15, 0.6),
        (0.4, -0.1),
        (0.02, -0.1),
    ],
    "main_finished": [
        (-0.3, -0.55),
        (0.5, -0.3),
        (-0.3, -0.05),
        (-0.3, 0.55),
        (-0.42, 0.55),
        (-0.42, -0.55),
    ],
    "mark": [(0.0, -0.5), (0.45, 0.0), (0.0, 0.5), (-0.45, 0.0)],
    "problem": [(0.0, -0.55), (0.55, 0.45), (-0.55, 0.45)],
}
_HOLLOW = {"join_called", "join_timeout"}


def draw_glyph(p: QPainter, kind: str, x: float, y: float, size: float) -> None:
    """One marker symbol centred on (x, y), ``size`` pixels across."""
    style = MARKER_STYLES.get(kind)
    if style is None:
        return
    ink = QColor(style.colour)
    if kind == "start_failed":  # a cross
        p.setPen(QPen(ink, max(1.5, size * 0.18)))
        h = size * 0.4
        p.drawLine(QPointF(x - h, y - h), QPointF(x + h, y + h))
        p.drawLine(QPointF(x - h, y + h), QPointF(x + h, y - h))
        return
    shape = _SHAPES.get(kind)
    if shape is None:  # notices: a small dot
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(ink)
        p.drawEllipse(QPointF(x, y), size * 0.3, size * 0.3)
        return
    if kind == "signal":
        size *= 1.3  # a thin shape: give it the same visual weight as the others
    polygon = _polygon(shape, x, y, size)
    if kind in _HOLLOW:
        p.setPen(QPen(ink, max(1.2, size * 0.14)))
        p.setBrush(QColor(palette.BACKGROUND))  # hollow: the paper shows through
    else:
        p.setPen(QPen(QColor(255, 255, 255, 230), max(0.8, size * 0.08)))
        p.setBrush(ink)
    p.drawPolygon(polygon)
