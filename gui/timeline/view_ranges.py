"""The timeline's ranges: which seconds and which lanes are in view.

A mixin of :class:`gui.timeline.timeline_view.TimelineView` (kept apart so
the widget's file is about wiring): fitting the whole run with room for the
badges, following the present in round spans, lane heights and their limits.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtGui import QFontMetricsF

from core.model.headline import badge_text
from gui import palette

if TYPE_CHECKING:
    from gui.timeline.timeline_view import TimelineView

    _Base = TimelineView
else:
    _Base = object

FOLLOW_SPANS = (1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0)
"""Round spans the live view steps through; past the last it slides."""
BADGE_ROOM_PX = 120.0
"""Pixels right of the last event before any badge exists (the room is then
measured from the widest badge); half of it is the least kept."""
LEFT_ROOM_PX = 10.0
"""Pixels left of t = 0 so that symbols at the very start are not cut."""
TICK_MIN_PX = 90.0
LANE_ZOOM_MAX = 2.5
FILL_GROWTH = 1.8
"""How much taller than usual lanes may grow to fill the height."""
MIN_LIVE_SPAN = 1.0
"""Seconds shown by fit() before a run has finished (or even started)."""


def grid_step(span: float, width_px: float, min_px: float = TICK_MIN_PX) -> float:
    """The smallest round step (1, 2 or 5 × 10^k s) at least ``min_px`` apart.

    Both the time axis labels and the item's grid lines use it, so they agree;
    pyqtgraph's own grid (an alpha-blended QPicture) cost 9 ms a frame.
    """
    if span <= 0 or width_px <= 0:
        return 1.0
    target = span * min_px / width_px
    power = 10.0 ** math.floor(math.log10(target))
    for factor in (1.0, 2.0, 5.0, 10.0):
        if factor * power >= target:
            return factor * power
    return 10.0 * power


class ViewRanges(_Base):
    """Time and lane ranges of the view; see the module docstring."""

    def lane_height_px(self) -> float:
        """How tall one lane is on screen now."""
        low, high = self._box.viewRange()[1]
        return self._box.height() / max(high - low, 1e-9)

    def visible_time_range(self) -> tuple[float, float]:
        low, high = self._box.viewRange()[0]
        return float(low), float(high)

    def show_time_range(self, start: float, end: float) -> None:
        """Show exactly [start, end] seconds; stops following the present."""
        self.set_following(False)
        self._box.setXRange(start, max(end, start + 1e-6), padding=0)

    def center_on(self, t: float) -> None:
        """Bring second ``t`` to the middle, keeping the zoom."""
        low, high = self._box.viewRange()[0]
        half = (high - low) / 2
        self.show_time_range(t - half, t + half)

    def show_whole_run(self, duration: float) -> None:
        """Keep [0, duration] (plus badge room) in view, not following."""
        self._set_x_range(0.0, max(duration, 1e-3))
        self.set_following(False)

    def show_all_rows(self) -> None:
        """Fit every lane into the height, however thin that makes them."""
        self._auto_rows = False
        rows = float(self._item.data.row_count)
        self._box.setLimits(yMin=-0.25, yMax=rows + 0.25)
        self._box.setYRange(0.0, rows, padding=0)

    def _box_width_px(self) -> float:
        return max(self._box.width(), 50.0)

    def _fit_end(self) -> float:
        """The run's end; an unfinished run shows at least the first second."""
        now = self._model.now()
        return max(now, 1e-3) if self._model.finished else max(now, MIN_LIVE_SPAN)

    def _margins(self) -> tuple[float, float]:
        """Fractions of the width kept free left of 0 and right of the last event."""
        width = self._box_width_px()
        right = min(self._badge_room_px() / width, 0.5)
        return min(LEFT_ROOM_PX / width, 0.1), right

    def _badge_room_px(self) -> float:
        """Room right of the last event for the widest ending badge there is
        (they carry exit codes now: "✗ NameError · exit 1"), else a little."""
        texts = frozenset(
            badge_text(lane) for lane in self._model.lanes.values() if lane.explanation
        )
        key = (texts, self.presentation_scale())
        if key != self._badge_key:
            scale = self.presentation_scale()
            metrics = QFontMetricsF(palette.font(palette.BADGE_PX * scale, bold=True))
            widest = max((metrics.horizontalAdvance(t) for t in texts), default=0.0)
            self._badge_key = key
            self._badge_room = max(widest + 30 * scale, BADGE_ROOM_PX * scale * 0.5)
        return self._badge_room

    def _set_x_range(self, start: float, last: float) -> None:
        """[start, last] plus room for symbols at 0 and badges at the end."""
        left, right = self._margins()
        span = (last - start) / (1.0 - left - right)
        self._box.setXRange(start - span * left, start - span * left + span, padding=0)

    def _follow_present(self) -> None:
        now = self._model.now()
        left, right = self._margins()
        usable = 1.0 - left - right
        for span in FOLLOW_SPANS:
            if now <= span * usable:
                self._box.setXRange(-span * left, span * (1.0 - left), padding=0)
                return
        span = FOLLOW_SPANS[-1]
        self._box.setXRange(now - span * (usable + left), now + span * right, padding=0)

    def set_fill_height(self, fill: bool) -> None:
        """Fill: few lanes grow (up to twice their usual height) to use the
        whole height instead of leaving it empty (presentation mode)."""
        self._fill = fill
        self._auto_rows = True
        self._fit_rows()

    def _fit_rows(self) -> None:
        rows = self._item.data.row_count
        lane_px = palette.LANE_MAX_PX * self.presentation_scale()
        if self._fill:
            lane_px *= FILL_GROWTH
        fits = max(self._box.height(), 1.0) / lane_px
        extent = max(float(rows), fits)
        # Zooming lanes by hand stops at LANE_ZOOM_MAX × their usual height:
        # six wheel steps used to leave one giant lane (issue 11, defect 11).
        fewest = max(self._box.height(), 1.0) / (LANE_ZOOM_MAX * lane_px)
        self._box.setLimits(
            yMin=-0.25,
            yMax=extent + 0.25,
            minYRange=min(float(rows), max(2.0, fewest)),
        )
        if self._auto_rows:
            self._box.setYRange(0.0, extent, padding=0)
