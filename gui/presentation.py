"""Presentation mode (F11): the timeline alone, full screen, legible from the
back of a room.

The lessons, the editor, the details, the menu bar and the status bar go;
the toolbar stays (Run, Stop, and the button that leaves). Every text on the
timeline and its legend uses one scale, :data:`PRESENTING_SCALE`, chosen so
that the smallest label (a lane's pid line, 12 px at scale 1) is at least
16 px; Ctrl+= / Ctrl+- still change it, for everything together. Leaving
restores the window exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, Qt, Signal

if TYPE_CHECKING:
    from gui.main_window import MainWindow

PRESENTING_SCALE = 1.5
PREDICT_MAX_SCALE = 1.1
"""The question above the lanes: 16.5 px; larger would take the lanes'
height (the answer can run to three lines)."""


@dataclass
class _Saved:
    state: Qt.WindowState
    geometry: QRect
    scale: float
    hidden: list[bool]


class Presentation(QObject):
    changed = Signal(bool)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._saved: _Saved | None = None

    @property
    def active(self) -> bool:
        return self._saved is not None

    def set_active(self, active: bool) -> None:
        if active == self.active:
            return
        self._enter() if active else self._leave()
        self._window.fit_toolbar()
        self.changed.emit(active)

    def _chrome(self) -> list:
        w = self._window
        return [w.splitter.widget(0), w.centre.widget(1), w.menuBar(), w.status]

    def _enter(self) -> None:
        w = self._window
        chrome = self._chrome()
        self._saved = _Saved(
            w.windowState(),
            w.geometry(),
            w.timeline.presentation_scale(),
            [part.isHidden() for part in chrome],
        )
        for part in chrome:
            part.hide()
        w.timeline.set_hint_visible(False)
        w.timeline.set_fill_height(True)
        w.pane.hold_predict()  # the question is for the class: on the big screen
        w.predict.set_wide(True)
        w.pane.set_presenting(True)
        self._set_scale(PRESENTING_SCALE)
        screen = w.screen()
        if w.isVisible() and screen is not None:
            w.setWindowState(w.windowState() | Qt.WindowState.WindowFullScreen)
            # Without a window manager (a bare X server, a kiosk) the state
            # alone changes nothing: take the screen's size ourselves.
            w.setGeometry(screen.geometry())

    def _leave(self) -> None:
        w = self._window
        saved = self._saved
        assert saved is not None
        self._saved = None
        for part, hidden in zip(self._chrome(), saved.hidden, strict=True):
            part.setHidden(hidden)
        w.timeline.set_hint_visible(True)
        w.timeline.set_fill_height(False)
        w.lessons.hold(w.predict)
        w.predict.set_wide(False)
        w.pane.set_presenting(False)
        self._set_scale(saved.scale)
        if w.isVisible():
            w.setWindowState(saved.state)
            w.setGeometry(saved.geometry)

    def zoom(self, step: int) -> None:
        """Ctrl+= / Ctrl+- / Ctrl+0: every text on the timeline together."""
        self._window.timeline.zoom_presentation(step)
        self._follow_timeline_scale()

    def _set_scale(self, scale: float) -> None:
        self._window.timeline.set_presentation_scale(scale)
        self._follow_timeline_scale()
        self._window.timeline.fit()

    def _follow_timeline_scale(self) -> None:
        w = self._window
        scale = w.timeline.presentation_scale()
        w.legend.set_presentation_scale(scale)
        w.predict.set_text_scale(min(scale, PREDICT_MAX_SCALE))
