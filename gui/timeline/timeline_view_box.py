"""The timeline's ViewBox: the mouse wheel zooms time, not lanes.

On a timeline the wheel is expected to stretch time; zooming both axes at
once would also make lanes grow off screen. Lanes zoom with Shift+wheel, or
with the wheel over the lane names (pyqtgraph's axis forwards it on y only).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt


class TimelineViewBox(pg.ViewBox):
    def wheelEvent(self, ev, axis=None) -> None:
        if axis is None:
            shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            axis = 1 if shift else 0
        super().wheelEvent(ev, axis=axis)
