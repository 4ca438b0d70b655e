"""The program editor: a user's whole ``.py`` file in place of the scenario form.

A :class:`CodeEditor` (line numbers, colours, auto-indent) that also indents
and dedents selected lines with Tab / Shift+Tab, finds text (Ctrl+F, taken from
the window's Fit while the code has the focus), follows the window's text
scale, and reports the line the cursor is on, so the timeline can show what
that line did. Showing a program never runs it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QTextCursor, QTextFormat
from PySide6.QtWidgets import QLabel, QTextEdit, QVBoxLayout, QWidget

from gui.editor.code_editor import INDENT, CodeEditor
from gui.editor.find_bar import FindBar
from gui.editor.run_options_bar import RunOptionsBar

CURRENT_LINE = QColor("#fff3c4")
"""The line a clicked mark points at: pale yellow, distinct from the error red."""


class ProgramCodeEditor(CodeEditor):
    find_requested = Signal()

    def event(self, event: QEvent) -> bool:
        # Ctrl+F is the window's Fit; in the code it means Find.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Find)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Find):
            self.find_requested.emit()
            return
        if self.isReadOnly():
            super().keyPressEvent(event)
            return
        cursor = self.textCursor()
        if event.key() == Qt.Key.Key_Backtab:
            self._shift_lines(-1)
            return
        if event.key() == Qt.Key.Key_Tab and cursor.hasSelection():
            self._shift_lines(+1)
            return
        super().keyPressEvent(event)

    def _shift_lines(self, direction: int) -> None:
        """Indent (+1) or dedent (-1) every line the cursor or selection
        touches by one level, as one undo step."""
        cursor = self.textCursor()
        doc = self.document()
        first = doc.findBlock(cursor.selectionStart()).blockNumber()
        last_pos = cursor.selectionEnd()
        if cursor.hasSelection() and doc.findBlock(last_pos).position() == last_pos:
            last_pos -= 1  # a selection ending at a line start leaves that line
        last = doc.findBlock(max(last_pos, cursor.selectionStart())).blockNumber()
        edit = QTextCursor(doc)
        edit.beginEditBlock()
        for number in range(first, last + 1):
            block = doc.findBlockByNumber(number)
            edit.setPosition(block.position())
            if direction > 0:
                edit.insertText(INDENT)
                continue
            text = block.text()
            remove = min(len(INDENT), len(text) - len(text.lstrip(" ")))
            for _ in range(remove):
                edit.deleteChar()
        edit.endEditBlock()


class ProgramEditor(QWidget):
    line_chosen = Signal(int)
    """1-based line the user put the cursor on (a click or a key)."""
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self.untitled_name = "untitled.py"
        self._saved_text = ""
        self._base_point_size = 0.0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.heading)
        self.code = ProgramCodeEditor()
        layout.addWidget(self.code, 1)
        self.find_bar = FindBar(self.code, self)
        layout.addWidget(self.find_bar)
        self.run_options = RunOptionsBar()
        layout.addWidget(self.run_options)
        self._base_point_size = self.code.font().pointSizeF()
        self._marked_line: int | None = None
        self.code.find_requested.connect(self.find_bar.open_bar)
        self.code.textChanged.connect(self._on_code_text_changed)
        self.code.cursorPositionChanged.connect(self._on_code_cursor_position_changed)
        self._update_heading()

    # -- the document ------------------------------------------------------------------

    def set_program(self, text: str, path: Path | None, name: str = "") -> None:
        """Show ``text``; ``path`` None: not saved yet, ``name`` its suggested
        file name."""
        if path is None or path != self.path:
            self.run_options.reset()
        self.path = path
        self.untitled_name = name or "untitled.py"
        self._saved_text = text
        self._marked_line = None
        self.code.blockSignals(True)
        self.code.setPlainText(text)
        self.code.blockSignals(False)
        self.code.setExtraSelections([])
        self.code.moveCursor(QTextCursor.MoveOperation.Start)
        self._update_heading()

    def text(self) -> str:
        return self.code.toPlainText()

    @property
    def modified(self) -> bool:
        return self.text() != self._saved_text

    def mark_saved(self, path: Path) -> None:
        self.path = path
        self._saved_text = self.text()
        self._update_heading()

    def title(self) -> str:
        return self.path.name if self.path is not None else self.untitled_name

    def _update_heading(self) -> None:
        star = " (modified)" if self.modified else ""
        where = f" — {self.path.parent}" if self.path is not None else ""
        self.heading.setText(f"Program: {self.title()}{star}{where}")

    # -- lines -------------------------------------------------------------------------

    def current_line(self) -> int:
        return self.code.textCursor().blockNumber() + 1

    def show_line(self, line: int) -> None:
        """Put the cursor on 1-based ``line``, scroll to it and shade it (what
        a clicked mark does). Does not emit ``line_chosen``."""
        block = self.code.document().findBlockByNumber(line - 1)
        if not block.isValid():
            return
        self.code.blockSignals(True)
        self.code.setTextCursor(QTextCursor(block))
        self.code.blockSignals(False)
        self.code.centerCursor()
        self._marked_line = line
        selection = QTextEdit.ExtraSelection()
        selection.format.setBackground(CURRENT_LINE)
        selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        selection.cursor = QTextCursor(block)
        self.code.setExtraSelections([selection])
        self.code.viewport().update()

    # -- text scale --------------------------------------------------------------------

    def set_text_scale(self, scale: float) -> None:
        """Follow the window's text scale (Ctrl+= / Ctrl+-)."""
        font = self.code.font()
        font.setPointSizeF(max(6.0, self._base_point_size * scale))
        self.code.setFont(font)
        self.code.setTabStopDistance(self.code.fontMetrics().horizontalAdvance(" ") * 4)
        self.code.setViewportMargins(self.code.gutter_width(), 0, 0, 0)

    # -- signals -----------------------------------------------------------------------

    def _on_code_text_changed(self) -> None:
        self._update_heading()
        self.changed.emit()

    def _on_code_cursor_position_changed(self) -> None:
        if self._marked_line is not None and self.current_line() != self._marked_line:
            self._marked_line = None
            self.code.setExtraSelections([])
        self.line_chosen.emit(self.current_line())
