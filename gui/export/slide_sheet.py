"""A slide: title, one-line subtitle, the timeline and the legend, for exports.

Built as ordinary widgets (never shown on screen) so that the exported picture
uses the very same drawing code as the window; :mod:`gui.export.image_export` renders it
into a 2× PNG or an SVG.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsView, QLabel, QVBoxLayout, QWidget

from core.model.run_model import RunModel
from gui import palette
from gui.panels.legend_widget import LegendWidget, Shown
from gui.timeline.timeline_view import TimelineView

SHEET_WIDTH = 1600
LANES_MAX_HEIGHT = 900
LANES_MIN_HEIGHT = 180
SLIDE_SCALE = 1.25
"""Presentation scale of fit-to-content exports."""
SLIDE_SCALE_16_9 = 1.75
"""Text scale of 16:9 slides: the presentation mode's, read from the back."""
AXIS_ALLOWANCE = 64


def subtitle(model: RunModel) -> str:
    """Mode, start method, duration and size of the run, in one line."""
    info = model.info
    lanes = model.worker_lanes()
    kinds = {lane.kind for lane in lanes}
    if kinds == {"thread", "process"}:
        parts = ["threads and processes"]
    else:
        mode = info.mode
        parts = ["threads" if mode == "thread" else "processes"]
    methods = list(
        dict.fromkeys(lane.start_method for lane in lanes if lane.kind == "process")
    )
    if methods:
        label = "start method" if len(methods) == 1 else "start methods"
        parts.append(f"{label} {', '.join(methods)}")
    workers = len(lanes)
    parts.append(f"{workers} worker{'s' if workers != 1 else ''}")
    if model.finished:
        parts.append(f"run took {model.now():.2f} s")
    elif model.started:
        parts.append(f"{model.now():.2f} s so far (still running)")
    else:
        parts.append("not run yet")
    if model.broken:
        parts.append("the main program died")
    if info.cpu_count:
        parts.append(f"{info.cpu_count} CPUs")
    if info.python:
        parts.append(f"Python {info.python}")
    return " · ".join(parts)


def title(model: RunModel) -> str:
    return model.info.title or "Procession run"


SLIDE_SIZES = {"1080p": (1920, 1080, 1.0), "4k": (1920, 1080, 2.0)}
"""Logical sheet size and the PNG's pixel scale: 4K is the 1080p slide at 2×,
so both show the same picture, one sharper."""


class ExportSheet(QWidget):
    """Title, subtitle, timeline, takeaway and legend laid out for one picture.

    ``size`` "fit" keeps today's 1600-px-wide sheet as tall as its content;
    "1080p" and "4k" make a 16:9 slide (1920 × 1080 logical pixels).
    """

    def __init__(
        self,
        model: RunModel,
        x_range: tuple[float, float] | None = None,
        size: str = "1080p",
        show_helpers: bool = False,
    ) -> None:
        super().__init__()
        if size != "fit" and size not in SLIDE_SIZES:
            raise ValueError(f"size must be fit, 1080p or 4k, not {size!r}")
        self.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.setStyleSheet(f"background: {palette.BACKGROUND};")
        self._x_range = x_range
        slide = size != "fit"
        scale = SLIDE_SCALE_16_9 if slide else SLIDE_SCALE
        width = SLIDE_SIZES[size][0] if slide else SHEET_WIDTH
        margin = round(32 * scale) if slide else 24
        self.title_label = QLabel(title(model))
        self.title_label.setFont(palette.font(30 * scale, bold=True))
        self.title_label.setStyleSheet(f"color: {palette.INK};")
        text = subtitle(model)
        if x_range is not None:  # a zoomed slide must say it is a detail
            text += f" · showing {x_range[0]:.2f}–{x_range[1]:.2f} s"
        self.subtitle_label = QLabel(text)
        self.subtitle_label.setFont(palette.font(16 * scale))
        self.subtitle_label.setStyleSheet(f"color: {palette.MUTED_INK};")
        self.subtitle_label.setWordWrap(True)
        self.takeaway_label = QLabel(model.info.takeaway)
        self.takeaway_label.setFont(palette.font(20 * scale, bold=True))
        self.takeaway_label.setStyleSheet(f"color: {palette.INK};")
        self.takeaway_label.setWordWrap(True)
        self.takeaway_label.setVisible(bool(model.info.takeaway))
        self.timeline = TimelineView(model, controls=False)
        # As the window shows the run: the library's own processes and threads
        # (a Pool's three handler threads) only if the user asked for them.
        self.timeline.set_show_helpers(show_helpers)
        self.timeline.set_presentation_scale(scale)
        # The sheet is white already; pyqtgraph's cached background would land
        # in the SVG as a plot-sized white bitmap.
        self.timeline.plot_widget.setBackground(None)
        self.timeline.plot_widget.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
        self.legend = LegendWidget()
        shown = Shown.of(model, self.timeline.item.data.lanes)
        self.legend.show_only(shown if model.started else None)
        self.legend.set_presentation_scale(scale)
        inner = width - 2 * margin
        self.legend.resize(inner, self.legend.height())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(margin, round(margin * 0.75), margin, margin // 2)
        layout.setSpacing(6)
        layout.addWidget(self.title_label)
        layout.addWidget(self.subtitle_label)
        layout.addSpacing(8)
        layout.addWidget(self.timeline)
        layout.addSpacing(6)
        layout.addWidget(self.takeaway_label)
        layout.addWidget(self.legend)

        rows = self.timeline.item.data.row_count
        axis = round(AXIS_ALLOWANCE * scale)
        if slide:
            sheet_w, sheet_h, _ = SLIDE_SIZES[size]
            self.setFixedSize(sheet_w, sheet_h)
            self.legend.set_max_height(round(sheet_h * 0.2))
            legend_height = self.legend.heightForWidth(inner)
            self.legend.setFixedHeight(legend_height)
            # The lanes take all the room left: a slide has no blank band.
            layout.setStretchFactor(self.timeline, 1)
        else:
            lane_px = palette.LANE_MAX_PX * scale
            lanes_height = min(max(rows * lane_px, LANES_MIN_HEIGHT), LANES_MAX_HEIGHT)
            self.timeline.setFixedHeight(round(lanes_height + axis))
            self.legend.setFixedHeight(self.legend.heightForWidth(inner))
            self.setFixedWidth(SHEET_WIDTH)
            self.adjustSize()

    def settle(self) -> None:
        """Set the ranges once the widgets have their real sizes."""
        self.timeline.show_all_rows()
        if self._x_range is None:
            self.timeline.fit()
            self.timeline.show_all_rows()
        else:
            self.timeline.show_time_range(*self._x_range)
