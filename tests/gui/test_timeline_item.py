"""TimelineItem / TimelineData: rectangles, outcomes, CPU shading, tooltips."""

from __future__ import annotations

import numpy as np
import pytest

from core.model.events import EventKind
from core.model.run_model import RunModel, State
from gui.timeline.timeline_data import TimelineData, bar_extent
from gui.timeline.timeline_item import TimelineItem
from tests.gui.timeline_events import (
    Script,
    begin,
    finish,
    finished_model,
    three_workers,
)
from tests.helpers import run


def spans(
    data: TimelineData, state: State, now: float
) -> list[tuple[int, float, float]]:
    """(row, start, end) of every rectangle of a state, sorted."""
    out = []
    for x, y, w, _h in data.rects(state, now):
        out.append((int(y), round(x, 6), round(x + w, 6)))
    return sorted(out)


def test_one_lane_per_worker_plus_main_on_top(qtbot) -> None:
    item = TimelineItem(finished_model())
    names = [lane.name for lane in item.data.lanes]
    assert names == ["main program", "a-1", "a-2", "b"]
    assert item.row_of(0) == 0 and item.row_of(3) == 3


def test_segments_become_rectangles_per_state() -> None:
    model = finished_model()
    data = TimelineData(model)
    now = model.now()
    assert now == pytest.approx(0.62)
    assert spans(data, State.STARTING, now) == [
        (1, 0.01, 0.06),
        (2, 0.02, 0.06),
        (3, 0.03, 0.06),
    ]
    assert spans(data, State.RUNNING, now) == [
        (1, 0.06, 0.5),
        (2, 0.06, 0.61),
        (3, 0.06, 0.3),
    ]
    # b raised at 0.3, ended at 0.31 and waited, not joined, until 0.61
    assert spans(data, State.EXITED, now) == [
        (1, 0.51, 0.51),
        (2, 0.61, 0.61),
        (3, 0.31, 0.61),
    ]
    assert spans(data, State.EXITING, now) == [(1, 0.5, 0.51), (3, 0.3, 0.31)]
    assert (1, 0.51, 0.62) in spans(data, State.JOINED, now)
    assert spans(data, State.MAIN_JOINING, now) == [
        (0, 0.1, 0.51),
        (0, 0.51, 0.61),
        (0, 0.61, 0.61),
    ]
    # bar shapes: CREATED is a thin band, RUNNING a full bar centred in its lane
    created = data.rects(State.CREATED, now)
    running = data.rects(State.RUNNING, now)
    assert created[:, 3].max() < running[:, 3].min()
    top, height = bar_extent(2, State.RUNNING)
    assert top + height / 2 == pytest.approx(2.5)


def test_incremental_updates_match_a_full_rebuild() -> None:
    model = three_workers()
    script = Script(model)
    data = TimelineData(model)
    begin(script)
    data.update(set(model.lanes))
    # while running: one open RUNNING rect per worker, stretched to "now"
    open_running = spans(data, State.RUNNING, 0.3)
    assert open_running == [(1, 0.06, 0.3), (2, 0.06, 0.3), (3, 0.06, 0.3)]
    finish(script)
    data.update(set(model.lanes))
    data.update(set(model.lanes))  # twice: nothing may be added twice
    fresh = TimelineData(model)
    for state in State:
        assert spans(data, state, model.now()) == spans(fresh, state, model.now())
    assert np.array_equal(data.cpu.array, fresh.cpu.array)


def test_cpu_shading_only_where_the_worker_was_busy_and_running() -> None:
    model = finished_model()
    data = TimelineData(model)
    cpu = data.cpu.array
    rows = {int(y) for _x, y, _w, _h in cpu}
    assert rows == {1}, "a-2 slept (0 % CPU): no shading"
    top, bar = bar_extent(1, State.RUNNING)
    for x, y, w, h in cpu:
        assert x >= 0.06 and x + w <= 0.5  # inside a-1's running segment
        assert y + h == pytest.approx(top + bar)  # grows from the bar's bottom
        assert h == pytest.approx(bar * 0.95) or h == pytest.approx(bar * 0.90)


def test_outcome_marks_sit_where_each_worker_ended() -> None:
    item = TimelineItem(finished_model())
    data = item.data
    labels = [lane.explanation.label for lane in data.lanes[1:]]
    assert labels == ["✓", "SIGTERM", "✗ NameError"]
    assert data.outcome_x[1:].tolist() == pytest.approx([0.51, 0.61, 0.31])
    assert np.isnan(data.outcome_x[0])  # the main program has no exit mark


def test_tooltips_describe_segment_outcome_and_marker(qtbot) -> None:
    item = TimelineItem(finished_model())
    px_x, px_y = 0.001, 1 / 46  # 1 ms and 1/46 lane per pixel: a normal zoom
    text = item.describe_at(0.3, 1.5, px_x, px_y)
    assert "a-1" in text and "pid 101" in text and "fork" in text
    assert "running the target from 0.060 s to 0.500 s, 0.440 s" in text
    assert "CPU 92 %" in text
    badge = item.describe_at(0.615, 2.5, px_x, px_y)
    assert "terminated by SIGTERM (−15), sent by the main program" in badge
    assert "exit code -15" in badge
    marker = item.describe_at(0.6, 2.3, px_x, px_y)
    assert "SIGTERM" in marker and "0.600 s" in marker and "terminate" in marker
    error = item.describe_at(0.312, 3.5, px_x, px_y)
    assert "raised NameError" in error and "exit code 1" in error
    main = item.describe_at(0.3, 0.5, px_x, px_y)
    assert (
        "waiting in join(): join(a-1)" in main and "the main program, pid 100" in main
    )
    assert item.describe_at(0.3, 7.5, px_x, px_y) == ""  # below the last lane


def test_a_real_fork_run_replayed_in_batches_draws_the_same(qtbot) -> None:
    final = run(
        {
            "start_method": "fork",
            "workers": [
                {
                    "name": "nap",
                    "target": "sleep",
                    "count": 2,
                    "args": {"seconds": 0.2},
                },
                {"name": "oops", "target": "raise_error"},
            ],
        }
    )
    # the lanes as announced (a timeline that grows is tested elsewhere)
    replay = RunModel([e for e in final.events if e.kind is EventKind.LANE_ADDED])
    item = TimelineItem(replay)
    for start in range(0, len(final.events), 3):
        item.lanes_changed(replay.apply(final.events[start : start + 3]))
    fresh = TimelineData(replay)
    for state in State:
        assert spans(item.data, state, replay.now()) == spans(
            fresh, state, replay.now()
        )
    outcomes = {lane.name: lane.explanation.label for lane in item.data.lanes[1:]}
    assert outcomes == {"nap-1": "✓", "nap-2": "✓", "oops": "✗ NameError"}
    assert len(item.data.rects(State.JOINED, replay.now())) == 3
