"""Find in a code editor: a one-line bar under it (Ctrl+F, Enter, Escape).

Enter finds the next match, Shift+Enter the previous one; the search wraps
round the end of the text, and a text that is nowhere turns the field red, so
"no match" is never mistaken for "the bar did nothing".
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QWidget,
)

NOT_FOUND_STYLE = "background: #f9d6d2;"


class _Field(QLineEdit):
    def __init__(self, bar: FindBar) -> None:
        super().__init__(bar)
        self.bar = bar

    def event(self, event: QEvent) -> bool:
        # Escape is also the window's "leave presentation": here it closes the bar.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            self.bar.find(backward=bool(shift))
            return
        if event.key() == Qt.Key.Key_Escape:
            self.bar.close_bar()
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addWidget(QLabel("Find:"))
        self.field = _Field(self)
        self.field.setPlaceholderText("text in the program (Enter: next)")
        self.field.textEdited.connect(self._on_field_text_edited)
        layout.addWidget(self.field, 1)
        for text, tip, backward in (
            ("↑", "Previous (Shift+Enter)", True),
            ("↓", "Next (Enter)", False),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, b=backward: self.find(backward=b))
            layout.addWidget(button)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Close (Escape)")
        close.clicked.connect(self.close_bar)
        layout.addWidget(close)
        self.hide()

    def open_bar(self) -> None:
        """Show the bar with the editor's selection (if any) as the text."""
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:  # not across lines
            self.field.setText(selected)
        self.show()
        self.field.setFocus()
        self.field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.editor.setFocus()

    def find(self, backward: bool = False) -> bool:
        """Select the next (or previous) match, wrapping; False if none."""
        text = self.field.text()
        if not text:
            return False
        flags = QTextDocument.FindFlag(0)
        if backward:
            flags |= QTextDocument.FindFlag.FindBackward
        found = self.editor.find(text, flags)
        if not found:  # wrap round
            cursor = self.editor.textCursor()
            cursor.movePosition(
                QTextCursor.MoveOperation.End
                if backward
                else QTextCursor.MoveOperation.Start
            )
            self.editor.setTextCursor(cursor)
            found = self.editor.find(text, flags)
        self.field.setStyleSheet("" if found else NOT_FOUND_STYLE)
        return found

    def _on_field_text_edited(self, _text: str) -> None:
        # Search as one types, from the start of the current match.
        cursor = self.editor.textCursor()
        cursor.setPosition(cursor.selectionStart())
        self.editor.setTextCursor(cursor)
        self.find()
