"""The window is the program's terminal: the main program's lines reach the
console on its lane, and every process starts on a terminal, so its prints
are line-buffered as in a student's terminal (through a pipe they were
buffered in blocks, and a child stopped by terminate() lost its lines)."""

from __future__ import annotations

import pytest

from core.lesson_programs import PROGRAMS_DIR
from tests.gui.window_helpers import (  # noqa: F401  (fixture)
    RUN_TIMEOUT_MS,
    window_fixture,
)

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


ASKS_FOR_INPUT = """name = input("Your name: ")
print("hello", name)
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


def test_input_meets_the_end_of_input_instead_of_waiting(qtbot, window, tmp_path):
    path = tmp_path / "asks.py"
    path.write_text(ASKS_FOR_INPUT, encoding="utf-8")
    window.trust.trust([ASKS_FOR_INPUT])
    assert window.open_path(path)
    lines = run(qtbot, window)  # returns: no keyboard to wait for
    main = window.controller.model.main
    assert main.exitcode == 1
    assert lines[0].endswith(
        "main program │ Your name: Traceback (most recent call last):"
    )
    assert lines[-1].endswith("main program │ EOFError: EOF when reading a line")
