"""Rings around the marks a line of the user's code caused.

An overlay on the timeline's plot (a scatter of hollow circles), so that the
lanes' own painting is untouched: clicking a line in the program editor rings
every start(), join(), terminate() … that line made, on every lane.
"""

from __future__ import annotations

import pyqtgraph as pg

from gui import palette

RING_PX = 22


class MarkHighlight(pg.ScatterPlotItem):
    def __init__(self) -> None:
        super().__init__(
            size=RING_PX,
            symbol="o",
            pen=pg.mkPen(palette.NOW_LINE, width=3),
            brush=None,
            pxMode=True,
        )
        self.setZValue(20)
        self.points_shown: list[tuple[float, float]] = []

    def show_points(self, points: list[tuple[float, float]]) -> None:
        """(seconds, row centre) of each mark to ring; empty clears."""
        self.points_shown = list(points)
        self.setData(x=[t for t, _ in points], y=[y for _, y in points], brush=None)
