"""Editor for one worker group: what ``count`` workers run, and how.

The target dropdown lists core.scenario.target_catalog.LIBRARY plus "custom"; a
library target gets a ParamForm built from its schema, a custom one gets a function
name, its arguments (a TOML inline table) and a code editor. Custom code loaded from a
file arrives locked: read-only, under a notice that it has not been run.
"""

from __future__ import annotations

import json
import tomllib
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.scenario import target_catalog
from core.scenario.custom_code_rules import custom_code_problem
from core.scenario.definition import MAX_DELAY, MAX_WORKERS, WorkerGroup
from gui.editor.code_editor import CodeEditor
from gui.editor.field_edit import HINT_COLOUR, MESSAGE_COLOUR, FieldEdit, tint
from gui.editor.param_form import ParamForm

NOTICE_STYLE = (
    "background: #fff4ce; border: 1px solid #e0b400; border-radius: 3px; padding: 4px;"
)
HINT_STYLE = f"color: {HINT_COLOUR};"
CODE_NOTICE = (
    "<b>This scenario contains Python code. It has not been run.</b> "
    "Read it first: Run will ask you to confirm."
)
TEMPLATE = '''def work(seconds=1.0):
    """Runs in its own process (or thread). Print, return, raise or exit."""
    import time

    print("working for", seconds, "s")
    time.sleep(seconds)
    return "done"
'''


