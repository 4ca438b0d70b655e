"""Replay: the model at a cursor, from a real run of lesson 5 (no Qt)."""

from __future__ import annotations

import pytest

from core.model import replay as replay_module
from core.model.replay import Replay
from core.scenario.toml_io import load_scenario_or_lesson
from tests.helpers import run

FRAME_S = 0.05  # a replay timer ticks about this often


def signals_shown(model) -> list[str]:
    return [
        f"{lane.name}:{m.label}"
        for lane in model.worker_lanes()
        for m in lane.markers
        if m.kind == "signal"
    ]


@pytest.fixture(scope="module")
def lesson5():
    return run(load_scenario_or_lesson("5"))


def test_quarter_speed_shows_sigterm_before_sigkill(lesson5):
    replay = Replay.of(lesson5)
    assert replay.index == 0 and signals_shown(replay.model) == []
    first_seen: dict[str, float] = {}
    wall = 0.0
    playing = True
    while playing:
        playing = replay.advance(FRAME_S, 0.25)
        wall += FRAME_S
        for name in signals_shown(replay.model):
            first_seen.setdefault(name, wall)
        assert replay.model.now() == pytest.approx(replay.cursor)
        assert wall < 4 * replay.duration / 0.25, "replay never ends"
    sigterm = first_seen["stubborn:SIGTERM"]
    sigkill = first_seen["stubborn:SIGKILL"]
    assert sigterm < sigkill
    # at 0.25x, 0.5 s of run time take about 2 s of wall time
    term_t = next(m.t for m in lesson5.lanes[2].markers if m.label == "SIGTERM")
    assert sigterm == pytest.approx(term_t / 0.25, abs=0.2)
    assert sigkill - sigterm == pytest.approx(1.0 / 0.25, abs=0.4)
    assert replay.at_end and replay.model.finished
    assert signals_shown(replay.model) == signals_shown(lesson5)


def test_stepping_back_undoes_the_signals_in_reverse_order(lesson5):
    replay = Replay.of(lesson5)
    replay.seek(replay.count)
    assert "stubborn:SIGKILL" in signals_shown(replay.model)
    gone: list[str] = []
    before = set(signals_shown(replay.model))
    while replay.index > 0:
        replay.step(-1)
        now = set(signals_shown(replay.model))
        gone += sorted(before - now)
        before = now
    assert gone.index("stubborn:SIGKILL") < gone.index("stubborn:SIGTERM")
    assert replay.model.lanes[2].outcome is None  # back before the end
    # and forwards again to the same state as the real run
    replay.seek(replay.count)
    assert [lane.outcome for lane in replay.model.worker_lanes()] == [
        lane.outcome for lane in lesson5.worker_lanes()
    ]


def test_checkpoints_give_the_same_model_as_refolding(lesson5, monkeypatch):
    monkeypatch.setattr(replay_module, "CHECKPOINT_EVERY", 7)
    replay = Replay.of(lesson5)
    replay.seek(replay.count)
    middle = replay.count // 2 + 3
    replay.seek(middle)  # from a checkpoint
    fresh = Replay.of(lesson5)
    fresh.seek(middle)  # folded from the start
    assert signals_shown(replay.model) == signals_shown(fresh.model)
    assert [
        [(s.state, s.start, s.end) for s in lane.segments]
        for lane in replay.model.lanes.values()
    ] == [
        [(s.state, s.start, s.end) for s in lane.segments]
        for lane in fresh.model.lanes.values()
    ]
    with pytest.raises(ValueError, match="speed"):
        replay.advance(0.1, 2.0)
