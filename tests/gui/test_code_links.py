"""Code <-> timeline linking, on a real model and the real window.

Until the tracer (issue 10) is on main nothing in a run carries a call site,
so these tests give the marks of a real event sequence the sites a traced
program's calls carry (``file:line`` of the user's code) and check what the
window does with them: a clicked mark puts the editor on its line, a chosen
line rings its marks. The end-to-end tests with a traced run come with the
tracer.
"""

from __future__ import annotations

from core.model.lanes import Marker
from gui.code_links import marks_of_line, site_line
from tests.gui.timeline_events import Script, begin, three_workers
from tests.gui.window_helpers import window_fixture  # noqa: F401  (fixture)

PROGRAM = """import multiprocessing


def work():
    pass


if __name__ == "__main__":
    a = multiprocessing.Process(target=work)
    b = multiprocessing.Process(target=work)
    a.start()
    b.start()
    a.join()
"""
START_A, START_B, JOIN_A = 10, 11, 12


def program_model(path):
    model = three_workers()
    begin(Script(model))
    sites = {1: START_A, 2: START_B, 3: START_B}  # b's line started two lanes here
    for lane_id, line in sites.items():
        for marker in model.lanes[lane_id].markers:
            if marker.kind == "start_called":
                marker.site = f"{path}:{line}"
    for marker in model.lanes[1].markers:
        if marker.kind == "join_called":
            marker.site = f"{path}:{JOIN_A}"
    return model


def test_site_line_matches_only_the_file_that_ran(tmp_path):
    path = tmp_path / "p.py"
    path.write_text(PROGRAM)
    assert site_line(f"{path}:12", path) == 12
    assert site_line(f"{tmp_path}/./p.py:3", path) == 3
    assert site_line(f"{tmp_path / 'other.py'}:12", path) is None
    assert site_line("p.py", path) is None
    assert site_line("", path) is None


def test_marks_of_a_line_on_every_lane_by_time(tmp_path):
    path = tmp_path / "p.py"
    path.write_text(PROGRAM)
    model = program_model(path)
    marks = marks_of_line(model, path, START_B)
    assert [lane for lane, _ in marks] == [2, 3]
    assert all(m.kind == "start_called" for _, m in marks)
    assert marks_of_line(model, path, 1) == []


def test_a_mark_clicked_puts_the_editor_on_its_line_and_a_line_rings_its_marks(
    qtbot, window, tmp_path
):
    path = tmp_path / "p.py"
    path.write_text(PROGRAM)
    assert window.open_path(path)
    model = program_model(path)
    window.controller.model = model
    window.show_run_model(model)
    links = window.programs.links
    links.ran(path, PROGRAM)  # what Run records once the tracer runs the file

    join_mark = next(m for m in model.lanes[1].markers if m.kind == "join_called")
    window.timeline.marker_clicked.emit(1, join_mark)
    assert window.programs.editor.current_line() == JOIN_A
    assert links.selected == [(1, join_mark)]

    window.programs.editor.show_line(1)
    cursor = window.programs.editor.code.textCursor()
    block = window.programs.editor.code.document().findBlockByNumber(START_B - 1)
    cursor.setPosition(block.position())
    window.programs.editor.code.setTextCursor(cursor)  # as a click on the line
    assert [lane for lane, _ in links.selected] == [2, 3]
    rows = {window.timeline._item.row_of(lane) + 0.5 for lane in (2, 3)}
    assert {y for _, y in window.timeline._rings.points_shown} == rows

    # Edited since the run: its lines are no longer the run's.
    window.programs.editor.code.insertPlainText("# a new line\n")
    window.programs.editor.show_line(3)
    window.timeline.marker_clicked.emit(1, join_mark)
    assert window.programs.editor.current_line() == 3
    assert window.timeline._rings.points_shown == []
    window.programs.editor.code.undo()  # unmodified again: closing asks nothing
    assert not window.programs.editor.modified


def test_a_mark_from_another_file_moves_nothing(qtbot, window, tmp_path):
    path = tmp_path / "p.py"
    path.write_text(PROGRAM)
    assert window.open_path(path)
    window.programs.links.ran(path, PROGRAM)
    window.programs.editor.show_line(3)
    window.timeline.marker_clicked.emit(
        1, Marker(0.1, "start_called", "start()", site="/usr/lib/x.py:10")
    )
    assert window.programs.editor.current_line() == 3
