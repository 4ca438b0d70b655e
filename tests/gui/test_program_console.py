"""The window is the program's terminal: the main program's lines reach the
console on its lane, and every process starts on a terminal, so its prints
are line-buffered as in a student's terminal (through a pipe they were
buffered in blocks, and a child stopped by terminate() lost its lines)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from core.lesson_programs import PROGRAMS_DIR
from tests.gui.window_helpers import (  # noqa: F401  (fixture)
    RUN_TIMEOUT_MS,
    lesson,
    window_fixture,
)
from tests.tracer.test_main_console import sees_prompts

pytest.importorskip("core.tracer.script_program", reason="needs the tracer (issue 10)")

ASKS_ITS_TERMINAL = """import multiprocessing
import sys


def child():
    print("child buffering per line:", sys.stdout.line_buffering)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print("main on a terminal:", sys.stdout.isatty())
    p = multiprocessing.Process(target=child)
    p.start()
    p.join()
    print("no newline at the end", end="")
"""


ASKS_FOR_INPUT = """import sys
name = input("Your name: ")
print("hello", name)
print(len(sys.stdin.read().splitlines()), "more lines")
"""


def run(qtbot, window) -> list[str]:
    with qtbot.waitSignal(window.controller.run_released, timeout=RUN_TIMEOUT_MS):
        assert window.run()
    return window.console.lines()


def test_lesson_04_shows_the_stopped_childs_line_and_the_exit_code(
    qtbot, window, monkeypatch
):
    # A teacher's desktop: nothing asks Python for unbuffered output.
    monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)
    assert window.open_path(PROGRAMS_DIR / "04-terminate-a-sleeper.py")
    lines = run(qtbot, window)
    assert lines[0].endswith("Process-1 │ I'm going to sleep for 5 seconds"), lines
    assert lines[-1].endswith("main program │ exitcode: -15"), lines
    main = window.controller.model.main
    assert [line.text for line in main.output] == ["exitcode: -15"]


def test_every_process_starts_on_a_terminal(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)
    path = tmp_path / "terminal.py"
    path.write_text(ASKS_ITS_TERMINAL, encoding="utf-8")
    window.trust.trust([ASKS_ITS_TERMINAL])
    assert window.open_path(path)
    lines = run(qtbot, window)
    assert [line.split("#", 1)[1].strip() for line in lines] == [
        "main program │ main on a terminal: True",
        "Process-1 │ child buffering per line: True",
        "main program │ no newline at the end",  # kept at the run's end
    ]


def main_lines(window) -> list[str]:
    return [line.text for line in window.controller.model.main.output]


def open_asking_program(window, tmp_path) -> None:
    path = tmp_path / "asks.py"
    path.write_text(ASKS_FOR_INPUT, encoding="utf-8")
    window.trust.trust([ASKS_FOR_INPUT])
    assert window.open_path(path)


@sees_prompts
def test_the_console_is_the_programs_keyboard(qtbot, window, tmp_path):
    keyboard = window.console_input
    assert window.open_path(lesson("01"))  # a scenario's workers read no input
    assert keyboard.isHidden()
    open_asking_program(window, tmp_path)
    assert not keyboard.isHidden() and not keyboard.isEnabled()
    with qtbot.waitSignal(window.controller.run_released, timeout=RUN_TIMEOUT_MS):
        assert window.run()
        assert window.bottom_tabs.currentWidget() is window.console_tab
        # the prompt shows while the program waits, before anything is typed
        qtbot.waitUntil(lambda: main_lines(window) == ["Your name: "], timeout=30000)
        assert keyboard.isEnabled()
        qtbot.keyClicks(keyboard, "Ann")
        qtbot.keyClick(keyboard, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "hello Ann" in main_lines(window), timeout=30000)
        for answer in ("one", "two"):
            qtbot.keyClicks(keyboard, answer)
            qtbot.keyClick(keyboard, Qt.Key.Key_Return)
        qtbot.keyClick(keyboard, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.controller.model.main.exitcode == 0
    # each answer as the terminal echoed it, on its own line
    assert main_lines(window) == [
        "Your name: ",
        "Ann",
        "hello Ann",
        "one",
        "two",
        "2 more lines",
    ]
    assert not keyboard.isEnabled() and keyboard.text() == ""


@sees_prompts
def test_stop_ends_a_program_that_waits_for_input(qtbot, window, tmp_path):
    open_asking_program(window, tmp_path)
    with qtbot.waitSignal(window.controller.run_released, timeout=RUN_TIMEOUT_MS):
        assert window.run()
        qtbot.waitUntil(lambda: main_lines(window) == ["Your name: "], timeout=30000)
        window.controller.stop()
    assert window.controller.model.main.exitcode == -15
    assert not window.console_input.isEnabled()
