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
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core.input_checks import InputError
from gui.export import file_commands
from gui.window_actions import EXPORT_KINDS

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
                kind, self.controller.model, path, self._zoomed_range()
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
            "Open a scenario or a recording",
            str(self._dialog_dir()),
            "Scenarios and recordings (*.toml *.json);;All files (*)",
        )
        if path:
            self.open_path(path)

    def _on_save_triggered(self, ask: bool) -> None:
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
