"""The pure parts: the run model fed hand-made events, and strict text parsing."""

from __future__ import annotations

import pytest

from core.input_checks import parse_float_text, parse_int_text
from core.model.events import MAIN_ID, WORKER_KINDS, Event, EventKind
from core.model.outcomes import Outcome
from core.model.run_model import State
from core.scenario.lane_announcements import preview_model
from tests.helpers import scenario

MS = 1_000_000


def ev(kind, wid, seq, ms, /, **data):
    kind = EventKind(kind)
    sender = wid if kind in WORKER_KINDS else MAIN_ID
    return Event.make(kind, wid, data, sender=sender, seq=seq, t_ns=ms * MS)


def model_with_one_worker():
    return preview_model(scenario([{"name": "w", "target": "sleep"}]))


def test_a_lane_walks_through_every_state_in_order():
    model = model_with_one_worker()
    changed = model.apply(
        [
            ev("run_started", 0, 0, 1000, pid=10),
            ev("lane_added", 1, 1, 1000, name="w"),
            ev("start_called", 1, 2, 1001),
            ev("start_returned", 1, 3, 1002, pid=11),
            ev("booted", 1, 0, 1040, pid=11, ppid=10, tid=11),
            ev("target_started", 1, 1, 1041),
            ev("join_called", 1, 4, 1003),
            ev("target_returned", 1, 2, 2041, value="None"),
            ev("exited", 1, 5, 2050, exitcode=0),
            ev("join_returned", 1, 6, 2051, timed_out=False),
            ev("main_finished", 0, 7, 2052),
            ev("run_finished", 0, 8, 2053),
        ]
    )
    assert changed == {0, 1}
    lane = model.lanes[1]
    assert [(s.state, s.start, s.end) for s in lane.segments] == [
        (State.CREATED, 0.0, 0.001),
        (State.STARTING, 0.001, 0.041),
        (State.RUNNING, 0.041, 1.041),
        (State.EXITING, 1.041, 1.05),
        (State.EXITED, 1.05, 1.051),
        (State.JOINED, 1.051, 1.053),
    ]
    assert lane.outcome is Outcome.OK and lane.pid == 11
    assert model.main.segments[1].note == "join(w)"
    assert model.finished and model.end == pytest.approx(1.053)


def test_gaps_and_duplicates_in_a_workers_numbering_are_visible():
    model = model_with_one_worker()
    model.apply(
        [
            ev("run_started", 0, 0, 0, pid=1),
            ev("booted", 1, 0, 1),
            ev("output", 1, 4, 2, stream="stdout", text="x"),
            ev("output", 1, 4, 3, stream="stdout", text="y"),
        ]
    )
    lane = model.lanes[1]
    assert lane.missing == 3
    assert lane.problems == [
        "3 event(s) missing before #4",
        "event #4 arrived twice or out of order",
    ]


def test_a_lost_conductor_leaves_no_lane_without_an_outcome():
    model = model_with_one_worker()
    model.apply(
        [
            ev("run_started", 0, 0, 0, pid=1),
            ev("start_called", 1, 1, 1),
            Event.make(EventKind.CONDUCTOR_LOST, 0, {"exitcode": -9}, t_ns=5 * MS),
        ]
    )
    assert model.broken and model.finished
    assert model.lanes[1].outcome is Outcome.LOST
    assert "died with exit code -9" in model.lanes[1].explanation.sentence


@pytest.mark.parametrize(
    "text",
    [" 12", "12 ", "1_000", "١٢", "+3", "1e3", "", "0x10", "12.0", "9" * 30, "−5"],
)
def test_typed_whole_numbers_are_strict(text):
    with pytest.raises(ValueError, match="expected a whole number"):
        parse_int_text(text)


@pytest.mark.parametrize(
    "text", ["nan", "inf", "-inf", "1,5", " 1", "1_0", "١", "", "1e999", "--1", "."]
)
def test_typed_numbers_are_strict(text):
    with pytest.raises(ValueError, match="number"):
        parse_float_text(text)


def test_typed_numbers_in_range():
    assert parse_int_text("-12") == -12
    assert parse_float_text("2.5e-1") == 0.25
    assert parse_float_text(".5") == 0.5
    with pytest.raises(ValueError, match="from 1 to 10, got 11"):
        parse_int_text("11", 1, 10)


def test_a_conductor_lost_before_a_start_leaves_that_worker_not_started():
    model = preview_model(
        scenario(
            [
                {"name": "a", "target": "sleep"},
                {"name": "b", "target": "sleep", "wait_for_previous": True},
            ]
        )
    )
    model.apply(
        [
            ev("run_started", 0, 0, 0, pid=1),
            ev("lane_added", 1, 1, 0, name="a"),
            ev("lane_added", 2, 2, 0, name="b"),
            ev("start_called", 1, 3, 1),
            Event.make(EventKind.CONDUCTOR_LOST, 0, {"exitcode": -9}, t_ns=5 * MS),
        ]
    )
    a, b = model.worker_lanes()
    assert a.outcome is Outcome.LOST and a.state is State.EXITED
    assert b.outcome is Outcome.NOT_STARTED and b.state is State.CREATED
    assert b.explanation.sentence.startswith("never started: the conductor")
