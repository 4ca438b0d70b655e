"""CPU % and resident memory of one worker over the run (psutil samples).

Two small plots that share the time axis: a CPU-bound worker shows a plateau
near 100 %, a sleeping one a flat line near zero; memory shows what
``allocate`` holds. A thread worker's memory is its whole host process's.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from core.model.run_model import Lane
from gui import palette

CPU_COLOUR = "#0072b2"
RSS_COLOUR = "#d55e00"


class MetricsPlot(pg.GraphicsLayoutWidget):
    def apply_theme(self) -> None:
        self.setBackground(palette.BACKGROUND)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground(palette.BACKGROUND)
        self.setMinimumHeight(150)
        self.cpu_plot = self.addPlot(row=0, col=0)
        self.rss_plot = self.addPlot(row=1, col=0)
        for plot, label, units in (
            (self.cpu_plot, "CPU", "%"),
            (self.rss_plot, "Memory", "MiB"),
        ):
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.getAxis("left").setWidth(44)
            plot.getAxis("left").setStyle(hideOverlappingLabels=False)
            plot.getAxis("bottom").enableAutoSIPrefix(False)
            # A caption inside the plot: rotated axis labels overlap at this size.
            caption = pg.TextItem(f"{label} ({units})", color="#333333", anchor=(0, 0))
            caption.setParentItem(plot.getViewBox())
            caption.setPos(4, 0)
        self.rss_plot.setXLink(self.cpu_plot)
        self.rss_plot.setLabel("bottom", "time (s)")
        self.cpu_plot.getAxis("bottom").setStyle(showValues=False)
        _three_ticks(self.cpu_plot, 100.0)
        _three_ticks(self.rss_plot, 100.0)
        self.cpu_curve = self.cpu_plot.plot(
            pen=pg.mkPen(CPU_COLOUR, width=2),
            symbol="o",
            symbolSize=4,
            symbolPen=None,
            symbolBrush=CPU_COLOUR,
        )
        self.rss_curve = self.rss_plot.plot(
            pen=pg.mkPen(RSS_COLOUR, width=2),
            symbol="o",
            symbolSize=4,
            symbolPen=None,
            symbolBrush=RSS_COLOUR,
        )
        # An empty plot says why (a child that lived 25 ms looked broken).
        self.empty_note = pg.TextItem("", color=palette.MUTED_INK, anchor=(0, 0))
        self.empty_note.setParentItem(self.rss_plot.getViewBox())
        self.empty_note.setPos(4, 0)
        # What is on screen, so that a refresh with nothing new costs nothing:
        # every range or tick change makes pyqtgraph lay the plots out again
        # (≈20 ms on this machine class).
        self._lane: Lane | None = None
        self._count: tuple[int, bool] = (-1, False)
        self._x_end = 0.0
        self._tops: dict[int, float] = {}

    def show_lane(
        self, lane: Lane | None, end: float = 1.0, live: bool = False
    ) -> None:
        """Plot ``lane``'s samples over [0, ``end``] s. While ``live`` the time
        axis steps through round spans (1, 2, 5, 10 … s) instead of growing
        on every refresh."""
        x_end = _round_span(end) if live else max(end, 0.1)
        if x_end != self._x_end:
            self._x_end = x_end
            self.cpu_plot.setXRange(0, x_end, padding=0.02)
        samples = lane.samples if lane is not None else []
        if lane is self._lane and (len(samples), live) == self._count:
            return
        self._lane, self._count = lane, (len(samples), live)
        self.empty_note.setText(_why_empty(lane, live) if not samples else "")
        if not samples:
            self.cpu_curve.setData([], [])
            self.rss_curve.setData([], [])
            return
        t = np.array([s[0] for s in samples], dtype=float)
        cpu = np.array([np.nan if s[1] is None else s[1] for s in samples], dtype=float)
        rss = np.array([s[2] for s in samples], dtype=float) / 2**20
        self.cpu_curve.setData(t, cpu, connect="finite")
        self.rss_curve.setData(t, rss)
        top = max(100.0, float(np.nanmax(cpu)) if np.isfinite(cpu).any() else 100.0)
        self._ticks(self.cpu_plot, top)
        self._ticks(self.rss_plot, max(1.0, float(rss.max())))

    def _ticks(self, plot: pg.PlotItem, top: float) -> None:
        nice = _nice(top)
        if self._tops.get(id(plot)) != nice:
            self._tops[id(plot)] = nice
            _three_ticks(plot, nice)


def _why_empty(lane: Lane | None, live: bool) -> str:
    if lane is None or live or lane.kind == "main":
        return ""
    if lane.pid is None and lane.kind != "thread":
        return "never ran: nothing to measure"
    return "no reading: it ended before the first sample (taken 5 times a second)"


def _nice(top: float) -> float:
    magnitude = 10 ** np.floor(np.log10(top))
    return float(
        next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= top)
    )


def _round_span(end: float) -> float:
    for span in (1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0):
        if end <= span:
            return span
    return float(np.ceil(end / 60.0) * 60.0)


def _three_ticks(plot: pg.PlotItem, top: float) -> None:
    """0, half and a round top: the plots are too small for pyqtgraph's
    automatic ticks, whose labels overlap."""
    nice = _nice(top)
    ticks = [(v, f"{v:g}") for v in (0.0, nice / 2, nice)]
    plot.getAxis("left").setTicks([ticks, []])
    # pyqtgraph drops a tick label that does not fit inside the axis: leave
    # half a text line of room above the top tick and below 0.
    plot.setYRange(0, nice, padding=0.15)
