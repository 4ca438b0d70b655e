"""A program's arguments and start method in the window, as the command line
gives them (``run --start-method M SCRIPT.py ARGS…``): they reach the
program, a typo in them is named and runs nothing."""

from __future__ import annotations

import pytest

from tests.gui.window_helpers import (  # noqa: F401  (fixture)
    RUN_TIMEOUT_MS,
    window_fixture,
)

pytest.importorskip("core.tracer.script_program", reason="needs the tracer (issue 10)")

SHOWS_ITS_ARGUMENTS = """import multiprocessing
import sys


def show(args):
    print("args", args)


if __name__ == "__main__":
    p = multiprocessing.Process(target=show, args=(sys.argv[1:],))
    p.start()
    p.join()
"""


def open_program(window, tmp_path, name: str = "args.py"):
    path = tmp_path / name
    path.write_text(SHOWS_ITS_ARGUMENTS, encoding="utf-8")
    window.trust.trust([SHOWS_ITS_ARGUMENTS])
    assert window.open_path(path)
    return window.programs.editor.run_options


def test_arguments_and_start_method_reach_the_program(qtbot, window, tmp_path):
    options = open_program(window, tmp_path)
    options.arguments_edit.setText('-n 4 "two words"')
    options.method_box.setCurrentText("spawn")
    with qtbot.waitSignal(window.controller.run_released, timeout=RUN_TIMEOUT_MS):
        assert window.run()
    qtbot.waitUntil(lambda: window.console.count() == 1, timeout=5_000)
    assert window.console.lines()[0].endswith(
        "Process-1 │ args ['-n', '4', 'two words']"
    )
    workers = {lane.name: lane for lane in window.controller.model.worker_lanes()}
    child = workers["Process-1"]  # beside spawn's resource tracker, a helper
    assert child.start_method == "spawn" and child.exitcode == 0
    # Another program gets its own arguments, not these.
    open_program(window, tmp_path, "other.py")
    assert options.arguments_edit.text() == ""
    assert options.start_method() == ""


def test_an_unclosed_quote_is_named_and_nothing_runs(qtbot, window, tmp_path):
    options = open_program(window, tmp_path)
    options.arguments_edit.setText('--name "Ada')
    assert not window.run()
    assert not window.controller.active and not window.controller.model.started
    text = window.last_error.text()
    assert text.startswith("Arguments: no closing quotation"), text
    assert '--name "Ada' in text
    assert "#c62828" in options.arguments_edit.styleSheet()  # the field is red
    options.arguments_edit.setText('--name "Ada"')  # fixed: the mark goes
    assert options.arguments_edit.styleSheet() == ""
    assert options.arguments() == ["--name", "Ada"]
