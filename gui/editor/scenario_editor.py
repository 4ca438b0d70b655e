"""The scenario as a form: run settings, worker groups and timed actions.

Validation is the engine's own: the form is turned into plain data and given to
``scenario_from_dict``, and every problem it reports (a path such as
``workers[0].count`` and a message) is shown on the field that path names. What
cannot even be parsed (typed text that is not a number) is caught by the field
itself first. The editor never writes anything to disk: a lesson stays as it is.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.input_checks import InputError
from core.scenario.definition import (
    MAX_RUN_SECONDS,
    START_METHODS,
    Scenario,
    WorkerGroup,
)
from core.scenario.rules import scenario_from_dict
from gui.editor.actions_editor import ActionsEditor
from gui.editor.field_edit import MESSAGE_COLOUR, FieldEdit, tint
from gui.editor.worker_group_editor import HINT_STYLE, NOTICE_STYLE, WorkerGroupEditor

MODE_LABELS = {
    "process": "Processes",
    "thread": "Threads: no isolation, cannot be force-stopped",
}
THREAD_NOTE = (
    "Threads: no isolation, cannot be force-stopped. They share the main "
    "program's process: they can be asked to stop, never terminated or killed."
)
FORK_WARNING = (
    "fork copies the parent. Forking a multi-threaded program is unsafe (a "
    "lock held by another thread stays locked in the child); Procession forks "
    "from its own single-threaded conductor, so it works here."
)
FORK_WITH_THREADS_WARNING = (
    "fork copies the parent. Forking a multi-threaded program is unsafe (a "
    "lock held by another thread stays locked in the child). This scenario "
    "runs threads in the main program: a fork while they run copies a "
    "multi-threaded process (Python 3.12+ warns about it)."
)
METHOD_HINTS = {
    "spawn": "spawn: a fresh interpreter per worker (slowest start, safest).",
    "forkserver": "forkserver: forked from a clean server process.",
    "default": "default: this platform's own default start method.",
}
_GROUP_PATH = re.compile(r"workers\[(\d+)\](?:\.(.*))?$")
_ACTION_PATH = re.compile(r"actions(\[\d+\](?:\..*)?)$")


class ScenarioEditor(QWidget):
    scenario_edited = Signal()
    """The user changed something (validation has run)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base = Scenario()
        self._scenario: Scenario | None = None
        self.problems: list[str] = []
        self.groups: list[WorkerGroupEditor] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_settings())
        self.groups_box = QGroupBox("Worker groups")
        self.groups_layout = QVBoxLayout(self.groups_box)
        self.add_group_button = QPushButton("Add worker group")
        self.add_group_button.clicked.connect(self._on_add_group_button_clicked)
        self.groups_layout.addWidget(self.add_group_button)
        layout.addWidget(self.groups_box)
        actions_box = QGroupBox("Timed actions (by the main program)")
        actions_layout = QVBoxLayout(actions_box)
        self.actions = ActionsEditor()
        self.actions.value_edited.connect(self._on_any_value_edited)
        actions_layout.addWidget(self.actions)
        layout.addWidget(actions_box)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        tint(self.summary, MESSAGE_COLOUR)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        self.set_scenario(Scenario(workers=(WorkerGroup("worker", "sleep"),)))

    def _build_settings(self) -> QWidget:
        box = QGroupBox("Run settings")
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.title = FieldEdit("str", max_len=200)
        self.mode = FieldEdit("choice", choices=tuple(MODE_LABELS), labels=MODE_LABELS)
        self.mode_note = QLabel(THREAD_NOTE)
        self.mode_note.setWordWrap(True)
        self.mode_note.setStyleSheet(NOTICE_STYLE)
        self.start_method = FieldEdit("choice", choices=START_METHODS)
        self.method_note = QLabel()
        self.method_note.setWordWrap(True)
        self.join = FieldEdit("bool", text="join() every worker")
        self.join_timeout = FieldEdit(
            "float",
            minimum=0,
            maximum=MAX_RUN_SECONDS,
            optional=True,
            placeholder="no timeout (wait as long as it takes)",
            tooltip="seconds each join() waits; empty: no timeout",
        )
        form.addRow("Title", self.title)
        form.addRow("Workers are", self.mode)
        form.addRow(self.mode_note)
        form.addRow("Start method", self.start_method)
        form.addRow(self.method_note)
        form.addRow("", self.join)
        form.addRow("Join timeout (s)", self.join_timeout)
        for field in self.top_fields().values():
            field.value_edited.connect(self._on_any_value_edited)
        return box

    def top_fields(self) -> dict[str, FieldEdit]:
        return {
            "title": self.title,
            "mode": self.mode,
            "start_method": self.start_method,
            "join": self.join,
            "join_timeout": self.join_timeout,
        }

    # -- loading ---------------------------------------------------------------------

    def set_scenario(self, scenario: Scenario, code_locked: bool = False) -> None:
        """Show ``scenario``; custom code from a file comes in ``code_locked``."""
        self._base = scenario
        self.title.set_value(scenario.title)
        self.mode.set_value(scenario.mode)
        self.start_method.set_value(scenario.start_method)
        self.join.set_value(scenario.join)
        self.join_timeout.set_value(scenario.join_timeout)
        for editor in self.groups:
            editor.setParent(None)
            editor.deleteLater()
        self.groups = []
        for group in scenario.workers:
            self._add_group(group, code_locked)
        self.actions.set_actions(scenario.actions)
        self.validate()

    def _add_group(self, group: WorkerGroup, code_locked: bool = False) -> None:
        editor = WorkerGroupEditor()
        editor.set_group(group, code_locked)
        editor.value_edited.connect(self._on_any_value_edited)
        editor.removal_requested.connect(self._on_group_removal_requested)
        self.groups_layout.insertWidget(len(self.groups), editor)
        self.groups.append(editor)
        self._renumber()

    def _renumber(self) -> None:
        for index, editor in enumerate(self.groups):
            editor.set_index(index)

    # -- state -----------------------------------------------------------------------

    @property
    def scenario(self) -> Scenario | None:
        """The edited scenario, or None while anything is invalid."""
        return self._scenario

    @property
    def code_locked(self) -> bool:
        return any(g.code_locked for g in self.groups if g.is_custom)

    # -- validation ------------------------------------------------------------------

    def data(self) -> tuple[dict[str, Any], dict[str, str]]:
        """(plain scenario data, {path: problem} of fields that do not parse)."""
        # Texts the form does not edit travel with the scenario unchanged.
        data: dict[str, Any] = {
            key: getattr(self._base, key)
            for key in ("description", "question", "answer", "takeaway")
        }
        problems: dict[str, str] = {}
        for key, field in self.top_fields().items():
            try:
                value = field.value()
            except ValueError as error:
                problems[key] = str(error)
                continue
            if value is not None:
                data[key] = value
        for key in ("max_output_lines", "max_processes"):
            data[key] = getattr(self._base, key)
        data["workers"] = []
        for index, editor in enumerate(self.groups):
            group, bad = editor.data()
            data["workers"].append(group)
            problems.update({f"workers[{index}].{k}": v for k, v in bad.items()})
        actions, bad = self.actions.data()
        if actions:
            data["actions"] = actions
        problems.update({f"actions{k}": v for k, v in bad.items()})
        return data, problems

    def validate(self) -> Scenario | None:
        data, problems = self.data()
        scenario = None
        try:
            scenario = scenario_from_dict(data)
        except InputError as error:
            for problem in error.problems:
                problems.setdefault(problem.path, problem.message)
        if problems:
            scenario = None
        self._scenario = scenario
        self._show(problems)
        self._update_notes()
        self._update_worker_names(data)
        return scenario

    def _show(self, problems: dict[str, str]) -> None:
        top = self.top_fields()
        per_group: list[dict[str, str]] = [{} for _ in self.groups]
        actions: dict[str, str] = {}
        general: list[str] = []
        for field in top.values():
            field.set_problem(None)
        for path, message in problems.items():
            group = _GROUP_PATH.match(path)
            action = _ACTION_PATH.match(path)
            if path in top:
                top[path].set_problem(message)
            elif group and int(group.group(1)) < len(self.groups):
                per_group[int(group.group(1))][group.group(2) or ""] = message
            elif action:
                actions[action.group(1)] = message
            else:
                general.append(f"{path}: {message}" if path else message)
        for editor, found in zip(self.groups, per_group, strict=True):
            editor.show_problems(found)
        action_fields = self.actions.fields()
        for key, field in action_fields.items():
            field.set_problem(actions.get(key))
        general += [
            f"actions{k}: {v}" for k, v in actions.items() if k not in action_fields
        ]
        self.problems = [f"{p}: {m}" if p else m for p, m in problems.items()]
        count = len(problems)
        text = (
            ""
            if not count
            else (
                f"{count} problem{'s' if count > 1 else ''} to fix before Run"
                + ("".join(f"\n• {g}" for g in general))
            )
        )
        self.summary.setText(text)
        self.summary.setVisible(bool(count))

    def _update_notes(self) -> None:
        threads = self.mode.value() == "thread" or any(
            g.mode.value() == "thread" for g in self.groups
        )
        self.mode_note.setVisible(threads)
        methods = {self.start_method.value()} | {
            g.start_method.value() for g in self.groups if g.start_method.value()
        }
        fork_note = FORK_WITH_THREADS_WARNING if threads else FORK_WARNING
        notes = [fork_note] if "fork" in methods else []
        notes += [METHOD_HINTS[m] for m in sorted(methods) if m in METHOD_HINTS]
        self.method_note.setText("\n".join(notes))
        self.method_note.setStyleSheet(
            NOTICE_STYLE if "fork" in methods else HINT_STYLE
        )
        self.method_note.setVisible(bool(notes))

    def _update_worker_names(self, data: dict[str, Any]) -> None:
        names = []
        for group in data.get("workers", []):
            name = group.get("name", group.get("target", ""))
            count = group.get("count", 1)
            instances = (
                [name]
                if count == 1
                else [f"{name}-{i}" for i in range(1, min(count, 64) + 1)]
            )
            names.append((name, instances))
        self.actions.set_worker_names(names)

    # -- slots -----------------------------------------------------------------------

    def _on_any_value_edited(self) -> None:
        self.validate()
        self.scenario_edited.emit()

    def _on_add_group_button_clicked(self) -> None:
        used = {g.name.text() for g in self.groups}
        number = len(self.groups) + 1
        while f"worker{number}" in used:
            number += 1
        self._add_group(WorkerGroup(f"worker{number}", "sleep"))
        self._on_any_value_edited()

    def _on_group_removal_requested(self, editor: WorkerGroupEditor) -> None:
        self.groups.remove(editor)
        editor.setParent(None)
        editor.deleteLater()
        self._renumber()
        self._on_any_value_edited()
