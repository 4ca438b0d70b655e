"""One editable value of a scenario, with its own inline error message.

The typed text is parsed strictly (core.input_checks.parse_int_text /
parse_float_text): what Python's int() and float() forgive — spaces, ``1_000``,
non-ASCII digits, nan, inf — is refused here too, so the form and a scenario
file accept exactly the same values. A problem turns the field red and shows
its message right under it; the scenario editor also pushes problems found by
whole-scenario validation into the field they are about.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core.input_checks import check_str, parse_float_text, parse_int_text

INVALID_STYLE = "border: 2px solid #c0392b; background: #fdecea;"
MESSAGE_COLOUR = "#b03a2e"
HINT_COLOUR = "#566573"


def tint(label: QLabel, colour: str, smaller: bool = False) -> None:
    """Colour a label through its palette: cheaper than a style sheet, which
    makes Qt re-polish the widget with the style-sheet style."""
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
    label.setPalette(palette)
    if smaller:
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        label.setFont(font)


KINDS = ("int", "float", "str", "choice", "bool")


class FieldEdit(QWidget):
    """An int / float / str / choice / bool input plus a message line."""

    value_edited = Signal()

    def __init__(
        self,
        kind: str,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        choices: tuple[str, ...] = (),
        labels: dict[str, str] | None = None,
        optional: bool = False,
        max_len: int = 500,
        placeholder: str = "",
        tooltip: str = "",
        text: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if kind not in KINDS:
            raise ValueError(f"unknown field kind {kind!r}")
        self.kind = kind
        self.minimum = minimum
        self.maximum = maximum
        self.choices = choices
        self.optional = optional
        self.max_len = max_len
        self._problem: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        self.input: QWidget
        if kind == "choice":
            combo = QComboBox()
            # Long labels must not force the narrow editor column wider.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)
            for choice in choices:
                combo.addItem((labels or {}).get(choice, choice), choice)
            combo.currentIndexChanged.connect(self._on_input_changed)
            self.input = combo
        elif kind == "bool":
            box = QCheckBox(text)
            box.toggled.connect(self._on_input_changed)
            self.input = box
        else:
            line = QLineEdit()
            line.setPlaceholderText(placeholder)
            line.textEdited.connect(self._on_input_changed)
            self.input = line
        if tooltip:
            self.input.setToolTip(tooltip)
        layout.addWidget(self.input)
        self.message = QLabel()
        self.message.setWordWrap(True)
        tint(self.message, MESSAGE_COLOUR, smaller=True)
        self.message.hide()
        layout.addWidget(self.message)

    # -- value ---------------------------------------------------------------------

    def set_value(self, value: Any) -> None:
        """Show ``value`` without emitting ``value_edited``."""
        self.blockSignals(True)
        try:
            if isinstance(self.input, QComboBox):
                index = self.input.findData(value)
                if index < 0 and value is not None:  # keep what a file says
                    self.input.addItem(str(value), value)
                    index = self.input.count() - 1
                self.input.setCurrentIndex(max(index, 0))
            elif isinstance(self.input, QCheckBox):
                self.input.setChecked(bool(value))
            elif isinstance(self.input, QLineEdit):
                self.input.setText(_text_of(value))
        finally:
            self.blockSignals(False)
        self.set_problem(self.parse_problem())

    def set_choices(self, choices: tuple[str, ...], labels: dict[str, str]) -> None:
        """Replace a choice field's options, keeping the current value."""
        if not isinstance(self.input, QComboBox):
            return
        current = self.input.currentData()
        self.choices = choices
        self.input.blockSignals(True)
        try:
            self.input.clear()
            for choice in choices:
                self.input.addItem(labels.get(choice, choice), choice)
        finally:
            self.input.blockSignals(False)
        self.set_value(current)

    def text(self) -> str:
        return self.input.text() if isinstance(self.input, QLineEdit) else ""

    def set_text(self, text: str) -> None:
        """Type ``text`` as a person would (emits ``value_edited``)."""
        if isinstance(self.input, QLineEdit):
            self.input.setText(text)
            self._on_input_changed()

    def value(self) -> Any:
        """The parsed value; raises ValueError with the reason."""
        if isinstance(self.input, QComboBox):
            return self.input.currentData()
        if isinstance(self.input, QCheckBox):
            return self.input.isChecked()
        text = self.text()
        if self.optional and text == "":
            return None
        if self.kind == "int":
            lo = None if self.minimum is None else int(self.minimum)
            hi = None if self.maximum is None else int(self.maximum)
            return parse_int_text(text, lo, hi)
        if self.kind == "float":
            return parse_float_text(text, self.minimum, self.maximum)
        problem = check_str(text, self.max_len)
        if problem:
            raise ValueError(problem)
        return text

    def parse_problem(self) -> str | None:
        try:
            self.value()
        except ValueError as error:
            return str(error)
        return None

    # -- problems ------------------------------------------------------------------

    @property
    def problem(self) -> str | None:
        return self._problem

    def set_problem(self, message: str | None) -> None:
        """Turn the field red with ``message`` under it, or back to normal."""
        if bool(message) != bool(self._problem):  # restyling is not free
            self.input.setStyleSheet(INVALID_STYLE if message else "")
        self._problem = message
        self.message.setText(message or "")
        self.message.setVisible(bool(message))

    def set_read_only(self, read_only: bool) -> None:
        if isinstance(self.input, QLineEdit):
            self.input.setReadOnly(read_only)
        else:
            self.input.setEnabled(not read_only)

    def _on_input_changed(self, *_: object) -> None:
        self.set_problem(self.parse_problem())
        self.value_edited.emit()


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))  # "2", not "2.0" or "2e+07"
        return repr(value)
    return str(value)
