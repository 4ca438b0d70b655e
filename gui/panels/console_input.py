"""The console's input line: the keyboard of a program run in the window.

A program's ``input()`` reads from the terminal the window gives it
(core/tracer/main_console.py). Enter sends the line (the terminal echoes it
into the console, as a keyboard would); Ctrl+D ends the input, for a program
that reads ``sys.stdin`` to its end. It is enabled only while a program runs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

MAX_CHARACTERS = 1000
"""At most 4 000 bytes in UTF-8: within the 4 095 a terminal's line holds."""
WAITING = "Type a line for the program's input() and press Enter (Ctrl+D: end of input)"
IDLE = "The program's input: type here while a program runs"


class ConsoleInput(QLineEdit):
    line_entered = Signal(str)
    input_ended = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setMaxLength(MAX_CHARACTERS)
        self.setClearButtonEnabled(True)
        self.returnPressed.connect(self._on_return_pressed)
        self.set_running(False)

    def set_running(self, running: bool) -> None:
        self.setEnabled(running)
        self.setPlaceholderText(WAITING if running else IDLE)
        if not running:
            self.clear()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Before QLineEdit, which binds Ctrl+D to "delete" on some platforms.
        control = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if control and event.key() == Qt.Key.Key_D:
            self.input_ended.emit()
            return
        super().keyPressEvent(event)

    def _on_return_pressed(self) -> None:
        self.line_entered.emit(self.text())
        self.clear()
