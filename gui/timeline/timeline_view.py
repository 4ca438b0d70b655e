"""The live timeline widget: lanes, lane labels, time axis, "now" line, follow.

While a run is live the widget repaints at most 30 times a second (a timer,
not once per event batch) and keeps the present in view by jumping between
round time spans (1 s, 2 s, 5 s …), so bars grow at a steady scale instead
of the whole picture shrinking every frame. Panning or zooming by hand stops
following; :meth:`fit` or the Follow button brings it back.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.model.run_model import RunModel
from gui import palette
from gui.timeline.lane_axis import LaneAxis, label_px
from gui.timeline.lane_order import parent_lanes
from gui.timeline.lane_overlay import text_px
from gui.timeline.mark_highlight import MarkHighlight
from gui.timeline.timeline_item import TimelineItem
from gui.timeline.timeline_view_box import TimelineViewBox
from gui.timeline.tooltips import identity
from gui.timeline.view_ranges import TICK_MIN_PX, ViewRanges, grid_step

FRAME_MS = 33


class TimelineView(ViewRanges, QWidget):
    """Lanes of a :class:`RunModel` over time; see the module docstring."""

    lane_selected = Signal(int)
    marker_clicked = Signal(int, object)
    """(lane id, Marker) clicked on the lanes."""
    following_changed = Signal(bool)

    def __init__(
        self, model: RunModel, parent: QWidget | None = None, *, controls: bool = True
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._live = False
        self._following = True
        self._auto_rows = True
        self._fill = False
        self._badge_key: tuple[frozenset[str], float] | None = None
        self._badge_room = 0.0
        self._rows_stale = False
        self._scale_index = palette.PRESENTATION_SCALES.index(1.0)
        self._identities: dict[int, str] = {}

        self._axis = LaneAxis()
        self._time_axis = pg.AxisItem("bottom")
        self._plot = pg.PlotWidget(
            background=palette.BACKGROUND,
            viewBox=TimelineViewBox(),
            axisItems={"left": self._axis, "bottom": self._time_axis},
        )
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        self._plot.setAntialiasing(False)
        self._box = self._plot.getPlotItem().getViewBox()
        self._box.invertY(True)
        self._box.enableAutoRange(False)
        self._box.setDefaultPadding(0.0)
        self._time_axis.setPen(QColor(palette.MUTED_INK))
        self._time_axis.setTextPen(QColor(palette.INK))
        self._time_axis.enableAutoSIPrefix(False)

        self._item = TimelineItem(model)
        self._plot.addItem(self._item)
        self._now_line = pg.InfiniteLine(
            angle=90,
            movable=False,
            pen=pg.mkPen(palette.NOW_LINE, width=2, style=Qt.PenStyle.DashLine),
        )
        self._now_label = pg.InfLineLabel(
            self._now_line,
            text="now",
            # y is inverted: near 0 is the top, above the first lane's marks;
            # at the bottom it sat among the last lane's badges (defect 11)
            position=0.01,
            anchors=[(0.5, 0), (0.5, 0)],
            color=palette.NOW_LINE,
            fill=palette.label_box(220),
        )
        self._now_line.setZValue(10)
        self._now_line.hide()
        self._plot.addItem(self._now_line, ignoreBounds=True)
        self._rings = MarkHighlight()
        self._plot.addItem(self._rings, ignoreBounds=True)

        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._on_timer_tick)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self._hint = QLabel()
        self._follow_button = QToolButton(text="Follow")
        self._fit_button = QToolButton(text="Fit")
        if controls:
            layout.addLayout(self._build_controls())
        layout.addWidget(self._plot, 1)

        self._item.lane_clicked.connect(self._on_lanes_clicked)
        self._item.marker_clicked.connect(self.marker_clicked)
        self._axis.lane_clicked.connect(self._on_lanes_clicked)
        self._axis.lane_double_clicked.connect(self.toggle_collapsed)
        self._box.sigRangeChangedManually.connect(self._on_box_moved_by_hand)
        self._box.sigResized.connect(self._on_box_resized)
        self._box.sigXRangeChanged.connect(self._on_box_x_changed)
        self._apply_scale()
        self._axis.set_lanes(self._item.data.lanes, self._item.data.labels)
        self.fit()

    def _build_controls(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setContentsMargins(4, 2, 4, 0)
        hint = self._hint = QLabel(
            "wheel: zoom time · Shift+wheel or wheel on names: zoom lanes · "
            "drag: pan · click a lane: details"
        )
        hint.setStyleSheet(f"color: {palette.MUTED_INK};")
        # a hint, not a reason to make the window wider than a 1024 px screen
        hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._follow_button.setCheckable(True)
        self._follow_button.setChecked(True)
        self._follow_button.setToolTip("Keep the present in view while the run goes on")
        self._follow_button.toggled.connect(self._on_follow_button_toggled)
        self._fit_button.setToolTip("Show the whole run")
        self._fit_button.clicked.connect(self.fit)
        row.addWidget(hint)
        row.addStretch(1)
        row.addWidget(self._follow_button)
        row.addWidget(self._fit_button)
        return row

    # -- contract ---------------------------------------------------------------------

    @property
    def item(self) -> TimelineItem:
        return self._item

    @property
    def plot_widget(self) -> pg.PlotWidget:
        return self._plot

    @property
    def model(self) -> RunModel:
        return self._model

    def set_model(self, model: RunModel) -> None:
        """Show another run (a new one or a reopened recording)."""
        self._model = model
        self._identities.clear()
        self._item.set_model(model)
        self._rings.show_points([])
        self._axis.set_selected(None)
        self._auto_rows = True
        self._refresh_rows()
        self.fit()

    def lanes_changed(self, worker_ids: set[int]) -> None:
        """Take in what changed on these lanes after ``model.apply()``."""
        if self._item.lanes_changed(worker_ids):
            self._rows_changed()
        relabel = False
        for worker_id in worker_ids:
            lane = self._model.lanes.get(worker_id)
            if lane is not None:
                text = identity(lane)
                if self._identities.get(worker_id) != text:
                    self._identities[worker_id] = text
                    self._axis.identity_changed(worker_id, text)
                    relabel = True
        if relabel:
            self._axis.refresh()
        if not self._live:
            self._item.update()

    def set_live(self, live: bool) -> None:
        """Live: repaint ≤ 30 Hz, show "now", follow the present."""
        if live == self._live:
            return
        self._live = live
        if live:
            self._now_line.show()
            self.set_following(True)
            self._timer.start()
            self._on_timer_tick()
        else:
            self._timer.stop()
            if self._rows_stale:
                self._refresh_rows()
            self._item.set_frame_time(None)
            self._now_line.hide()
            if self._following:
                self.fit()
            self._item.update()

    def set_show_helpers(self, show: bool) -> None:
        """Show (the default) or hide helper lanes (the library's own
        processes and threads; untracked processes stay)."""
        self._item.set_show_helpers(show)
        self._rows_changed()

    def toggle_collapsed(self, worker_id: int) -> None:
        """Hide the lanes under ``worker_id``, or show them again (a double
        click on its label, "▾"/"▸"); a lane without children stays as it is."""
        data = self._item.data
        if worker_id not in parent_lanes(data.model.lanes):
            return
        self._item.set_collapsed(data.collapsed ^ {worker_id})
        self._rows_changed()

    def _rows_changed(self) -> None:
        """Labels and vertical range follow new rows; while live once per frame
        (lanes may come in every batch; re-measuring 1 024 labels takes ms)."""
        self._rows_stale = True
        if not self._live:
            self._refresh_rows()

    def _refresh_rows(self) -> None:
        self._rows_stale = False
        self._axis.set_lanes(self._item.data.lanes, self._item.data.labels)
        self._fit_rows()

    def is_live(self) -> bool:
        return self._live

    def fit(self) -> None:
        """Show the whole run (and, while live, follow it again)."""
        self._set_x_range(0.0, self._fit_end())
        self._auto_rows = True
        self._fit_rows()
        self.set_following(True)

    def zoom_presentation(self, step: int) -> None:
        """+1 bigger text and lanes, −1 smaller, 0 back to normal."""
        scales = palette.PRESENTATION_SCALES
        if step == 0:
            self._scale_index = scales.index(1.0)
        else:
            self._scale_index = min(max(self._scale_index + step, 0), len(scales) - 1)
        self._apply_scale()
        self._auto_rows = True
        self._fit_rows()

    def set_presentation_scale(self, scale: float) -> None:
        """Jump to one of palette.PRESENTATION_SCALES (the nearest)."""
        scales = palette.PRESENTATION_SCALES
        self._scale_index = min(
            range(len(scales)), key=lambda i: abs(scales[i] - scale)
        )
        self._apply_scale()
        self._auto_rows = True
        self._fit_rows()

    def apply_theme(self) -> None:
        """Take the colours of palette's current theme."""
        self._plot.setBackground(palette.BACKGROUND)
        self._time_axis.setPen(QColor(palette.MUTED_INK))
        self._time_axis.setTextPen(QColor(palette.INK))
        self._axis.setPen(QColor(palette.GRID))
        self._hint.setStyleSheet(f"color: {palette.MUTED_INK};")
        self._now_label.fill = pg.mkBrush(palette.label_box(220))
        self._apply_scale()  # the axis label's colour
        self._item.apply_theme()
        self._axis.refresh()

    def set_hint_visible(self, visible: bool) -> None:
        """The mouse hint above the lanes (hidden when presenting)."""
        self._hint.setVisible(visible)

    def smallest_text_px(self) -> float:
        """The smallest font on the lanes now (labels, pids, badges, marks, axis)."""
        lane_px, scale = self.lane_height_px(), self.presentation_scale()
        return min(
            *label_px(lane_px, scale),
            *text_px(lane_px, scale),
            palette.TICK_PX * scale,
        )

    def highlight_marks(
        self, marks: list[tuple[int, float]]
    ) -> list[tuple[float, float]]:
        """Ring the marks at (lane id, seconds); returns the points ringed
        (seconds, row centre), lanes not shown left out."""
        points = [
            (t, row + 0.5)
            for lane_id, t in marks
            if (row := self._item.row_of(lane_id)) is not None
        ]
        self._rings.show_points(points)
        return points

    def presentation_scale(self) -> float:
        return palette.PRESENTATION_SCALES[self._scale_index]

    def select_lane(self, worker_id: int | None) -> None:
        """Highlight a lane (None clears); scrolls it into view if needed."""
        if worker_id is not None and self._item.row_of(worker_id) is None:
            worker_id = None
        self._item.set_selected(worker_id)
        self._axis.set_selected(worker_id)
        if worker_id is None:
            return
        row = self._item.row_of(worker_id)
        low, high = self._box.viewRange()[1]
        if row is not None and not (low <= row and row + 1 <= high):
            span = high - low
            self._box.setYRange(row + 0.5 - span / 2, row + 0.5 + span / 2, padding=0)

    def following(self) -> bool:
        return self._following

    def set_following(self, follow: bool) -> None:
        if follow != self._following:
            self._following = follow
            self.following_changed.emit(follow)
        with QSignalBlocker(self._follow_button):
            self._follow_button.setChecked(follow)
        if follow and self._live:
            self._follow_present()

    # -- internals --------------------------------------------------------------------

    def _apply_scale(self) -> None:
        scale = self.presentation_scale()
        self._item.set_presentation_scale(scale)
        self._axis.set_presentation_scale(scale)
        tick_font = palette.font(palette.TICK_PX * scale)
        self._time_axis.setStyle(tickFont=tick_font, tickTextOffset=round(6 * scale))
        self._time_axis.setLabel(
            "seconds since the run started",
            **{
                "font-size": f"{round(palette.TICK_PX * scale)}px",
                "color": palette.INK,
            },
        )
        self._now_label.setFont(palette.font(palette.TICK_PX * scale, bold=True))
        self._now_line.setPen(
            pg.mkPen(palette.NOW_LINE, width=2 * scale, style=Qt.PenStyle.DashLine)
        )

    def _on_timer_tick(self) -> None:
        if self._rows_stale:
            self._refresh_rows()
        now = self._model.now()
        self._item.set_frame_time(now)  # bars end exactly on the "now" line
        self._now_line.setValue(now)
        if self._following:
            self._follow_present()
        self._item.update()

    def _on_box_moved_by_hand(self, mask: object) -> None:
        changed = list(mask) if isinstance(mask, list | tuple) else [True, True]
        if changed[0]:
            self.set_following(False)
        if len(changed) > 1 and changed[1]:
            self._auto_rows = False

    def _on_box_x_changed(self, *args: object) -> None:
        low, high = self._box.viewRange()[0]
        step = grid_step(
            high - low, self._box_width_px(), TICK_MIN_PX * self.presentation_scale()
        )
        if step != self._item.grid_step:
            self._time_axis.setTickSpacing(levels=[(step, 0.0)])
            self._item.set_grid_step(step)

    def _on_box_resized(self) -> None:
        self._fit_rows()
        if self._following:
            if self._live:
                self._follow_present()
            else:
                self._set_x_range(0.0, self._fit_end())

    def _on_follow_button_toggled(self, checked: bool) -> None:
        if checked:
            self.fit() if not self._live else self.set_following(True)
        else:
            self.set_following(False)

    def _on_lanes_clicked(self, worker_id: int) -> None:
        self.select_lane(worker_id)
        self.lane_selected.emit(worker_id)
