"""Program mode: the window shows a ``.py`` program instead of a scenario.

The program editor takes the scenario form's place (one stack, so the layout
and Presentation mode are unchanged). Opening never runs anything. Run asks
first for code not confirmed before (the content-hash trust of custom code),
then runs the file through the tracer (issue 10). What runs is what the editor
shows: an edited or unsaved program runs from a temporary copy of its text.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QSplitter, QStackedWidget

from core.input_checks import InputError, Problem
from core.lesson_programs import is_lesson_program, read_program_text
from gui.code_links import CodeLinks
from gui.editor.code_confirm_dialog import CodeConfirmDialog
from gui.editor.program_editor import ProgramEditor

if TYPE_CHECKING:
    from core.model.run_model import RunModel
    from gui.main_window import MainWindow

PROGRAM_WIDTH = 640  # px: 80 columns of the tutorial's code, and the gutter
NO_TRACER = (
    "Running a program needs the tracer (issue 10), which is not in this "
    "build yet. The program can be read, edited and saved; run it with "
    "python FILE.py meanwhile."
)


def traced_program(path: Path, argv: list[str], start_method: str) -> Any:
    """The engine's Program for the script at ``path`` run with ``argv``
    (and the default ``start_method``, "" for Python's), or None when this
    build has no tracer. InputError if the script cannot run (file:line)."""
    try:
        from core.tracer.script_program import load_script
    except ImportError:
        return None
    program = load_script(str(path), argv, sys.executable, start_method)
    # The window is no terminal: the program writes to one the launcher reads.
    return replace(program, cwd=str(path.parent), console=True)


class ProgramMode(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.editor = ProgramEditor()
        self.editor.changed.connect(window.program_changed)
        splitter: QSplitter = window.editor_scroll.parentWidget()  # the left side
        self.stack = QStackedWidget()
        index = splitter.indexOf(window.editor_scroll)
        sizes = splitter.sizes()
        splitter.replaceWidget(index, self.stack)
        self.stack.addWidget(window.editor_scroll)
        self.stack.addWidget(self.editor)
        splitter.setSizes(sizes)
        self._temporary: tempfile.TemporaryDirectory[str] | None = None
        self._saved_sizes: tuple[list[int], list[int]] | None = None
        self._room_pending = False
        a = window.actions_
        for action in (a.zoom_in, a.zoom_out, a.zoom_reset):
            action.triggered.connect(self.follow_text_scale)
        window.presentation.changed.connect(self.follow_text_scale)
        a.new_program.triggered.connect(window.new_program)
        a.show_code.triggered.connect(window.show_as_code)
        window.setAcceptDrops(True)
        self.links = CodeLinks(window, self)
        window.installEventFilter(self)  # closing with unsaved code asks first
        window.controller.state_changed.connect(self._on_controller_state_changed)
        window.controller.run_released.connect(self._on_controller_state_changed)
        window.console_input.line_entered.connect(self._on_line_entered)
        window.console_input.input_ended.connect(self._on_input_ended)

    @property
    def active(self) -> bool:
        return self.stack.currentWidget() is self.editor

    # -- showing -----------------------------------------------------------------------

    def open_file(self, path: Path) -> bool:
        """Show the program at ``path``; False (and a message) if unreadable."""
        try:
            text = read_program_text(path)
        except InputError as error:
            self.window.open_error = error.describe()
            self.window.show_error("Cannot open this program", self.window.open_error)
            return False
        self.show_text(text, path.resolve())
        self.window.status.showMessage(
            f"Opened {path.name}: nothing has run. Press Run to run it.", 8000
        )
        return True

    def open_recording(self, model: RunModel) -> None:
        """A recorded run of a program: its code (data from the recording,
        never run) in the editor, linked to the recorded marks. The file it
        came from is the editor's only if it still holds that very text."""
        code = model.code or ""
        ran = Path(model.info.path) if model.info.path else None
        try:
            same = ran is not None and read_program_text(ran) == code
        except (InputError, OSError):
            same = False
        name = ran.name if ran is not None else "recorded-program.py"
        self.show_text(code, ran if same else None, name)
        self.window.controller.review(model)
        self.window.show_run_model(model)
        self.window.program_changed()
        if ran is not None:
            self.links.ran(ran, code)

    def show_text(self, text: str, path: Path | None, name: str = "") -> None:
        """Show a program (``path`` None: not saved anywhere yet, ``name`` the
        file name Save suggests). The caller asked ``may_leave()`` first."""
        self.links.clear()
        self.editor.set_program(text, path, name)
        arriving = not self.active
        self.stack.setCurrentWidget(self.editor)
        self.window.console_input.show()
        if arriving:
            self._make_room()
        self.window.show_program(self.editor.title(), path)
        self.editor.set_text_scale(self.window.timeline.presentation_scale())

    def may_leave(self) -> bool:
        """True unless unsaved changes to the program would be lost and the
        user says Cancel (Save saves them first)."""
        if not self.active or not self.editor.modified:
            return True
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.window,
            "Unsaved program",
            f"{self.editor.title()} has changes that are not saved.",
            buttons.Save | buttons.Discard | buttons.Cancel,
            buttons.Cancel,
        )
        if answer == buttons.Save:
            self.window.save_program(ask=False)
        leave = answer == buttons.Discard or not self.editor.modified
        if not leave:  # the lesson list may already show what was not opened
            self.window.lessons.select_path(self.editor.path)
        return leave

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Show:
            if self._room_pending:  # once the shown window has its real width
                QTimer.singleShot(0, self._make_room)
            return False
        if (
            watched is self.window
            and event.type() == QEvent.Type.Close
            and not self.window.controller.active
            and not self.may_leave()
        ):
            event.ignore()
            return True
        return False

    def leave(self) -> None:
        """Back to the scenario form (a scenario was opened)."""
        if self.active and self._saved_sizes is not None:
            self.window.splitter.setSizes(self._saved_sizes[0])
            self.stack.parentWidget().setSizes(self._saved_sizes[1])
        self.stack.setCurrentWidget(self.window.editor_scroll)
        self.window.console_input.hide()

    def _make_room(self) -> None:
        """A program needs width and height: widen the left side to
        PROGRAM_WIDTH and give the code most of it (restored on leave)."""
        # Before the window is shown its splitters have no real sizes yet
        # (`procession SCRIPT.py` opens the program first): wait for Show.
        self._room_pending = not self.window.isVisible()
        if self._room_pending or not self.active:
            return
        main, left = self.window.splitter, self.stack.parentWidget()
        self._saved_sizes = (main.sizes(), left.sizes())
        total = sum(main.sizes())
        width = min(PROGRAM_WIDTH, total // 2)
        main.setSizes([width, total - width, *main.sizes()[2:]][: main.count()])
        height = sum(left.sizes())
        left.setSizes([height // 4, height - height // 4])

    def window_title(self) -> str:
        return self.editor.title() + (" (modified)" if self.editor.modified else "")

    def _on_controller_state_changed(self, *_: object) -> None:
        # Read-only while it runs: the lines on the timeline are this text's.
        self.editor.code.setReadOnly(self.window.controller.active)
        # Only this mode runs programs, and nothing opens while a run is live.
        self.window.console_input.set_running(
            self.active and self.window.controller.live
        )

    def _on_line_entered(self, text: str) -> None:
        if not self.window.controller.send("input", text):
            self.window.status.showMessage("Not sent: the program has ended", 5000)

    def _on_input_ended(self) -> None:
        self.window.controller.send("end_input")

    def follow_text_scale(self) -> None:
        self.editor.set_text_scale(self.window.timeline.presentation_scale())

    # -- saving ------------------------------------------------------------------------

    def needs_save_path(self) -> bool:
        path = self.editor.path
        return path is None or is_lesson_program(path)

    def save(self, path: Path | str) -> Path | None:
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(".py")
        try:
            if is_lesson_program(target):
                problem = Problem("", "the lesson programs are read-only; save a copy")
                raise InputError([problem], str(target))
            target.write_text(self.editor.text(), encoding="utf-8")
        except (InputError, OSError) as error:
            text = error.describe() if isinstance(error, InputError) else str(error)
            self.window.show_error("Cannot save the program", text)
            return None
        self.editor.mark_saved(target.resolve())
        self.window.status.showMessage(f"Saved {target}", 5000)
        return target

    # -- running -----------------------------------------------------------------------

    def confirm(self) -> bool:
        """Yes if this exact text was confirmed before or the user says so now."""
        text = self.editor.text()
        path = self.editor.path
        if is_lesson_program(path) and not self.editor.modified:
            return True  # shipped with Procession, unchanged
        if self.window.trust.is_trusted(text):
            return True
        dialog = CodeConfirmDialog([(self.editor.title(), text)], self.window)
        if dialog.exec() != CodeConfirmDialog.DialogCode.Accepted:
            return False
        self.window.trust.trust([text])
        return True

    def file_to_run(self) -> Path:
        """The file holding exactly the editor's text (a temporary copy when
        it is unsaved or edited)."""
        path = self.editor.path
        if path is not None and not self.editor.modified:
            return path
        if self._temporary is None:
            self._temporary = tempfile.TemporaryDirectory(prefix="procession-program-")
        copy = Path(self._temporary.name) / self.editor.title()
        if copy.suffix != ".py":
            copy = copy.with_suffix(".py")
        copy.write_text(self.editor.text(), encoding="utf-8")
        return copy

    def run(self) -> bool:
        options = self.editor.run_options
        try:  # before asking to confirm: a typo in them needs no trust
            argv = options.arguments()
        except InputError as error:
            self.window.show_error("Cannot run this program", error.describe())
            return False
        if not self.confirm():
            self.window.status.showMessage("Not run: the code was not confirmed", 5000)
            return False
        path = self.file_to_run()
        try:
            program = traced_program(path, argv, options.start_method())
        except InputError as error:
            self.window.show_error("Cannot run this program", error.describe())
            self._show_error_line(error)
            return False
        if program is None:
            self.window.show_error("Cannot run programs yet", NO_TRACER)
            return False
        try:
            self.window.controller.start_program(program)
        except (InputError, OSError) as error:
            text = error.describe() if isinstance(error, InputError) else str(error)
            self.window.show_error("Cannot start the run", text)
            return False
        self.links.ran(path, self.editor.text())
        # The program's terminal: its output, and its keyboard for input().
        self.window.bottom_tabs.setCurrentWidget(self.window.console_tab)
        return True

    def _show_error_line(self, error: InputError) -> None:
        """A SyntaxError names file:line: shade that line in the editor."""
        _, _, line = (error.source or "").rpartition(":")
        self.editor.code.set_error_line(int(line) if line.isdigit() else None)
