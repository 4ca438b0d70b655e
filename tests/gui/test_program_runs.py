"""A program run in the window (needs the tracer, issue 10): Run, Terminate
and Stop work as for scenarios, and the code and the timeline point at each
other: a clicked mark puts the editor on the line that made it, a chosen line
rings its marks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from core.lesson_programs import PROGRAMS_DIR
from core.model.outcomes import Outcome
from tests.gui.test_window_code import answer_next_dialog
from tests.gui.window_helpers import (  # noqa: F401  (fixture)
    RUN_TIMEOUT_MS,
    window_fixture,
)

pytest.importorskip("core.tracer.script_program", reason="needs the tracer (issue 10)")

SLEEPER = """import multiprocessing
import time


def nap():
    time.sleep(30)


if __name__ == "__main__":
    p = multiprocessing.Process(target=nap)
    p.start()
    p.join()
    print("exitcode", p.exitcode)
"""


def line_of(window, text: str) -> int:
    lines = window.programs.editor.text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.strip() == text)


def run_program(qtbot, window) -> None:
    with qtbot.waitSignal(window.controller.run_released, timeout=RUN_TIMEOUT_MS):
        assert window.run()
    qtbot.waitUntil(lambda: window.controller.model.all_final(), timeout=2_000)


def lanes(window) -> dict:
    return {lane.name: lane for lane in window.controller.model.worker_lanes()}


def click_mark(qtbot, window, lane_id: int, t: float) -> None:
    """A real left click on the timeline where the mark is drawn."""
    timeline = window.timeline
    row = timeline._item.row_of(lane_id)
    scene = timeline._box.mapViewToScene(QPointF(t, row + 0.5))
    pos = timeline._plot.mapFromScene(scene)
    QTest.mouseClick(timeline._plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def put_cursor_on(window, line: int) -> None:
    code = window.programs.editor.code
    block = code.document().findBlockByNumber(line - 1)
    code.setTextCursor(QTextCursor(block))


def test_a_lesson_program_runs_and_its_marks_and_lines_point_at_each_other(
    qtbot, window
):
    assert window.open_path(PROGRAMS_DIR / "01-two-processes-joined.py")
    run_program(qtbot, window)
    shown = lanes(window)
    assert {name: lane.exitcode for name, lane in shown.items()} == {
        "Process-1": 0,
        "Process-2": 0,
    }
    first = shown["Process-1"]
    start = next(m for m in first.markers if m.kind == "start_called")
    window.timeline.show_time_range(0.0, window.controller.model.now())
    click_mark(qtbot, window, first.worker_id, start.t)
    assert window.programs.editor.current_line() == line_of(window, "p1.start()")

    put_cursor_on(window, line_of(window, "p2.join()"))
    selected = window.programs.links.selected
    assert selected, "the line's join() mark was not selected"
    assert {
        (window.controller.model.lanes[lane].name, m.kind) for lane, m in selected
    } >= {("Process-2", "join_called")}
    assert all(m.kind == "join_called" for _, m in selected)


def test_terminate_and_a_new_program_that_asks_first(qtbot, window, tmp_path):
    path = tmp_path / "sleeper.py"
    path.write_text(SLEEPER, encoding="utf-8")
    assert window.open_path(path)
    seen: list[str] = []
    answer_next_dialog(qtbot, accept=True, seen=seen)
    with qtbot.waitSignal(window.controller.run_released, timeout=RUN_TIMEOUT_MS):
        assert window.run()
        assert seen and "time.sleep(30)" in seen[0]
        qtbot.waitUntil(lambda: "Process-1" in lanes(window), timeout=RUN_TIMEOUT_MS)
        lane = lanes(window)["Process-1"]
        qtbot.waitUntil(lambda: lane.pid is not None, timeout=RUN_TIMEOUT_MS)
        window._select(lane.worker_id)
        qtbot.waitUntil(window.actions_.terminate.isEnabled, timeout=5_000)
        window.actions_.terminate.trigger()
    assert lanes(window)["Process-1"].exitcode == -15
    assert window.trust.is_trusted(SLEEPER)


def test_stop_ends_a_program_that_would_run_on(qtbot, window, tmp_path):
    path = tmp_path / "sleeper.py"
    path.write_text(SLEEPER, encoding="utf-8")
    window.trust.trust([SLEEPER])
    assert window.open_path(path)
    with qtbot.waitSignal(window.controller.run_released, timeout=RUN_TIMEOUT_MS):
        assert window.run()
        qtbot.waitUntil(lambda: "Process-1" in lanes(window), timeout=RUN_TIMEOUT_MS)
        # Its pid, not just its lane: a Stop inside start() (before the fork)
        # rightly leaves a process that never existed without an exit status.
        lane = lanes(window)["Process-1"]
        qtbot.waitUntil(lambda: lane.pid is not None, timeout=RUN_TIMEOUT_MS)
        window.actions_.stop.trigger()
    assert window.controller.model.all_final()
    process = lanes(window)["Process-1"]
    # Its status, unless the main program, blocked in join(), reaped it as
    # both got SIGTERM and died before saying so: then nobody can know it
    # (nor in a plain run), and the lane says so instead of guessing.
    assert process.exitcode is not None or process.outcome is Outcome.LOST


@pytest.mark.xfail(
    strict=True, reason="the tracer does not report Pool tasks yet (issue 10)"
)
def test_a_pool_programs_tasks_are_on_its_worker_lanes(qtbot, window):
    assert window.open_path(PROGRAMS_DIR / "10-pool-map.py")
    run_program(qtbot, window)
    workers = [lane for lane in lanes(window).values() if "PoolWorker" in lane.name]
    assert len(workers) == 2
    assert sum(len(lane.tasks) for lane in workers) >= 2
