"""The window's layout: lessons and editor left, timeline and legend in the
centre with the details and the console under them, sized for the screen.

A mixin of :class:`gui.main_window.MainWindow`, kept apart so that the
window's file stays about wiring and run state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget

from gui.panels.console_input import ConsoleInput
from gui.timeline_pane import TimelinePane

if TYPE_CHECKING:
    from gui.main_window import MainWindow

    _Base = MainWindow
else:
    _Base = object


TOOLBAR_TEXT_MIN_WIDTH = 1250


class WindowLayout(_Base):
    def _fit_to_screen(self) -> None:
        """Big enough for a projector, never larger than the screen."""
        screen = self.screen()
        area = screen.availableGeometry() if screen is not None else None
        width, height = 1600, 1000
        if area is not None:
            width, height = min(width, area.width()), min(height, area.height())
        self.resize(width, height)

    def _build_layout(self) -> None:
        editor_scroll = QScrollArea()
        editor_scroll.setWidgetResizable(True)
        editor_scroll.setWidget(self.editor)
        self.editor_scroll = editor_scroll
        editor_scroll.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        left = QSplitter(Qt.Orientation.Vertical)
        self.lessons.hold(self.predict)
        left.addWidget(self.lessons)
        left.addWidget(editor_scroll)
        left.setStretchFactor(0, 2)
        left.setStretchFactor(1, 3)
        left.setSizes([400, 560])
        centre_top = TimelinePane(self.timeline, self.legend, self.predict)
        self.pane = centre_top
        centre = QSplitter(Qt.Orientation.Vertical)
        centre.addWidget(centre_top)
        bottom = QTabWidget()
        bottom.addTab(self.details, "Details")
        # The console and, under it, the program's keyboard (program mode
        # shows it; a scenario's workers read no input).
        self.console_input = ConsoleInput()
        self.console_input.hide()
        self.console_tab = QWidget()
        column = QVBoxLayout(self.console_tab)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.console)
        column.addWidget(self.console_input)
        bottom.addTab(self.console_tab, "Console")
        bottom.setDocumentMode(True)
        self.bottom_tabs = bottom
        centre.addWidget(bottom)
        centre.setStretchFactor(0, 3)
        centre.setStretchFactor(1, 2)
        centre.setSizes([640, 300])
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(left)
        main.addWidget(centre)
        main.setStretchFactor(0, 0)
        main.setStretchFactor(1, 1)
        main.setSizes([400, 1100])
        self.splitter = main
        self.centre = centre
        self.setCentralWidget(main)

    def _fit_editor_width(self) -> None:
        """Never cut the form on the right: its scroll area is at least as wide
        as the form plus the vertical scrollbar (issue 11, defect 4)."""
        bar = self.editor_scroll.verticalScrollBar().sizeHint().width()
        frame = 2 * self.editor_scroll.frameWidth()
        width = self.editor.minimumSizeHint().width() + bar + frame
        if width != self.editor_scroll.minimumWidth():
            self.editor_scroll.setMinimumWidth(width)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Below 1250 px the toolbar shows icons only, so that Replay and
        Present do not vanish into its overflow menu at 1024×768."""
        super().resizeEvent(event)
        self.fit_toolbar()

    def fit_toolbar(self) -> None:
        toolbar = self.actions_.toolbar
        narrow = self.width() < TOOLBAR_TEXT_MIN_WIDTH or self.presentation.active
        toolbar.setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonIconOnly
            if narrow
            else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        )
