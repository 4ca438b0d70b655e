"""Effective parallelism: CPU seconds from the samples ÷ wall time."""

from __future__ import annotations

import pytest

from core.model import parallelism
from tests.gui.timeline_events import finished_model
from tests.helpers import run


def test_cpu_seconds_integrate_the_samples():
    model = finished_model()  # a-1 busy (90 %, 95 %), a-2 idle, cpu_count 2
    busy, idle = model.lanes[1], model.lanes[2]
    assert parallelism.cpu_seconds(busy) == pytest.approx(0.95 * 0.2)
    assert parallelism.cpu_seconds(idle) == 0.0
    group = next(g for g in parallelism.by_group(model) if g.group == "a")
    assert (group.workers, group.cpu_bound) == (2, 1)
    assert group.effective == pytest.approx(group.cpu / group.wall)
    # one CPU-bound process could use one core; it got far less: warned
    assert parallelism.expected_cores(model, group) == 1.0
    assert parallelism.throttled(model, group) == (group.effective < 0.65)


def test_two_real_cpu_burners_are_measured_and_warned_about_honestly():
    model = run(
        {
            "start_method": "fork",
            "workers": [
                {
                    "name": "burn",
                    "target": "countdown",
                    "count": 2,
                    "args": {"n": 6_000_000},
                }
            ],
        },
        sample_hz=20,
    )
    (group,) = parallelism.by_group(model)
    cores = parallelism.cpu_count(model)
    assert group.workers == 2 and group.cpu > 0
    assert 0 < group.effective <= cores * 1.25  # sampling jitter, never 2x
    expected = parallelism.expected_cores(model, group)
    warned = bool(parallelism.warning(model))
    assert warned == (group.effective < parallelism.THROTTLED * expected)
    if warned:
        assert "Busy machine" in parallelism.warning(model)
    assert "2 × burn " in parallelism.summary(model)


def test_killed_workers_count_until_they_died():
    from core.scenario.toml_io import load_scenario_or_lesson

    model = run(load_scenario_or_lesson("5"))
    groups = {g.group: g for g in parallelism.by_group(model)}
    assert set(groups) == {"polite", "stubborn"}  # neither target returned
    stubborn = model.lanes[2]
    assert groups["stubborn"].wall == pytest.approx(
        stubborn.times["exited"] - stubborn.times["target_started"]
    )
