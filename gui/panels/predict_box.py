"""Predict, then reveal: the lesson's question (under the lesson's text; above
the lanes when presenting), its answer hidden until the run has ended or the
teacher presses Reveal.

The class's guess can be typed in; once revealed it is shown beside the
answer and the measured figure, so the comparison is on the screen, not in
anyone's memory. Revealed, the answer takes the question's place (the class
knows the question by then): the box stays small above the lanes.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from gui import palette


class PredictBox(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._question = ""
        self._answer = ""
        self._measured = ""
        self._revealed = False
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.guess = QLineEdit()
        self.guess.setPlaceholderText("the class's guess")
        self.guess.setMaximumWidth(260)
        self.reveal_button = QPushButton("Reveal")
        self.reveal_button.setToolTip(
            "Show the answer now (it shows by itself when the run ends)"
        )
        self.reveal_button.clicked.connect(lambda: self.reveal())
        self._layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self._layout.setContentsMargins(6, 4, 6, 4)
        self._layout.setSpacing(4)
        self._layout.addWidget(self.text, 1)
        self._layout.addWidget(self.guess)
        self._layout.addWidget(self.reveal_button)
        self.set_text_scale(1.0)
        self.hide()

    @property
    def revealed(self) -> bool:
        return self._revealed

    def set_wide(self, wide: bool) -> None:
        """Wide (above the lanes): one row; narrow (left panel): stacked."""
        self._layout.setDirection(
            QBoxLayout.Direction.LeftToRight
            if wide
            else QBoxLayout.Direction.TopToBottom
        )

    def set_lesson(self, question: str, answer: str) -> None:
        """A new lesson: its question, the answer hidden (no question: hidden)."""
        self._question, self._answer, self._measured = question, answer, ""
        self.guess.clear()
        self.hide_answer()
        self.setVisible(bool(question))

    def hide_answer(self) -> None:
        """Before a new run: the class predicts again."""
        self._revealed = False
        self.text.setText(f"<b>Predict:</b> {_escape(self._question)}")
        self.guess.show()
        self.reveal_button.show()
        self.reveal_button.setEnabled(bool(self._answer))

    def reveal(self, measured: str = "") -> None:
        if not self._answer:
            return
        if measured:
            self._measured = measured
        parts = [f"<b>Answer:</b> {_escape(self._answer)}"]
        guess = self.guess.text().strip()
        if guess:
            parts.append(f"<b>Your guess:</b> {_escape(guess)}")
        if self._measured:
            parts.append(f"<b>Measured:</b> {_escape(self._measured)}")
        self.text.setText(" &nbsp;·&nbsp; ".join(parts))
        self._revealed = True
        self.guess.hide()
        self.reveal_button.hide()

    def answer_text(self) -> str:
        return self.text.text() if self._revealed else ""

    def set_text_scale(self, scale: float) -> None:
        size = round(palette.LABEL_PX * scale)
        self.setStyleSheet(
            f"QLabel {{ font-size: {size}px; color: {palette.INK}; }}"
            f"QLineEdit, QPushButton {{ font-size: {size}px; }}"
        )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
