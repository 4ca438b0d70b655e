"""Timed actions: "at T seconds, the main program does stop / terminate / kill
to this worker". Which worker is chosen from the scenario's own names (every
worker, a group, or one instance), refreshed whenever the groups change."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.scenario.definition import ACTIONS, MAX_RUN_SECONDS, Action
from gui.editor.field_edit import FieldEdit

ACTION_LABELS = {
    "stop": "stop (cooperative)",
    "terminate": "terminate (SIGTERM)",
    "kill": "kill (SIGKILL)",
}


class ActionsEditor(QWidget):
    value_edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, FieldEdit]] = []
        self._remove_buttons: list[QPushButton] = []
        self._worker_choices: tuple[str, ...] = ("all",)
        self._worker_labels: dict[str, str] = {"all": "every worker"}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(2, 1)
        outer.addLayout(self.grid)
        self.empty = QLabel("<i>No timed actions: the workers run undisturbed.</i>")
        self.empty.setWordWrap(True)
        outer.addWidget(self.empty)
        self.add_button = QPushButton("Add action")
        self.add_button.clicked.connect(self._on_add_button_clicked)
        outer.addWidget(self.add_button)
        self._rebuild([])

    def set_worker_names(self, groups: list[tuple[str, list[str]]]) -> None:
        """(group name, instance names) for every group, in order."""
        choices = ["all"]
        labels = {"all": "every worker"}
        for group, instances in groups:
            if group not in choices:
                choices.append(group)
                if len(instances) > 1:
                    labels[group] = f"{group} (all {len(instances)})"
            for name in instances:
                if name not in choices:
                    choices.append(name)
        self._worker_choices = tuple(choices)
        self._worker_labels = labels
        for row in self.rows:
            row["worker"].set_choices(self._worker_choices, self._worker_labels)

    def set_actions(self, actions: tuple[Action, ...]) -> None:
        self._rebuild(
            [{"at": a.at, "action": a.action, "worker": a.worker} for a in actions]
        )

    def data(self) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """(actions for Scenario.from_dict, {"[i].at": problem, …})."""
        out: list[dict[str, Any]] = []
        problems: dict[str, str] = {}
        for index, row in enumerate(self.rows):
            item: dict[str, Any] = {}
            for key, field in row.items():
                try:
                    item[key] = field.value()
                except ValueError as error:
                    problems[f"[{index}].{key}"] = str(error)
                    item[key] = None  # keeps indices aligned; reported above
            out.append(item)
        return out, problems

    def fields(self) -> dict[str, FieldEdit]:
        return {
            f"[{index}].{key}": field
            for index, row in enumerate(self.rows)
            for key, field in row.items()
        }

    # -- rows ------------------------------------------------------------------------

    def _rebuild(self, items: list[dict[str, Any]]) -> None:
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.rows = []
        if items:
            for column, text in enumerate(("At (s)", "Action", "Worker")):
                self.grid.addWidget(QLabel(f"<b>{text}</b>"), 0, column)
        for item in items:
            self._add_row(item)
        self.empty.setVisible(not items)

    def _add_row(self, item: dict[str, Any]) -> None:
        row = {
            "at": FieldEdit(
                "float", minimum=0, maximum=MAX_RUN_SECONDS, tooltip="seconds"
            ),
            "action": FieldEdit("choice", choices=ACTIONS, labels=ACTION_LABELS),
            "worker": FieldEdit(
                "choice", choices=self._worker_choices, labels=self._worker_labels
            ),
        }
        index = len(self.rows) + 1
        for column, key in enumerate(("at", "action", "worker")):
            row[key].set_value(item.get(key))
            row[key].value_edited.connect(self.value_edited)
            self.grid.addWidget(row[key], index, column)
        remove = QPushButton("✕")
        remove.setToolTip("Remove this action")
        remove.setFixedWidth(28)
        position = len(self.rows)
        remove.clicked.connect(lambda: self._on_remove_clicked(position))
        self.grid.addWidget(remove, index, 3)
        self.rows.append(row)

    def _current_items(self) -> list[dict[str, Any]]:
        items = []
        for row in self.rows:
            items.append(
                {
                    "at": row["at"].text(),
                    "action": row["action"].value(),
                    "worker": row["worker"].value(),
                }
            )
        return items

    def _on_add_button_clicked(self) -> None:
        items = self._current_items()
        items.append({"at": "1", "action": "terminate", "worker": "all"})
        self._rebuild(items)
        self.value_edited.emit()

    def _on_remove_clicked(self, position: int) -> None:
        items = self._current_items()
        del items[position]
        self._rebuild(items)
        self.value_edited.emit()
