"""Predict, then reveal: the lesson's question (under the lesson's text; above
the lanes when presenting), its answer
hidden until the run has ended or the teacher presses Reveal.

The class's guess can be typed in; once revealed it is shown beside the
answer and the measured figure, so the comparison is on the screen, not in
anyone's memory.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui import palette


class PredictBox(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._answer = ""
        self._measured = ""
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.guess = QLineEdit()
        self.guess.setPlaceholderText("the class's guess")
        self.guess.setMaximumWidth(320)
        self.reveal_button = QPushButton("Reveal")
        self.reveal_button.setToolTip(
            "Show the answer now (it shows by itself when the run ends)"
        )
        self.reveal_button.clicked.connect(self.reveal)
        self.answer = QLabel()
        self.answer.setWordWrap(True)
        self.answer.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.guess, 1)
        row.addWidget(self.reveal_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addWidget(self.question)
        layout.addLayout(row)
        layout.addWidget(self.answer)
        self.set_text_scale(1.0)
        self.hide()

    @property
    def revealed(self) -> bool:
        return not self.answer.isHidden()

    def set_lesson(self, question: str, answer: str) -> None:
        """A new lesson: its question, the answer hidden (no question: hidden)."""
        self._answer = answer
        self._measured = ""
        self.question.setText(f"<b>Predict:</b> {_escape(question)}")
        self.guess.clear()
        self.answer.hide()
        self.reveal_button.setEnabled(bool(answer))
        self.setVisible(bool(question))

    def hide_answer(self) -> None:
        """Before a new run: the class predicts again."""
        self.answer.hide()
        self.reveal_button.setEnabled(bool(self._answer))

    def reveal(self, measured: str = "") -> None:
        if measured:
            self._measured = measured
        parts = [f"<b>Answer:</b> {_escape(self._answer)}"]
        if self.guess.text().strip():
            parts.append(f"<b>Your guess:</b> {_escape(self.guess.text().strip())}")
        if self._measured:
            parts.append(f"<b>Measured:</b> {_escape(self._measured)}")
        self.answer.setText(" &nbsp;·&nbsp; ".join(parts))
        self.answer.setVisible(bool(self._answer))
        self.reveal_button.setEnabled(False)

    def set_text_scale(self, scale: float) -> None:
        size = round(palette.LABEL_PX * scale)
        self.setStyleSheet(
            f"QLabel {{ font-size: {size}px; color: {palette.INK}; }}"
            f"QLineEdit, QPushButton {{ font-size: {size}px; }}"
        )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
