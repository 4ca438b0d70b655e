"""A plain-text Python editor: line numbers, highlighting, an error line.

Used for custom targets. The line a syntax error points at is shaded red, so
the message "SyntaxError at code line 3" below the editor has an obvious place
to look. Read-only mode is how code from a file is shown before anyone agrees
to run it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from gui.editor.python_highlighter import PythonHighlighter

INDENT = "    "
MIN_COLUMNS = 44
"""Wide enough for the tutorial's functions without scrolling sideways."""
ERROR_LINE = QColor("#f9d6d2")
GUTTER = QColor("#eef1f4")
GUTTER_TEXT = QColor("#7b8794")


class _LineNumbers(QWidget):
    """The gutter; painting is delegated to the editor that owns it."""

    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.editor.paint_gutter(event)


class CodeEditor(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * 4)
        self.highlighter = PythonHighlighter(self.document())
        self._gutter = _LineNumbers(self)
        self._error_line: int | None = None
        self.blockCountChanged.connect(self._on_self_block_count_changed)
        self.updateRequest.connect(self._on_self_update_request)
        self._on_self_block_count_changed()
        self.setMinimumWidth(
            self.gutter_width()
            + self.fontMetrics().horizontalAdvance("m") * MIN_COLUMNS
            + 2 * self.frameWidth()
        )

    # -- typing Python -------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter keeps the indentation (one level more after a colon), Tab
        inserts four spaces, Backspace in the indentation removes a level:
        what students expect from any Python editor (issue 11, defect 9)."""
        if self.isReadOnly() or event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            super().keyPressEvent(event)
            return
        cursor = self.textCursor()
        before = cursor.block().text()[: cursor.positionInBlock()]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            indent = before[: len(before) - len(before.lstrip())]
            if before.split("#", 1)[0].rstrip().endswith(":"):
                indent += INDENT
            cursor.insertText("\n" + indent)
            self.setTextCursor(cursor)
            return
        if event.key() == Qt.Key.Key_Tab and not cursor.hasSelection():
            cursor.insertText(INDENT[: len(INDENT) - len(before) % len(INDENT)])
            return
        if (
            event.key() == Qt.Key.Key_Backspace
            and before
            and not before.strip()
            and not cursor.hasSelection()
        ):
            remove = (len(before) - 1) % len(INDENT) + 1
            for _ in range(remove):
                cursor.deletePreviousChar()
            return
        super().keyPressEvent(event)

    # -- error line ----------------------------------------------------------------

    @property
    def error_line(self) -> int | None:
        return self._error_line

    def set_error_line(self, line: int | None) -> None:
        """Shade 1-based ``line`` (None: no error)."""
        self._error_line = line
        selections = []
        block = self.document().findBlockByNumber((line or 0) - 1)
        if line and block.isValid():
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(ERROR_LINE)
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.cursor = QTextCursor(block)
            selections.append(selection)
        self.setExtraSelections(selections)
        self._gutter.update()

    # -- gutter --------------------------------------------------------------------

    def gutter_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 12 + self.fontMetrics().horizontalAdvance("9") * max(2, digits)

    def _on_self_block_count_changed(self, *_: object) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _on_self_update_request(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self._gutter.setGeometry(
            QRect(area.left(), area.top(), self.gutter_width(), area.height())
        )

    def paint_gutter(self, event: QPaintEvent) -> None:
        painter = QPainter(self._gutter)
        painter.fillRect(event.rect(), GUTTER)
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(
            self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
        )
        bottom = top + round(self.blockBoundingRect(block).height())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                is_error = self._error_line == number + 1
                painter.setPen(QColor("#b03a2e") if is_error else GUTTER_TEXT)
                painter.drawText(
                    0,
                    top,
                    self._gutter.width() - 6,
                    height,
                    Qt.AlignmentFlag.AlignRight,
                    str(number + 1),
                )
            block = block.next()
            top = bottom
            bottom = top + round(self.blockBoundingRect(block).height())
            number += 1
        painter.end()
