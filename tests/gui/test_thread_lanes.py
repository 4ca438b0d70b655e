"""A traced program's threads and untracked children in the timeline: the
real run of tests/programs/threads.py and untracked_children.py (their events
as the tracer sent them), laid out in rows."""

from __future__ import annotations

from gui.main_window import MainWindow
from gui.timeline.lane_order import is_muted
from gui.timeline.timeline_view import TimelineView
from tests.gui.window_helpers import window_fixture  # noqa: F401  (fixture)
from tests.tracer.support import program, run_traced


def rows(view: TimelineView) -> list[tuple[str, int]]:
    data = view.item.data
    return [
        (lane.name, depth) for lane, depth in zip(data.lanes, data.depths, strict=True)
    ]


def test_threads_nest_under_their_process_and_helpers_hide(qtbot) -> None:
    view = TimelineView(run_traced(program("threads.py", "fork")))
    qtbot.addWidget(view)
    shown = dict(rows(view))
    assert shown["Process-1"] == 1 and shown["inner"] == 2  # a child's thread
    assert shown["Thread-1 (work)"] == 1 and shown["background"] == 1
    order = [name for name, _ in rows(view)]
    assert order.index("inner") == order.index("Process-1") + 1
    assert "QueueFeederThread" in shown  # multiprocessing's own: muted
    feeder = next(x for x in view.item.data.lanes if x.name == "QueueFeederThread")
    assert is_muted(feeder)
    view.set_show_helpers(False)
    assert "QueueFeederThread" not in dict(rows(view))
    assert "Thread-1 (work)" in dict(rows(view))


def test_untracked_children_stay_shown_muted(qtbot) -> None:
    view = TimelineView(run_traced(program("untracked_children.py", "fork")))
    qtbot.addWidget(view)
    view.set_show_helpers(False)
    lanes = {lane.name: lane for lane in view.item.data.lanes}
    assert {"os.fork()", "exit 3", "sleep 10", "true"} <= set(lanes)
    assert all(is_muted(lanes[name]) for name in ("os.fork()", "exit 3"))
    assert dict(rows(view))["true"] == 2  # under Process-1, which ran it


def test_the_window_hides_helper_lanes_until_asked(window: MainWindow) -> None:
    toggle = window.actions_.show_helpers
    assert not toggle.isChecked()
    assert not window.timeline.item.data.show_helpers
    toggle.trigger()
    assert window.timeline.item.data.show_helpers
