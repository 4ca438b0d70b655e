"""The timeline with its legend underneath, sharing the height fairly.

The legend gets at most a fixed share of the pane (and shrinks its text to
stay inside it); the lanes get the rest. Before, the legend took its natural
height first, so at 1024×768 or after two presses of Ctrl+= the lanes were
squeezed to a strip (issue 11, defects 1 and 4).
"""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.model import parallelism
from core.model.run_model import RunModel
from gui.panels.legend_widget import LegendWidget, Shown
from gui.panels.predict_box import PredictBox
from gui.panels.replay_bar import ReplayBar
from gui.timeline.timeline_view import TimelineView

LEGEND_MODES = ("shown", "all", "hidden")
"""Only what this run shows / every entry / no legend."""
LEGEND_SHARE = 0.28
PRESENTING_LEGEND_SHARE = 0.22


class TimelinePane(QWidget):
    def __init__(
        self, timeline: TimelineView, legend: LegendWidget, predict: PredictBox
    ) -> None:
        super().__init__()
        self.timeline = timeline
        self.legend = legend
        self.predict = predict
        self._mode = "shown"
        self._share = LEGEND_SHARE
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(timeline, 1)
        self.replay_bar = ReplayBar()
        layout.addWidget(self.replay_bar)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(
            "color: #7a4100; background: #fff3dc; padding: 4px; font-weight: bold;"
        )
        self.warning.hide()
        layout.addWidget(self.warning)
        layout.addWidget(legend)
        legend.setMinimumHeight(0)

    @property
    def legend_mode(self) -> str:
        return self._mode

    def set_legend_mode(self, mode: str) -> None:
        if mode not in LEGEND_MODES:
            raise ValueError(f"legend mode must be one of {LEGEND_MODES}, not {mode!r}")
        self._mode = mode
        self.legend.setVisible(mode != "hidden")
        self.refresh_legend(self.timeline.model)

    def hold_predict(self) -> None:
        """Take the predict box above the lanes (presentation mode)."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, self.predict)

    def set_presenting(self, presenting: bool) -> None:
        self._share = PRESENTING_LEGEND_SHARE if presenting else LEGEND_SHARE
        self.legend.set_compact(presenting)
        self._apply_budget()

    def set_show_helpers(self, show: bool) -> None:
        """View › Show helper lanes: the rows, and the legend that explains
        only what the rows show."""
        self.timeline.set_show_helpers(show)
        self.refresh_legend(self.timeline.model)

    def refresh_legend(self, model: RunModel) -> None:
        """Explain what ``model`` shows (everything before a run has started:
        the teacher may want to explain the colours first)."""
        only = self._mode == "shown" and model.started
        rows = self.timeline.item.data.lanes if model is self.timeline.model else None
        self.legend.show_only(Shown.of(model, rows) if only else None)
        text = parallelism.warning(model) if model.finished else ""
        self.warning.setText(f"⚠ {text}" if text else "")
        self.warning.setVisible(bool(text))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_budget()

    def _apply_budget(self) -> None:
        self.legend.set_max_height(round(self.height() * self._share))
