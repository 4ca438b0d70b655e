"""The arguments of one built-in target, as a form generated from its schema.

core.scenario.target_catalog describes every parameter (kind, default, bounds,
help); the form is built from that description alone, so a new target in the library
gets its form without any GUI change.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from core.scenario import target_catalog
from gui.editor.field_edit import FieldEdit


class ParamForm(QWidget):
    """One FieldEdit per parameter of ``target``."""

    value_edited = Signal()

    def __init__(
        self, target: target_catalog.Target, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.target = target
        self.fields: dict[str, FieldEdit] = {}
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if not target.params:
            layout.addRow(QLabel("<i>no arguments</i>"))
        for param in target.params:
            field = FieldEdit(
                param.kind,
                minimum=param.minimum,
                maximum=param.maximum,
                choices=param.choices,
                placeholder=_placeholder(param),
                tooltip=param.help,
            )
            field.set_value(param.default)
            field.value_edited.connect(self.value_edited)
            label = QLabel(param.name)
            label.setToolTip(param.help)
            layout.addRow(label, field)
            self.fields[param.name] = field

    def set_values(self, args: dict[str, Any]) -> None:
        for name, field in self.fields.items():
            param = self.target.param(name)
            field.set_value(args.get(name, param.default if param else None))

    def values(self) -> tuple[dict[str, Any], dict[str, str]]:
        """(arguments that parse, {name: problem} for those that do not)."""
        good: dict[str, Any] = {}
        bad: dict[str, str] = {}
        for name, field in self.fields.items():
            try:
                good[name] = field.value()
            except ValueError as error:
                bad[name] = str(error)
        return good, bad


def _placeholder(param: target_catalog.Param) -> str:
    if param.kind in ("int", "float") and param.minimum is not None:
        high = "" if param.maximum is None else f"{param.maximum:g}"
        return f"{param.minimum:g} … {high}".strip()
    return param.help
