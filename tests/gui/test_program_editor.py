"""Programs in the window: open, edit, find, scale, save, show a scenario as
code, and ask before running. Opening never runs anything."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from core.lesson_programs import PROGRAMS_DIR, list_programs
from core.scenario import toml_io
from core.scenario.as_code import scenario_as_code
from tests.gui.test_window_code import answer_next_dialog
from tests.gui.window_helpers import lesson, window_fixture  # noqa: F401  (fixture)

MARKER_PROGRAM = """import pathlib
pathlib.Path({marker!r}).write_text("ran")
"""


def program(name: str) -> Path:
    return next(PROGRAMS_DIR.glob(f"{name}*.py"))


def answer_question(button: QMessageBox.StandardButton, seen: list) -> None:
    """Click ``button`` in the next message box once it is shown."""

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, poll)
            return
        seen.append(box.text())
        box.button(button).click()

    QTimer.singleShot(20, poll)


def test_opening_a_program_shows_its_code_and_runs_nothing(window, tmp_path):
    marker = tmp_path / "ran.txt"
    path = tmp_path / "mine.py"
    path.write_text(MARKER_PROGRAM.format(marker=str(marker)), encoding="utf-8")
    assert window.open_path(path)
    assert window.programs.active
    assert window.programs.editor.text() == path.read_text(encoding="utf-8")
    assert "mine.py" in window.windowTitle()
    assert not window.controller.model.events and not window.controller.active
    assert not marker.exists()
    assert window.actions_.save.text() == "Save program…"
    # A scenario opened afterwards brings the form back.
    assert window.open_path(lesson("01"))
    assert not window.programs.active
    assert window.actions_.save.text() == "Save scenario…"


def test_a_bad_program_file_is_refused_and_nothing_changes(window, tmp_path):
    path = tmp_path / "latin1.py"
    path.write_bytes(b"print('caf\xe9')\n")
    shown = window.editor.scenario
    assert not window.open_path(path)
    assert "not UTF-8 text (line 1" in window.open_error
    assert not window.programs.active and window.editor.scenario == shown


def test_lesson_programs_are_listed_and_open_as_code(qtbot, window):
    texts = [
        window.lessons.list.item(i).text() for i in range(window.lessons.list.count())
    ]
    programs = list_programs()
    assert f"P1. {programs[0].title}  (.py)" in texts
    row = texts.index(f"P6. {programs[5].title}  (.py)")
    window.lessons.list.setCurrentRow(row)
    assert window.programs.active
    assert window.programs.editor.path == programs[5].path
    assert 'print(f"Hello {name}")' in window.programs.editor.text()
    assert "NameError" in window.lessons.description.toPlainText()


def test_editing_keys_indent_dedent_and_auto_indent(qtbot, window):
    window.new_program()
    code = window.programs.editor.code
    code.setFocus()
    QTest.keyClicks(code, "def f():")
    QTest.keyClick(code, Qt.Key.Key_Return)
    QTest.keyClicks(code, "return 1")
    assert code.toPlainText() == "def f():\n    return 1"
    code.selectAll()
    QTest.keyClick(code, Qt.Key.Key_Tab)
    assert code.toPlainText() == "    def f():\n        return 1"
    code.selectAll()
    QTest.keyClick(code, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(code, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert code.toPlainText() == "def f():\nreturn 1"
    assert window.programs.editor.modified
    assert "(modified)" in window.windowTitle()

    # Unsaved code is never dropped silently: Cancel keeps it, Discard drops it.
    seen: list[str] = []
    answer_question(QMessageBox.StandardButton.Cancel, seen)
    assert not window.open_path(lesson("01"))
    assert seen == ["untitled.py has changes that are not saved."]
    assert window.programs.active and code.toPlainText() == "def f():\nreturn 1"
    answer_question(QMessageBox.StandardButton.Cancel, seen)
    window.close()
    assert window.isVisible() and len(seen) == 2
    answer_question(QMessageBox.StandardButton.Discard, seen)
    assert window.open_path(lesson("01"))
    assert not window.programs.active and len(seen) == 3


def test_ctrl_f_finds_in_the_code_not_fit(qtbot, window):
    assert window.open_path(program("01"))
    editor = window.programs.editor
    editor.code.setFocus()
    QTest.keyClick(editor.code, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert editor.find_bar.isVisible() and editor.find_bar.field.hasFocus()
    QTest.keyClicks(editor.find_bar.field, "p2.join")
    assert editor.code.textCursor().selectedText() == "p2.join"
    found_line = editor.current_line()
    assert editor.code.document().findBlockByNumber(found_line - 1).text().strip() == (
        "p2.join()"
    )
    QTest.keyClicks(editor.find_bar.field, "XYZ")
    assert "f9d6d2" in editor.find_bar.field.styleSheet()  # not found: red
    QTest.keyClick(editor.find_bar.field, Qt.Key.Key_Escape)
    assert not editor.find_bar.isVisible() and editor.code.hasFocus()


def test_font_follows_the_window_text_scale(window):
    assert window.open_path(program("01"))
    code = window.programs.editor.code
    before = code.font().pointSizeF()
    window.actions_.zoom_in.trigger()
    assert code.font().pointSizeF() > before
    window.actions_.zoom_reset.trigger()
    assert code.font().pointSizeF() == before


def test_save_as_writes_the_py_and_lessons_stay_read_only(window, tmp_path):
    assert window.open_path(program("03"))
    assert window.programs.needs_save_path()  # a lesson program: Save asks where
    lesson_text = program("03").read_text(encoding="utf-8")
    assert window.programs.save(program("03")) is None
    assert program("03").read_text(encoding="utf-8") == lesson_text
    code = window.programs.editor.code
    code.moveCursor(QTextCursor.MoveOperation.End)
    code.insertPlainText("# mine now\n")
    saved = window.programs.save(tmp_path / "copy")
    assert saved == tmp_path / "copy.py"
    assert saved.read_text(encoding="utf-8") == lesson_text + "# mine now\n"
    assert not window.programs.editor.modified
    assert window.programs.editor.path == saved.resolve()


def test_show_as_code_opens_the_scenario_as_a_program(window):
    assert window.open_path(lesson("01"))
    assert window.actions_.show_code.isEnabled()
    window.actions_.show_code.trigger()
    assert window.programs.active
    scenario = toml_io.load_scenario(lesson("01"))
    text = window.programs.editor.text()
    assert text == scenario_as_code(scenario)
    compile(text, "shown.py", "exec")
    assert window.programs.editor.path is None
    assert window.programs.editor.title() == "two-processes-joined.py"
    assert not window.actions_.show_code.isEnabled()  # already code


def test_running_an_unconfirmed_program_asks_first(qtbot, window, tmp_path):
    marker = tmp_path / "ran.txt"
    path = tmp_path / "mine.py"
    path.write_text(MARKER_PROGRAM.format(marker=str(marker)), encoding="utf-8")
    assert window.open_path(path)
    seen: list[str] = []
    answer_next_dialog(qtbot, accept=False, seen=seen)
    assert window.run() is False
    assert seen and "write_text" in seen[0]
    assert not window.trust.is_trusted(path.read_text(encoding="utf-8"))
    assert not marker.exists() and not window.controller.active


def test_a_dropped_py_file_opens_as_a_program(qtbot, window):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(program("10")))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert window.programs.active
    assert "Pool" in window.programs.editor.text()


def test_procession_script_py_opens_the_program_and_runs_nothing(tmp_path):
    """``procession SCRIPT.py``: the real app in a child process."""
    from tests.gui.test_app import start, stop

    marker = tmp_path / "ran.txt"
    path = tmp_path / "mine.py"
    path.write_text(MARKER_PROGRAM.format(marker=str(marker)), encoding="utf-8")
    child, title = start(tmp_path, [str(path)])
    assert title == "Procession — mine.py"
    status, _, _, err = stop(child)
    assert status == 0, err
    assert not marker.exists()


def test_a_program_opened_before_the_window_shows_gets_its_room(qtbot, tmp_path):
    """``procession SCRIPT.py`` opens the program before the window is shown,
    when its splitters have no real sizes yet: the code's width comes once
    the window has its own (a screenshot showed it squeezed)."""
    from gui.editor.trust_store import TrustStore
    from gui.main_window import MainWindow
    from gui.program_mode import PROGRAM_WIDTH

    window = MainWindow(TrustStore(tmp_path / "trusted-code.json"))
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    assert window.open_path(program("01"))
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == PROGRAM_WIDTH, timeout=2_000)
    left = window.programs.stack.parentWidget().sizes()
    assert left[1] > 2 * left[0]  # the code has most of the height
    window.close()
