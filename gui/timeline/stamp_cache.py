"""Pre-rendered "stamps" for symbols drawn many times per frame.

Antialiased rounded badges and polygon glyphs cost ≈ 0.1 ms and ≈ 0.015 ms
each to rasterise; a frame can show hundreds (the main program's lane of a
1 024-worker run). Each distinct symbol is painted once into a transparent
pixmap at the device's pixel ratio and then blitted. Vector devices (SVG,
PDF, QPicture) get the real drawing so exports stay vector.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Hashable

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPaintEngine, QPainter, QPixmap

VECTOR_ENGINES = {
    QPaintEngine.Type.SVG,
    QPaintEngine.Type.Pdf,
    QPaintEngine.Type.Picture,
}


class StampCache:
    """A bounded LRU of pixmaps keyed by what they show and the pixel ratio."""

    def __init__(self, limit: int = 600) -> None:
        self._limit = limit
        self._pixmaps: OrderedDict[Hashable, QPixmap] = OrderedDict()

    def clear(self) -> None:
        """Forget every stamp (the theme changed their colours)."""
        self._pixmaps.clear()

    def __len__(self) -> int:
        return len(self._pixmaps)

    def stamp(
        self,
        p: QPainter,
        key: Hashable,
        x: float,
        y: float,
        width: float,
        height: float,
        draw: Callable[[QPainter], None],
    ) -> None:
        """Show ``draw`` (which paints inside (0, 0, width, height)) at (x, y)."""
        engine = p.paintEngine()
        if engine is not None and engine.type() in VECTOR_ENGINES:
            p.save()
            p.translate(x, y)
            draw(p)
            p.restore()
            return
        device = p.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        full_key = (key, round(width, 2), round(height, 2), ratio)
        pixmap = self._pixmaps.get(full_key)
        if pixmap is None:
            pixmap = self._render(width, height, ratio, draw)
            self._pixmaps[full_key] = pixmap
            if len(self._pixmaps) > self._limit:
                self._pixmaps.popitem(last=False)
        else:
            self._pixmaps.move_to_end(full_key)
        p.drawPixmap(QPointF(x - 1.0, y - 1.0), pixmap)

    @staticmethod
    def _render(
        width: float, height: float, ratio: float, draw: Callable[[QPainter], None]
    ) -> QPixmap:
        pixmap = QPixmap(
            math.ceil((width + 2.0) * ratio), math.ceil((height + 2.0) * ratio)
        )
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.translate(1.0, 1.0)  # a pixel of margin for antialiased edges
        draw(painter)
        painter.end()
        return pixmap
