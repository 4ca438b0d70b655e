"""Replay mode: the last run (or an opened recording) played again slowly,
stepped event by event, or scrubbed; the lanes, badges and details show the
run as it was at the cursor (core.model.replay builds that model).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from core.model.replay import Replay
from gui.panels.replay_bar import ReplayBar

if TYPE_CHECKING:
    from gui.main_window import MainWindow

FRAME_MS = 40


class ReplayMode(QObject):
    changed = Signal(bool)

    def __init__(self, window: MainWindow, bar: ReplayBar) -> None:
        super().__init__(window)
        self._window = window
        self.bar = bar
        self.replay: Replay | None = None
        self._shown_model: object | None = None
        self._last_tick = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        bar.play_toggled.connect(self.set_playing)
        bar.step_requested.connect(self.step)
        bar.scrubbed.connect(self._on_bar_scrubbed)
        bar.closed.connect(lambda: self.set_active(False))
        bar.hide()

    @property
    def active(self) -> bool:
        return self.replay is not None

    def set_active(self, active: bool) -> None:
        w = self._window
        if active == self.active or (active and not w.can_replay()):
            self.changed.emit(self.active)
            return
        if active:
            self.replay = Replay.of(w.controller.model)
            self.bar.show()
            self._show()
        else:
            self.set_playing(False)
            self.replay = None
            self.bar.hide()
            w.show_run_model(w.controller.model)
        self.changed.emit(active)

    def set_playing(self, playing: bool) -> None:
        if playing and self.replay is not None:
            if self.replay.at_end:
                self.replay.seek(0)
            self._last_tick = time.monotonic()
            self._timer.start()
        else:
            self._timer.stop()
        self.bar.set_playing(playing and self.replay is not None)

    def step(self, events: int) -> None:
        if self.replay is not None:
            self.set_playing(False)
            self.replay.step(events)
            self._show()

    def _on_bar_scrubbed(self, index: int) -> None:
        if self.replay is not None:
            self.set_playing(False)
            self.replay.seek(index)
            self._show()

    def _on_timer_timeout(self) -> None:
        if self.replay is None:
            return
        now = time.monotonic()
        playing = self.replay.advance(now - self._last_tick, self.bar.chosen_speed())
        self._last_tick = now
        self._show()
        if not playing:
            self.set_playing(False)

    def _show(self) -> None:
        replay = self.replay
        assert replay is not None
        model = replay.model
        if model is not self._shown_model:  # stepping back rebuilt it
            self._shown_model = model
            self._window.show_run_model(model, whole=replay.duration)
        else:
            self._window.refresh_run_model(model)
        self.bar.show_position(
            replay.index, replay.count, replay.cursor, replay.duration
        )
