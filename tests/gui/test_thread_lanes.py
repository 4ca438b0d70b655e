"""A traced program's threads and untracked children in the timeline: the
real run of tests/programs/threads.py and untracked_children.py (their events
as the tracer sent them), laid out in rows."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from gui.main_window import MainWindow
from gui.panels.details_panel import DetailsPanel
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
    labels = dict(zip(dict(rows(view)), view.item.data.labels, strict=True))
    assert labels["Process-1"].startswith("▾")  # 'inner' folds under it


def test_untracked_children_stay_shown_muted(qtbot) -> None:
    view = TimelineView(run_traced(program("untracked_children.py", "fork")))
    qtbot.addWidget(view)
    view.set_show_helpers(False)
    lanes = {lane.name: lane for lane in view.item.data.lanes}
    assert {"os.fork()", "exit 3", "sleep 10", "true"} <= set(lanes)
    assert all(is_muted(lanes[name]) for name in ("os.fork()", "exit 3"))
    assert dict(rows(view))["true"] == 2  # under Process-1, which ran it
    details = DetailsPanel()  # a click on an untracked lane shows its details
    qtbot.addWidget(details)
    details.show_lane(view.item.data.model, lanes["sleep 10"].worker_id)
    assert "process started without multiprocessing" in details.heading.text()


def test_the_window_hides_helper_lanes_until_asked(window: MainWindow) -> None:
    toggle = window.actions_.show_helpers
    assert not toggle.isChecked()
    assert not window.timeline.item.data.show_helpers
    toggle.trigger()
    assert window.timeline.item.data.show_helpers


def test_a_lane_whose_only_children_are_hidden_has_nothing_to_fold(qtbot) -> None:
    """terminate_shared.py's child has only a Queue's feeder thread under it."""
    view = TimelineView(run_traced(program("terminate_shared.py", "fork")))
    qtbot.addWidget(view)

    def label() -> str:
        data = view.item.data
        return data.labels[[lane.name for lane in data.lanes].index("Process-1")]

    view.set_show_helpers(True)
    assert label().startswith("▾")
    view.set_show_helpers(False)
    assert label() == "Process-1"


def test_a_slide_shows_helper_lanes_only_when_the_window_does(
    window: MainWindow, tmp_path
) -> None:
    from core.export import recording
    from tests.gui.test_classroom_picture import SVG

    saved = tmp_path / "threads.json"
    recording.save(run_traced(program("threads.py", "fork")), saved)
    assert window.open_path(saved)

    def slide_texts(name: str) -> str:
        written = window.export_to("svg", tmp_path / name)
        assert written is not None
        root = ET.parse(written).getroot()
        return " | ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))

    hidden = slide_texts("hidden.svg")  # as the window shows it at first
    window.actions_.show_helpers.trigger()
    shown = slide_texts("shown.svg")
    for texts in (hidden, shown):
        assert "Thread-1 (work)" in texts and "Process-1" in texts
    assert "QueueFeederThread" not in hidden
    assert "QueueFeederThread" in shown
