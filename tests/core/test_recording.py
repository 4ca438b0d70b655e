"""Recordings reopen as they ran; damaged ones are refused with a message."""

from __future__ import annotations

import json

import pytest

from core.export import recording
from core.input_checks import InputError
from core.model.outcomes import Outcome
from core.scenario.lane_announcements import preview_model
from tests.core.test_model import MS, ev
from tests.helpers import scenario


def recorded(events) -> dict:
    model = preview_model(scenario([{"name": "w", "target": "sleep"}]))
    model.apply(events)
    return recording.to_data(model)


def test_a_recording_saved_mid_run_stops_its_clock_at_the_last_event(tmp_path):
    data = recorded(
        [ev("run_started", 0, 0, 1000, pid=10), ev("start_called", 1, 1, 1200)]
    )
    path = tmp_path / "mid.json"
    path.write_text(json.dumps(data))
    model = recording.load(path)
    assert model.finished and model.now() == pytest.approx(0.2)
    assert "saved while the run was going" in model.main.notices[0]


def test_an_ending_without_exit_code_is_lost_not_a_crash():
    data = recorded(
        [
            ev("run_started", 0, 0, 0, pid=10),
            ev("start_called", 1, 1, 1),
            ev("exited", 1, 2, 5),
        ]
    )  # no exitcode: a damaged record
    lane = recording.from_data(data).lanes[1]
    assert lane.outcome is Outcome.LOST
    assert "has no exit code" in lane.explanation.sentence


def test_nonsense_in_the_events_is_refused_with_a_message():
    data = recorded([ev("run_started", 0, 0, 0, pid=10)])
    data["events"].append(["exited", 1, 0, 1, 5 * MS, {"exitcode": "minus nine"}])
    with pytest.raises(
        InputError,
        match=r"events\[1\]: exited field 'exitcode' must be an integer or null",
    ):
        recording.from_data(data)
    data["events"][-1] = ["exploded", 1, 0, 1, 5, {}]
    with pytest.raises(InputError, match=r"events\[1\]: unknown event kind"):
        recording.from_data(data)


def test_a_programs_code_is_kept_as_text_and_damaged_code_is_refused():
    data = recorded([ev("run_started", 0, 0, 0, pid=10)])
    data["program_code"] = "print('hi')\n"
    assert recording.from_data(data).code == "print('hi')\n"
    for bad, why in [
        (["print()"], "expected text, got a list"),
        ("a\x00b", "contains a NUL byte"),
        ("\ud800", "not UTF-8 text"),
        ("#" * (1024 * 1024 + 1), "larger than 1024 KiB"),
    ]:
        data["program_code"] = bad
        with pytest.raises(InputError, match=rf"program_code: {why}"):
            recording.from_data(data)
