"""The replay controls: play/pause at 0.1×–1×, step by event, a scrubber.

Only controls: :class:`gui.replay_mode.ReplayMode` owns the core Replay and
tells the window what to show.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QToolButton,
    QWidget,
)

from core.model.replay import SPEEDS


class ReplayBar(QWidget):
    play_toggled = Signal(bool)
    step_requested = Signal(int)
    scrubbed = Signal(int)
    """The slider moved by hand to this event index."""
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.play = QToolButton(text="▶ Play")
        self.play.setCheckable(True)
        self.play.toggled.connect(self._on_play_toggled)
        self.back = QToolButton(text="◀ step")
        self.back.setToolTip("One event back")
        self.back.clicked.connect(lambda: self.step_requested.emit(-1))
        self.forward = QToolButton(text="step ▶")
        self.forward.setToolTip("One event forward")
        self.forward.clicked.connect(lambda: self.step_requested.emit(1))
        self.speed = QComboBox()
        for speed in SPEEDS:
            self.speed.addItem(f"{speed:g}×", speed)
        self.speed.setCurrentIndex(SPEEDS.index(0.25))
        self.speed.setToolTip("Playback speed: a fraction of real time")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.sliderMoved.connect(self.scrubbed)
        self.position = QLabel()
        self.done = QToolButton(text="✕ Leave replay")
        self.done.clicked.connect(self.closed)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        for widget in (self.play, self.back, self.forward, self.speed):
            row.addWidget(widget)
        row.addWidget(self.slider, 1)
        row.addWidget(self.position)
        row.addWidget(self.done)

    def chosen_speed(self) -> float:
        return float(self.speed.currentData())

    def show_position(self, index: int, count: int, t: float, total: float) -> None:
        self.slider.blockSignals(True)
        self.slider.setRange(0, count)
        self.slider.setValue(index)
        self.slider.blockSignals(False)
        self.position.setText(f"{t:.3f} / {total:.3f} s · event {index}/{count}")

    def set_playing(self, playing: bool) -> None:
        self.play.blockSignals(True)
        self.play.setChecked(playing)
        self.play.setText("⏸ Pause" if playing else "▶ Play")
        self.play.blockSignals(False)

    def _on_play_toggled(self, playing: bool) -> None:
        self.set_playing(playing)
        self.play_toggled.emit(playing)
