"""A program run saved as a recording reopens with the program's code: the
code is data in the recording (shown, never run), and the code <-> timeline
links work on the reopened run as they did live. The run's exports work for
a program as for a scenario."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QFileDialog

from core.lesson_programs import PROGRAMS_DIR
from gui.run_controller import RunState
from tests.gui.test_program_runs import (
    click_mark,
    lanes,
    line_of,
    put_cursor_on,
    run_program,
)
from tests.gui.window_helpers import window_fixture  # noqa: F401  (fixture)

pytest.importorskip("core.tracer.script_program", reason="needs the tracer (issue 10)")


def test_a_recorded_program_run_reopens_with_its_code_linked(
    qtbot, window, tmp_path, monkeypatch
):
    lesson = (PROGRAMS_DIR / "06-error-in-the-child.py").read_text(encoding="utf-8")
    marker = tmp_path / "ran.txt"
    # The program leaves a mark when it runs: reopening must not run it.
    code = lesson.replace(
        "    p.join()\n",
        f"    p.join()\n    open({str(marker)!r}, 'w').close()\n",
    )
    path = tmp_path / "child_error.py"
    path.write_text(code, encoding="utf-8")
    window.trust.trust([code])
    assert window.open_path(path)
    run_program(qtbot, window)
    assert lanes(window)["Process-1"].exitcode == 1
    assert marker.exists()
    marker.unlink()

    # Every export of a program run, through the window.
    assert window.export_to("png", tmp_path / "run.png").read_bytes()[:4] == b"\x89PNG"
    svg = window.export_to("svg", tmp_path / "run.svg").read_text(encoding="utf-8")
    assert "Process-1" in svg and "exit 1" in svg
    trace = json.loads(window.export_to("trace", tmp_path / "t.json").read_text())
    assert trace["traceEvents"]
    summary = json.loads(window.export_to("summary", tmp_path / "s.json").read_text())
    assert [w["exitcode"] for w in summary["workers"]] == [1]
    assert summary["program"]["path"] == str(path)
    recording = window.export_to("recording", tmp_path / "run.procession.json")
    assert json.loads(recording.read_text())["program_code"] == code

    # The file changes after the run: the recording keeps the code that ran.
    path.write_text(code + "# edited later\n", encoding="utf-8")
    window.open_path(PROGRAMS_DIR / "01-two-processes-joined.py")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a, **k: (str(recording), "")
    )
    window.actions_.open.trigger()

    assert window.controller.state == RunState.REVIEW
    assert not window.controller.active and not marker.exists()
    assert window.programs.active
    editor = window.programs.editor
    assert editor.text() == code
    assert editor.path is None  # the file on disk is no longer what ran
    assert "child_error.py" in window.windowTitle()
    assert "(recording)" in window.windowTitle()

    child = lanes(window)["Process-1"]
    start = next(m for m in child.markers if m.kind == "start_called")
    window.timeline.show_time_range(0.0, window.controller.model.now())
    click_mark(qtbot, window, child.worker_id, start.t)
    assert editor.current_line() == line_of(window, "p.start()")
    put_cursor_on(window, line_of(window, "p.join()"))
    assert {m.kind for _, m in window.programs.links.selected} == {"join_called"}
