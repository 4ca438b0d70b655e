"""The timeline grows: lanes that appear mid-run get rows in tree order, and
task spans are drawn inside their lane (checked on rendered pixels)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from core.model.lanes import Lane, State
from core.model.run_model import RunModel
from gui import palette
from gui.timeline.lane_order import tree_order
from gui.timeline.task_painter import BAND_HEIGHT, BAND_TOP, ERROR_COLOUR, TASK_COLOURS
from gui.timeline.timeline_data import TimelineData
from gui.timeline.timeline_view import TimelineView
from tests.gui.test_timeline_item import spans
from tests.gui.test_timeline_view import to_viewport
from tests.gui.timeline_events import Script, begin, finish, three_workers

SQUARE, FETCH, HASH = TASK_COLOURS[:3]  # colours in the order labels appear
PARENTS = {1: 0, 2: 0, 3: 1, 4: 0, 5: 3}
"""pool-1 starts "child", which starts "grandchild" (a worker's own workers)."""


def start_lane(
    script: Script, t: float, lane: int, name: str, kind: str, parent: int = -1
) -> set[int]:
    """LANE_ADDED, then the start() calls, made by the lane's parent."""
    parent = PARENTS[lane] if parent < 0 else parent
    pid = 1000 + lane
    changed = script.at(t, "lane_added", lane, name=name, kind=kind, parent=parent)
    changed |= script.at(t + 0.001, "start_called", lane, caller=parent)
    changed |= script.at(t + 0.002, "start_returned", lane, caller=parent, pid=pid)
    changed |= script.at(t + 0.003, "booted", lane, pid=pid, ppid=1000 + parent)
    return changed | script.at(t + 0.004, "target_started", lane, target="work")


def task(
    script: Script, lane: int, task_id: int, span: tuple[float, float], **how: str
) -> set[int]:
    """TASK_STARTED and TASK_ENDED for one task of ``lane``."""
    label, detail = how["label"], how.get("detail", "")
    changed = script.at(
        span[0], "task_started", lane, task_id=task_id, label=label, detail=detail
    )
    outcome = how.get("outcome", "ok")
    return changed | script.at(
        span[1], "task_ended", lane, task_id=task_id, outcome=outcome
    )


def grow(script: Script, step: int) -> set[int]:
    """The run's events, in four steps after the first paint."""
    changed: set[int] = set()
    if step == 0:  # two workers; the one with the lower id is announced last
        changed |= start_lane(script, 0.02, 2, "pool-2", "process")
        changed |= start_lane(script, 0.03, 1, "pool-1", "process")
    elif step == 1:  # pool-1 starts a child, which starts its own
        changed |= start_lane(script, 0.06, 3, "child", "process")
        changed |= start_lane(script, 0.08, 5, "grandchild", "process")
    elif step == 2:  # tasks: three on pool-1, one of them cut; 2 000 tiny ones
        for task_id, label, outcome, detail in (
            (1, "square", "ok", "square(3) -> 9"),
            (2, "fetch", "error", "ValueError: bad url"),
            (3, "square", "cut", "square(5)"),
        ):
            t = 0.1 + 0.2 * (task_id - 1)
            changed |= task(
                script,
                1,
                task_id,
                (t, t + 0.2),
                label=label,
                outcome=outcome,
                detail=detail,
            )
        for i in range(2000):  # 0.2 ms each: far under a pixel
            t = 0.2 + i * 3e-4
            error = {"outcome": "error"} if i == 1000 else {}  # at 0.5 s
            changed |= task(script, 5, i, (t, t + 2e-4), label="hash", **error)
        changed |= start_lane(script, 0.15, 4, "resource_tracker", "helper")
    else:  # every worker returns and is joined by its parent; the run ends
        for lane in (5, 3, 1, 2, 4):
            changed |= script.at(0.9, "target_returned", lane, value="None")
            changed |= script.at(0.9, "exited", lane, exitcode=0)
            changed |= script.at(0.9, "join_called", lane, caller=PARENTS[lane])
            changed |= script.at(0.9, "join_returned", lane, caller=PARENTS[lane])
        script.at(1.0, "run_finished")
        changed |= set(script.model.lanes)  # the end closes every lane
    return changed


def started_run() -> Script:
    """A run whose main program has started and announced nothing else."""
    script = Script(RunModel())
    script.at(0.0, "run_started", pid=1000, title="nested", start_method="fork")
    return script


def names(view: TimelineView) -> list[str]:
    return [lane.name for lane in view.item.data.lanes]


@pytest.fixture
def grown_view(qtbot) -> TimelineView:
    script = started_run()
    view = TimelineView(script.model)
    qtbot.addWidget(view)
    view.resize(1000, 560)
    view.show()
    qtbot.waitExposed(view)
    view.plot_widget.grab()  # the first paint: the main program alone
    assert names(view) == ["main program"]
    for step in range(4):
        view.lanes_changed(grow(script, step))
        view.plot_widget.grab()
    view.fit()
    return view


def test_lanes_added_after_the_first_paint_get_rows_in_tree_order(
    grown_view: TimelineView,
) -> None:
    assert names(grown_view) == [
        "main program",
        "pool-1",
        "child",  # directly under the lane that started it
        "grandchild",
        "pool-2",
        "resource_tracker",
    ]
    assert grown_view.item.data.depths == [0, 1, 2, 3, 1, 1]
    low, high = grown_view.plot_widget.getViewBox().viewRange()[1]
    assert low <= 0 and high >= 6  # the view made room for every row
    axis = grown_view.plot_widget.getPlotItem().getAxis("left")
    assert [lane.name for lane in axis._lanes] == names(grown_view)


def band_colours(view: TimelineView, image: QImage, row: int, t0: float, t1: float):
    """Every colour in the task band of ``row`` between t0 and t1 seconds."""
    top = to_viewport(view, t0, row + BAND_TOP + 0.02)
    bottom = to_viewport(view, t1, row + BAND_TOP + BAND_HEIGHT - 0.02)
    return {
        QColor(image.pixel(x, y)).name().upper()
        for x in range(top.x(), bottom.x() + 1)
        for y in range(top.y(), bottom.y() + 1)
    }


def rows_showing(view: TimelineView, image: QImage, colour: str) -> set[int]:
    """The lanes in whose rows ``colour`` appears anywhere on the plot."""
    box = view.plot_widget.getViewBox()
    found = set()
    wanted = QColor(colour).rgb()
    for y in range(image.height()):
        line = [image.pixel(x, y) for x in range(0, image.width())]
        if wanted in line:
            scene = view.plot_widget.mapToScene(0, y)
            found.add(int(box.mapSceneToView(scene).y()))
    return found


def test_task_spans_are_drawn_in_their_lane(grown_view: TimelineView, tmp_path) -> None:
    image = grown_view.plot_widget.grab().toImage()
    image.save(str(tmp_path / "nested-lanes-with-tasks.png"))
    assert (tmp_path / "nested-lanes-with-tasks.png").stat().st_size > 10_000
    # right of the labels ("square", "✗ fetch"), each band holds its colour
    assert band_colours(grown_view, image, 1, 0.2, 0.28) == {SQUARE}
    fetch = band_colours(grown_view, image, 1, 0.4, 0.48)
    assert fetch == {FETCH, ERROR_COLOUR}  # the failed task carries an error strip
    assert rows_showing(grown_view, image, SQUARE) == {1}
    assert rows_showing(grown_view, image, FETCH) == {1}
    # 2 000 spans under a pixel each, merged: the band is solid, the error shows
    assert band_colours(grown_view, image, 3, 0.22, 0.45) == {HASH}
    assert rows_showing(grown_view, image, HASH) == {3}
    assert ERROR_COLOUR in band_colours(grown_view, image, 3, 0.499, 0.501)
    # the cut task's end is torn (white notches); the finished one's is not
    px = 1.0 / grown_view.plot_widget.getViewBox().viewPixelSize()[0]
    white = palette.BACKGROUND
    assert white in band_colours(grown_view, image, 1, 0.7 - 4 / px, 0.7 - 1 / px)
    assert white not in band_colours(grown_view, image, 1, 0.3 - 4 / px, 0.3 - 1 / px)


def test_helper_lanes_are_muted_and_can_be_hidden(grown_view: TimelineView) -> None:
    image = grown_view.plot_widget.grab().toImage()
    running = band_colours(grown_view, image, 4, 0.3, 0.6)  # pool-2 running
    helper = band_colours(grown_view, image, 5, 0.3, 0.6)  # the same, muted
    assert running == {palette.SKY_BLUE}
    assert len(helper) == 1 and helper != running
    grown_view.set_show_helpers(False)
    assert "resource_tracker" not in names(grown_view)
    assert grown_view.item.data.row_count == 5


def test_hovering_a_task_tells_its_label_times_outcome_and_detail(
    grown_view: TimelineView,
) -> None:
    item = grown_view.item
    text = item.describe_at(0.4, 1.5, 0.001, 1 / 46)
    assert "fetch" in text and "#2" in text and "raised an error" in text
    assert "from 0.300 s to 0.500 s" in text and "ValueError: bad url" in text
    cut = item.describe_at(0.6, 1.5, 0.001, 1 / 46)
    assert "cut off" in cut and "square(5)" in cut
    # one of 2 000 tasks, each a fifth of a pixel wide
    tiny = item.describe_at(0.5001, 3.5, 0.001, 1 / 46)
    assert "hash</b> #1000: raised an error" in tiny
    assert "#999" in item.describe_at(0.4998, 3.5, 0.001, 1 / 46)
    # off the band, the lane's state is described as before
    assert "running the target" in item.describe_at(0.6, 1.25, 0.001, 1 / 46)


def test_a_grown_timeline_holds_what_a_fresh_one_would() -> None:
    """Rows inserted above existing ones move their bars, CPU shading, marks,
    outcomes and tasks: the result equals building from scratch."""
    model = three_workers()
    script = Script(model)
    begin(script)
    data = TimelineData(model)
    changed = start_lane(script, 0.07, 7, "child of a-1", "process", parent=1)
    for t, cpu in ((0.2, 80.0), (0.4, 60.0)):
        changed |= script.at(t, "sample", 7, cpu=cpu, rss=1 << 20, threads=1)
    changed |= script.at(
        0.3, "signal_sent", 7, caller=1, signal="SIGTERM", action="terminate"
    )
    changed |= task(script, 7, 1, (0.1, 0.2), label="f")
    changed |= script.at(0.2, "task_started", 7, task_id=2, label="f")
    assert data.update(changed)
    fresh = TimelineData(model)
    rows = ["main program", "a-1", "child of a-1", "a-2", "b"]
    assert [lane.name for lane in data.lanes] == rows
    for state in State:
        assert spans(data, state, 0.5) == spans(fresh, state, 0.5)
    for mine, theirs in [(data.cpu, fresh.cpu)] + [
        (data.lines[kind], fresh.lines[kind]) for kind in data.lines
    ]:
        ordered = [
            np.array(sorted(map(tuple, t.array.round(9)))) for t in (mine, theirs)
        ]
        np.testing.assert_allclose(*ordered)
    np.testing.assert_array_equal(data.tasks.row[:2], [2, 2])
    signals = data.markers[2]["signal"]
    assert signals.times == [0.3]
    # the run goes on: a task that ends later is written in place, not added
    script.at(0.25, "task_ended", 7, task_id=2, outcome="ok")
    finish(script)
    data.update(set(model.lanes))
    assert data.tasks.size == 2 and data.tasks.end[1] == pytest.approx(0.25)
    np.testing.assert_array_equal(data.outcome_x, TimelineData(model).outcome_x)


def test_lane_order_survives_parent_loops_and_unknown_parents() -> None:
    model = RunModel()
    for lane_id, parent in ((5, 6), (6, 5), (8, 99), (9, 9), (2, 0)):
        model.lanes[lane_id] = Lane(lane_id, f"w{lane_id}", "process", parent=parent)
    order = [(lane.worker_id, depth) for lane, depth in tree_order(model.lanes)]
    assert order == [(0, 0), (2, 1), (8, 1), (9, 1), (5, 1), (6, 2)]


def test_a_lane_announced_after_its_first_events_moves_under_its_parent() -> None:
    """Events for an unannounced lane make a placeholder under the main
    program; when its announcement names a parent, the row moves there."""
    model = three_workers()
    script = Script(model)
    begin(script)
    data = TimelineData(model)
    changed = script.at(0.07, "booted", 9, pid=1009, ppid=102)
    data.update(changed)
    assert [lane.name for lane in data.lanes][-1] == "lane 9"
    changed = script.at(0.08, "lane_added", 9, name="late child", parent=2)
    assert data.update(changed)
    assert [lane.name for lane in data.lanes] == [
        "main program",
        "a-1",
        "a-2",
        "late child",
        "b",
    ]
    fresh = TimelineData(model)
    for state in State:
        assert spans(data, state, 1.0) == spans(fresh, state, 1.0)
    assert not data.update(script.at(0.09, "target_started", 9))  # no new layout


def test_while_live_labels_follow_new_rows(qtbot) -> None:
    script = started_run()
    view = TimelineView(script.model)
    qtbot.addWidget(view)
    view.resize(800, 400)
    view.show()
    view.set_live(True)
    axis = view.plot_widget.getPlotItem().getAxis("left")
    narrow = axis.width()
    view.lanes_changed(grow(script, 0) | grow(script, 1))
    assert view.item.data.row_count == 5  # the rows exist at once
    view.lanes_changed(grow(script, 2))  # "resource_tracker": a longer name
    qtbot.waitUntil(lambda: axis.width() > narrow, timeout=2000)  # the next frame
    view.set_live(False)
    assert [lane.name for lane in axis._lanes] == names(view)


def double_click_label(view: TimelineView, row: int) -> None:
    """A real double click on a lane's label, left of the lanes: what Qt
    delivers (press, release, double click, release; QTest's mouseDClick
    leaves the last release out, and pyqtgraph acts on it)."""
    axis = view.plot_widget.getPlotItem().getAxis("left")
    x = view.plot_widget.mapFromScene(axis.mapToScene(axis.boundingRect().center())).x()
    pos = QPoint(x, to_viewport(view, 0.0, row + 0.5).y())
    viewport = view.plot_widget.viewport()
    left = Qt.MouseButton.LeftButton
    QTest.mouseClick(viewport, left, pos=pos)
    double = QMouseEvent(
        QEvent.Type.MouseButtonDblClick,
        QPointF(pos),
        viewport.mapToGlobal(QPointF(pos)),
        left,
        left,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, double)
    QTest.mouseRelease(viewport, left, pos=pos)


def test_a_double_click_on_a_parents_label_collapses_its_lanes(
    grown_view: TimelineView,
) -> None:
    axis = grown_view.plot_widget.getPlotItem().getAxis("left")
    assert grown_view.item.data.labels[1:4] == [
        "▾ pool-1",
        "↳ ▾ child",
        "↳ grandchild",
    ]
    double_click_label(grown_view, 2)  # child: hides grandchild
    assert names(grown_view) == [
        "main program",
        "pool-1",
        "child",
        "pool-2",
        "resource_tracker",
    ]
    assert axis._labels[2] == "↳ ▸ child"
    double_click_label(grown_view, 1)  # pool-1: hides child too
    assert names(grown_view)[:3] == ["main program", "pool-1", "pool-2"]
    double_click_label(grown_view, 3)  # pool-2 has no children: nothing
    assert len(names(grown_view)) == 4
    double_click_label(grown_view, 1)  # pool-1 again: child, still folded
    assert names(grown_view)[:4] == ["main program", "pool-1", "child", "pool-2"]
