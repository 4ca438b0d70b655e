"""The trust rule for traced programs (core/model/decoding.Lineage): a traced
process may speak about itself and about the lanes it created, never about
others, and may not end the run."""

from __future__ import annotations

import json
from typing import Any

from core.model.decoding import Lineage, decode_batch, frame
from core.model.kinds import MAIN_ID, TRACED_MAIN, EventKind


def row(kind: str, seq: int = 0, **data: Any) -> bytes:
    return json.dumps([kind, seq, 1, data]).encode()


def decode(frames: list[tuple[int, int, bytes]], lineage: Lineage | None) -> list[Any]:
    message = b"".join(frame(sender, lane, raw) for sender, lane, raw in frames)
    return decode_batch(message, lineage)


def kinds(events: list[Any]) -> list[str]:
    return [str(e.kind) for e in events]


def test_a_process_announces_starts_joins_and_reaps_its_own_children() -> None:
    events = decode(
        [
            (TRACED_MAIN, 1, row("lane_added", 0, name="Process-1", parent=MAIN_ID)),
            (TRACED_MAIN, 1, row("start_called", 1, caller=MAIN_ID, site="x.py:3")),
            (1, 1, row("booted", 0, pid=5)),
            (1, 2, row("lane_added", 1, name="Process-1:1", parent=1)),
            (1, 2, row("exited", 2, exitcode=0)),
            (TRACED_MAIN, 1, row("is_alive", 2, caller=MAIN_ID, answer=False)),
            (TRACED_MAIN, MAIN_ID, row("main_finished", 3)),
        ],
        Lineage(),
    )
    assert kinds(events) == [
        "lane_added",
        "start_called",
        "booted",
        "lane_added",
        "exited",
        "is_alive",
        "main_finished",
    ]


def test_a_process_may_not_speak_about_lanes_it_did_not_create() -> None:
    lineage = Lineage()
    events = decode(
        [
            (TRACED_MAIN, 1, row("lane_added", 0, name="Process-1", parent=MAIN_ID)),
            (TRACED_MAIN, 2, row("lane_added", 1, name="Process-2", parent=MAIN_ID)),
            # Process-1 reports its sibling's death, claims it as its own,
            # and speaks for the main program:
            (1, 2, row("exited", 0, exitcode=-9)),
            (1, 2, row("lane_added", 1, name="mine", parent=1)),
            (1, MAIN_ID, row("exited", 2, exitcode=0)),
            (1, 3, row("start_called", 3, caller=MAIN_ID)),
        ],
        lineage,
    )
    assert kinds(events)[:2] == ["lane_added", "lane_added"]
    damaged = events[2:]
    assert all(e.kind is EventKind.EVENT_DAMAGED for e in damaged)
    assert "not lane 2" in damaged[0].data.error
    assert "belongs to another process" in damaged[1].data.error
    assert "not lane 0" in damaged[2].data.error


def test_a_process_may_not_end_the_run_or_report_its_own_exit() -> None:
    events = decode(
        [
            (TRACED_MAIN, MAIN_ID, row("run_finished", 0)),
            (TRACED_MAIN, MAIN_ID, row("exited", 1, exitcode=0)),
            (TRACED_MAIN, MAIN_ID, row("run_started", 2)),
            (3, 3, row("main_finished", 0)),  # only the main program has that
        ],
        Lineage(),
    )
    assert [e.kind for e in events] == [EventKind.EVENT_DAMAGED] * 4


def test_a_caller_must_be_the_sender_itself() -> None:
    lineage = Lineage()
    events = decode(
        [
            (TRACED_MAIN, 1, row("lane_added", 0, name="P", parent=MAIN_ID)),
            (TRACED_MAIN, 1, row("join_called", 1, caller=7)),
        ],
        lineage,
    )
    assert events[1].kind is EventKind.EVENT_DAMAGED
    assert "caller" in events[1].data.error


def test_scenario_workers_keep_their_rule_with_or_without_a_lineage() -> None:
    for lineage in (None, Lineage()):
        events = decode(
            [(4, 4, row("booted", 0, pid=1)), (4, 4, row("exited", 1, exitcode=0))],
            lineage,
        )
        assert kinds(events) == ["booted", "event_damaged"]


def test_the_conductor_may_say_anything() -> None:
    events = decode([(MAIN_ID, 9, row("exited", 0, exitcode=3))], Lineage())
    assert kinds(events) == ["exited"]


def test_a_process_speaks_for_its_own_threads_and_no_one_elses() -> None:
    thread = json.dumps(
        ["lane_added", 1, 1, {"name": "T-1", "parent": 0, "kind": "thread"}]
    ).encode()
    events = decode(
        [
            (TRACED_MAIN, 1, row("lane_added", 0, name="Process-1", parent=MAIN_ID)),
            (TRACED_MAIN, 2, thread),
            (TRACED_MAIN, 2, row("target_started", 2)),  # run() started in T-1
            (TRACED_MAIN, 1, row("join_called", 3, caller=2)),  # T-1 joins Process-1
            (TRACED_MAIN, 2, row("exited", 4, exitcode=None)),
            # Process-1 may not speak for the main program's thread, nor name
            # it as caller; and a process lane is not spoken for like a thread:
            (1, 2, row("target_raised", 0, type="X")),
            (1, 3, row("lane_added", 1, name="mine", parent=1)),
            (1, 3, row("join_called", 2, caller=2)),
            (TRACED_MAIN, 1, row("target_started", 5)),
        ],
        Lineage(),
    )
    assert kinds(events)[:5] == [
        "lane_added",
        "lane_added",
        "target_started",
        "join_called",
        "exited",
    ]
    assert kinds(events)[5:] == [
        "event_damaged",
        "lane_added",
        "event_damaged",
        "event_damaged",
    ]
    assert "caller" in events[7].data.error
