"""Saving and exporting from the window: the file dialogs, their results, and
the message boxes that report them.

A mixin of :class:`gui.main_window.MainWindow` (kept apart so the window's
file stays about layout and wiring); the work itself is done by
:mod:`gui.export.file_commands`, which has no widgets.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core.input_checks import InputError
from core.lesson_programs import is_lesson_program, read_program
from core.scenario.as_code import scenario_as_code
from gui.export import file_commands
from gui.run_controller import RunState
from gui.window_actions import EXPORT_KINDS

TITLE_STATES = {
    RunState.RUNNING: " (running)",
    RunState.STOPPING: " (stopping)",
    RunState.REVIEW: " (recording)",
}

if TYPE_CHECKING:
    from gui.main_window import MainWindow

    _Base = MainWindow
else:
    _Base = object


class WindowFiles(_Base):
    """Save, export and open through dialogs; ``export_to`` for scripts."""

    def save_scenario(self, path: Path | str) -> Path | None:
        scenario = self.editor.validate()
        if scenario is None:
            self.show_error("Cannot save", "Fix the scenario's problems first.")
            return None
        try:
            saved = file_commands.save_scenario(scenario, path)
        except (InputError, OSError) as error:
            text = error.describe() if isinstance(error, InputError) else str(error)
            self.show_error("Cannot save the scenario", text)
            return None
        self.source = saved.resolve()
        self.status.showMessage(f"Saved {saved}", 5000)
        return saved

    def export_to(self, kind: str, path: Path | str) -> Path | None:
        try:
            written = file_commands.export(
                kind,
                self.controller.model,
                path,
                self._zoomed_range(),
                self.actions_.show_helpers.isChecked(),
            )
        except (OSError, ValueError) as error:
            self.show_error("Cannot export", str(error))
            return None
        self.status.showMessage(f"Exported {written}", 5000)
        return written

    def _zoomed_range(self) -> tuple[float, float] | None:
        """The visible stretch if the user zoomed into part of the run (the
        picture then shows what they see), else None (the whole run)."""
        model = self.controller.model
        if not model.started:
            return None
        whole = model.now()
        low, high = self.timeline.visible_time_range()
        start, end = max(low, 0.0), min(high, whole)
        if end <= start or (start <= 0.01 * whole and end >= 0.99 * whole):
            return None
        return start, end

    def _on_open_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Open a scenario, a program or a recording",
            str(self._dialog_dir()),
            "Scenarios, programs and recordings (*.toml *.py *.json);;All files (*)",
        )
        if path:
            self.open_path(path)

    def _on_save_triggered(self, ask: bool) -> None:
        if self.programs.active:
            self.save_program(ask)
            return
        path: str | Path | None = self.source
        if (
            ask
            or path is None
            or file_commands.is_lesson(path)
            or path.suffix != ".toml"
        ):
            title = self.editor.scenario.title if self.editor.scenario else ""
            path, _ = QFileDialog.getSaveFileName(
                self,
                "Save the scenario",
                str(self._dialog_dir() / file_commands.suggested_name(title, "toml")),
                "Scenario (*.toml)",
            )
        if path:
            self.save_scenario(path)

    def _on_export_triggered(self, kind: str | None) -> None:
        kinds = [kind] if kind else list(EXPORT_KINDS)
        filters = [EXPORT_KINDS[k][1] for k in kinds]
        title = self.controller.model.info.title
        path, chosen = QFileDialog.getSaveFileName(
            self,
            "Export the run",
            str(self._dialog_dir() / file_commands.suggested_name(title, kinds[0])),
            ";;".join(filters),
        )
        if path:
            self.export_to(
                kinds[filters.index(chosen)] if chosen in filters else kinds[0], path
            )

    def _dialog_dir(self) -> Path:
        if self.source is not None and not file_commands.is_lesson(self.source):
            return self.source.parent
        return Path.home()

    def show_error(self, title: str, text: str) -> None:
        """A non-blocking message box (and the status bar)."""
        self.status.showMessage(
            f"{title}: {text.splitlines()[0] if text else ''}", 8000
        )
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_error = box

    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            "About Procession",
            "<b>Procession</b><br>See the lifecycle of Python processes and threads, "
            "live: created → start() → starting → running → exiting → exited → joined.",
        )

    def _update_title(self) -> None:
        """The window's title: the program's or scenario's name, or the run's."""
        title = self.controller.model.info.title
        if self.programs.active and not self.controller.active:
            title = self.programs.window_title()
        elif self.editor.scenario is not None and not self.controller.active:
            title = self.editor.scenario.title
        # The taskbar tells whether it still runs (and a script can wait on it).
        suffix = TITLE_STATES.get(self.controller.state, "")
        self.setWindowTitle(f"Procession — {title}{suffix}")

    # -- programs --------------------------------------------------------------------

    def show_program(self, title: str, path: Path | None) -> None:
        """The window around a program just put in the editor (not run)."""
        self.replay_mode.set_active(False)
        self.source = path
        self.controller.preview_program(None)
        self._show_model(self.controller.model)
        lesson = read_program(path) if path and is_lesson_program(path) else None
        self.lessons.select_path(path if lesson else None)
        if lesson is not None:
            title = f"{lesson.title} ({title})"
        self.lessons.show_description(title, lesson.description if lesson else "")
        self.predict.set_lesson("", "")
        self.program_changed()

    def program_changed(self) -> None:
        self._update_title()
        self._update_actions()

    def new_program(self) -> None:
        """File > New program: an empty editor to type or paste into."""
        if self.controller.active:
            self.status.showMessage("Stop the run first", 5000)
            return
        if self.programs.may_leave():
            self.programs.show_text("", None)

    def show_as_code(self) -> None:
        """The scenario in the form as the plain program that does the same."""
        scenario = self.editor.validate()
        if self.controller.active or scenario is None:
            self.status.showMessage("Show as code needs a valid scenario", 5000)
            return
        if not self.programs.may_leave():
            return
        name = file_commands.suggested_name(scenario.title, "py")
        self.programs.show_text(scenario_as_code(scenario), None, name)
        self.lessons.show_description(
            f"{scenario.title}, as code", scenario.description
        )
        self.status.showMessage(
            f"{scenario.title}, as a plain Python program (not saved, not run)", 8000
        )

    def save_program(self, ask: bool) -> None:
        """Save the program (``ask``, or nowhere yet to save it: a dialog)."""
        path: str | Path | None = self.programs.editor.path
        if ask or self.programs.needs_save_path():
            path, _ = QFileDialog.getSaveFileName(
                self,
                "Save the program",
                str(self._dialog_dir() / self.programs.editor.title()),
                "Python program (*.py)",
            )
        if path:
            self.programs.save(path)
            self._update_title()

    # -- drag and drop ---------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_path(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_path(event)
        if path is not None:
            event.acceptProposedAction()
            self.open_path(path)

    def _dropped_path(self, event: QDragEnterEvent | QDropEvent) -> Path | None:
        """The one local file dropped, if Procession opens its kind."""
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) != 1 or not urls[0].isLocalFile():
            return None
        path = Path(urls[0].toLocalFile())
        return path if path.suffix.lower() in (".py", ".toml", ".json") else None