class WorkerGroupEditor(QFrame):
    value_edited = Signal()
    removal_requested = Signal(object)
    """self: the remove button was clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("workerGroup")
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        self._index = 0
        self._params: ParamForm | None = None
        outer = QVBoxLayout(self)
        header = QHBoxLayout()
        self.heading = QLabel()
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove this worker group")
        self.remove_button.clicked.connect(lambda: self.removal_requested.emit(self))
        header.addWidget(self.heading, 1)
        header.addWidget(self.remove_button)
        outer.addLayout(header)
        self.message = QLabel()  # problems about the group as a whole
        self.message.setWordWrap(True)
        tint(self.message, MESSAGE_COLOUR)
        self.message.hide()
        outer.addWidget(self.message)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)
        self.name = FieldEdit("str", max_len=40, tooltip="letters, digits, _ - .")
        self.target = FieldEdit(
            "choice",
            choices=(*target_catalog.LIBRARY, target_catalog.CUSTOM),
            labels={target_catalog.CUSTOM: "custom (your own code)"},
        )
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        tint(self.summary, HINT_COLOUR)
        self.count = FieldEdit(
            "int", minimum=1, maximum=MAX_WORKERS, tooltip="how many workers"
        )
        self.start_delay = FieldEdit(
            "float",
            minimum=0,
            maximum=MAX_DELAY,
            tooltip="seconds the main program waits before starting this group",
        )
        self.daemon = FieldEdit(
            "bool",
            text="daemon",
            tooltip="a daemon process is terminated when the main program exits",
        )
        self.mode = FieldEdit(
            "choice",
            choices=("", "process", "thread"),
            labels={
                "": "as the scenario says",
                "process": "processes",
                "thread": "threads (no isolation, no force-stop)",
            },
        )
        self.start_method = FieldEdit(
            "choice",
            choices=("", "spawn", "fork", "forkserver", "default"),
            labels={"": "as the scenario says"},
        )
        self.wait_for_previous = FieldEdit(
            "bool",
            text="after previous groups",
            tooltip="start this group only after the main program has joined "
            "every earlier group (a new stage)",
        )
        form.addRow("Name", self.name)
        form.addRow("Target", self.target)
        form.addRow("", self.summary)
        form.addRow("Count", self.count)
        self.params_holder = QVBoxLayout()
        form.addRow("Arguments", self.params_holder)
        self._build_custom(form)
        form.addRow("Start delay (s)", self.start_delay)
        form.addRow("", self.daemon)
        form.addRow("Runs as", self.mode)
        form.addRow("Start method", self.start_method)
        form.addRow("", self.wait_for_previous)
        self._form = form
        # First swap the argument fields for the new target's, then tell the
        # scenario editor: it validates at once, and the old target's
        # arguments must be gone by then (issue 11, defect 2).
        self.target.value_edited.connect(self._on_target_value_edited)
        for field in self.simple_fields().values():
            field.value_edited.connect(self.value_edited)
        self.name.value_edited.connect(self._update_heading)
        self.set_group(WorkerGroup("worker", "sleep"))

    def _build_custom(self, form: QFormLayout) -> None:
        """The rows shown for a custom target, in the group's own form (so
        that their labels line up with the others)."""
        self.function = FieldEdit("str", max_len=200, tooltip="the function to call")
        self.custom_args = FieldEdit(
            "str",
            max_len=2000,
            placeholder='seconds = 1.0, label = "x"',
            tooltip="keyword arguments, as a TOML inline table without braces",
        )
        self.code_notice = QLabel(CODE_NOTICE)
        self.code_notice.setWordWrap(True)
        self.code_notice.setStyleSheet(NOTICE_STYLE)
        self.unlock_button = QPushButton("Edit the code")
        self.unlock_button.clicked.connect(lambda: self.set_code_locked(False))
        self.code = CodeEditor()
        self.code.setMinimumHeight(160)
        self.code_message = QLabel()
        self.code_message.setWordWrap(True)
        tint(self.code_message, MESSAGE_COLOUR)
        self.code_message.hide()
        self.code.textChanged.connect(self._on_code_text_changed)
        self.function.value_edited.connect(self._on_code_text_changed)
        self.custom_args.value_edited.connect(self._on_code_text_changed)
        form.addRow("Function", self.function)
        form.addRow("Arguments", self.custom_args)
        form.addRow(self.code_notice)
        form.addRow(self.unlock_button)
        form.addRow(self.code)
        form.addRow(self.code_message)
        self._custom_rows = [
            self.function,
            self.custom_args,
            self.code_notice,
            self.unlock_button,
            self.code,
            self.code_message,
        ]

    # -- fields ----------------------------------------------------------------------

    def simple_fields(self) -> dict[str, FieldEdit]:
        """Fields by their path under ``workers[i]`` (without the arguments)."""
        return {
            "name": self.name,
            "target": self.target,
            "count": self.count,
            "start_delay": self.start_delay,
            "daemon": self.daemon,
            "mode": self.mode,
            "start_method": self.start_method,
            "wait_for_previous": self.wait_for_previous,
            "function": self.function,
        }

    def fields(self) -> dict[str, FieldEdit]:
        found = self.simple_fields()
        if self.is_custom:
            found["args"] = self.custom_args
        elif self._params is not None:
            found.update({f"args.{k}": f for k, f in self._params.fields.items()})
        return found

    @property
    def is_custom(self) -> bool:
        return self.target.value() == target_catalog.CUSTOM

    def set_index(self, index: int) -> None:
        self._index = index
        self._update_heading()

    def _update_heading(self) -> None:
        self.heading.setText(f"<b>Group {self._index + 1}</b> · {self.name.text()}")

    # -- loading ---------------------------------------------------------------------

    def set_group(self, group: WorkerGroup, code_locked: bool = False) -> None:
        self.blockSignals(True)
        try:
            self.name.set_value(group.name)
            self.target.set_value(group.target)
            self.count.set_value(group.count)
            self.start_delay.set_value(group.start_delay)
            self.daemon.set_value(group.daemon)
            self.mode.set_value(group.mode or "")
            self.start_method.set_value(group.start_method or "")
            self.wait_for_previous.set_value(group.wait_for_previous)
            self.function.set_value(group.function or "work")
            self.code.setPlainText(group.code or TEMPLATE)
            self._show_target(dict(group.args))
            self.set_code_locked(code_locked and group.target == target_catalog.CUSTOM)
        finally:
            self.blockSignals(False)
        self._update_heading()

    def _show_target(self, args: dict[str, Any]) -> None:
        name = self.target.value()
        if self._params is not None:
            self._params.setParent(None)
            self._params.deleteLater()
            self._params = None
        custom = name == target_catalog.CUSTOM
        for widget in self._custom_rows:
            self._form.setRowVisible(widget, custom)
        self._form.setRowVisible(self.params_holder, not custom)
        if custom:  # rows shown only in some states
            self.set_code_locked(self.code_locked)
            self.code_message.setVisible(bool(self.code_message.text()))
        if custom:
            self.summary.setText("a function you write, run like any target")
            self.custom_args.set_value(_inline_table(args))
            self._on_code_text_changed()
            return
        target = target_catalog.LIBRARY[name]
        self.summary.setText(target.summary)
        self._params = ParamForm(target)
        self._params.set_values(args)
        self._params.value_edited.connect(self.value_edited)
        self.params_holder.addWidget(self._params)

    def _on_target_value_edited(self) -> None:
        self._show_target({})

    def set_code_locked(self, locked: bool) -> None:
        self.code.setReadOnly(locked)
        self.function.set_read_only(locked)
        self.custom_args.set_read_only(locked)
        self.code_notice.setVisible(locked)
        self.unlock_button.setVisible(locked)

    @property
    def code_locked(self) -> bool:
        return self.code.isReadOnly()

    # -- reading ---------------------------------------------------------------------

    def data(self) -> tuple[dict[str, Any], dict[str, str]]:
        """(group data for scenario_from_dict, {path under the group: problem})."""
        data: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for key, field in self.simple_fields().items():
            if key == "function" and not self.is_custom:
                continue
            try:
                value = field.value()
            except ValueError as error:
                problems[key] = str(error)
                continue
            if key in ("mode", "start_method") and not value:
                continue
            data[key] = value
        if self.is_custom:
            data["code"] = self.code.toPlainText()
            try:
                data["args"] = _parse_inline_table(self.custom_args.text())
            except ValueError as error:
                problems["args"] = str(error)
        elif self._params is not None:
            args, bad = self._params.values()
            data["args"] = args
            problems.update({f"args.{k}": v for k, v in bad.items()})
        return data, problems

    def show_problems(self, problems: dict[str, str]) -> None:
        """Show {path under the group: message} on the matching fields."""
        fields = self.fields()
        general: list[str] = []
        for field in fields.values():
            field.set_problem(None)
        code_problem = None
        for path, message in problems.items():
            field = fields.get(path)
            if path == "code":
                code_problem = message
            elif field is not None:
                field.set_problem(message)
            else:
                general.append(f"{path}: {message}" if path else message)
        self._show_code_problem(code_problem)
        self.message.setText("\n".join(general))
        self.message.setVisible(bool(general))

    def _show_code_problem(self, message: str | None) -> None:
        line = None
        if message and self.is_custom:
            found = custom_code_problem(
                self.code.toPlainText(), self.function.text() or "?"
            )
            line = found[0] if found else None
        self.code.set_error_line(line)
        self.code_message.setText(message or "")
        self.code_message.setVisible(bool(message))

    def _on_code_text_changed(self) -> None:
        self._update_heading()
        self.value_edited.emit()


def _inline_table(args: dict[str, Any]) -> str:
    parts = []
    for key, value in args.items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, str):
            text = json.dumps(value, ensure_ascii=False)
        else:
            text = repr(value)
        parts.append(f"{key} = {text}")
    return ", ".join(parts)


def _parse_inline_table(text: str) -> dict[str, Any]:
    if not text.strip():
        return {}
    try:
        return dict(tomllib.loads(f"args = {{ {text} }}")["args"])
    except (tomllib.TOMLDecodeError, RecursionError) as error:
        message = str(error).split(" (at line")[0]
        raise ValueError(
            f"write keyword arguments as name = value, separated by commas ({message})"
        ) from None
