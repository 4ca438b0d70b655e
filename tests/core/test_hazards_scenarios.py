"""Detectors on real runs: scenarios that fall into a trap, their near misses,
and every built-in lesson (headless, fork to keep it quick), which may show
only the hazards it is about."""

from __future__ import annotations

import dataclasses
import os

import pytest

from core.hazards import detect
from core.scenario import toml_io
from core.scenario.overrides import with_overrides
from tests.core.hazard_runs import kinds
from tests.helpers import run


def test_a_daemon_still_running_at_exit_is_cut_off():
    model = run(
        {
            "start_method": "fork",
            "join": False,
            "workers": [
                {
                    "name": "logger",
                    "target": "print_lines",
                    "daemon": True,
                    "args": {"count": 100, "interval": 0.05},
                },
                {"name": "worker", "target": "sleep", "args": {"seconds": 0.5}},
            ],
        }
    )
    [hazard] = detect(model)
    logger = model.lanes[hazard.lane]
    assert (hazard.kind, logger.name, logger.exitcode) == (
        "daemon_ended_at_exit",
        "logger",
        -15,
    )
    assert hazard.at == logger.signals[0].t
    assert any("printed" in line for line in hazard.evidence)


def test_a_daemon_that_finished_before_exit_is_no_hazard():
    # The main program joins it: the daemon's work is done before the exit.
    model = run(
        {
            "start_method": "fork",
            "join": True,
            "workers": [
                {
                    "name": "logger",
                    "target": "print_lines",
                    "daemon": True,
                    "args": {"count": 3, "interval": 0.05},
                },
            ],
        }
    )
    assert [lane.exitcode for lane in model.worker_lanes()] == [0]
    assert detect(model) == []


def test_join_with_a_timeout_shorter_than_the_work():
    model = run(
        {
            "start_method": "fork",
            "join_timeout": 0.2,
            "workers": [{"name": "w", "target": "sleep", "args": {"seconds": 0.8}}],
        }
    )
    [hazard] = detect(model)
    assert hazard.kind == "join_timed_out"
    lane = model.lanes[hazard.lane]
    assert hazard.at < lane.times["target_ended"]


def test_fork_while_a_thread_of_the_main_program_runs():
    model = run(
        {
            "start_method": "fork",
            "workers": [
                {
                    "name": "t",
                    "target": "sleep",
                    "mode": "thread",
                    "args": {"seconds": 0.6},
                },
                {
                    "name": "p",
                    "target": "sleep",
                    "start_delay": 0.2,
                    "args": {"seconds": 0.1},
                },
            ],
        }
    )
    [hazard] = detect(model)
    assert hazard.kind == "fork_with_threads"
    assert [model.lanes[i].name for i in hazard.lanes] == ["p", "t"]


def test_grandchildren_left_running_by_a_worker_are_orphans():
    model = run(
        {
            "start_method": "fork",
            "workers": [
                {
                    "name": "parent",
                    "target": "spawn_children",
                    "args": {"count": 2, "child_seconds": 30.0, "then": "exit"},
                },
            ],
        }
    )
    [hazard] = detect(model)
    assert hazard.kind == "orphan" and "2 process(es)" in hazard.text


def test_grandchildren_waited_for_are_no_orphans():
    model = run(
        {
            "start_method": "fork",
            "workers": [
                {
                    "name": "parent",
                    "target": "spawn_children",
                    "args": {
                        "count": 1,
                        "how": "multiprocessing",
                        "child_seconds": 0.2,
                        "then": "wait",
                    },
                },
            ],
        }
    )
    assert model.worker_lanes()[0].cleaned_up == 0
    assert detect(model) == []


INTENDED = {
    "06-threads-vs-processes-cpu": {"cpu_bound_threads", "throttled_machine"},
}
"""The lessons about a trap; every other lesson must show no hazard. Lesson 6's
CPU figures depend on the machine's load, so they may or may not show here."""


@pytest.mark.parametrize("lesson", [item.name for item in toml_io.list_lessons()])
def test_lessons_show_only_the_hazards_they_are_about(lesson):
    scenario = with_overrides(toml_io.load_scenario_or_lesson(lesson), None, "fork")
    if lesson.startswith("06"):  # a tenth of the work: same shape, quicker
        groups = tuple(
            dataclasses.replace(group, args={"n": 4_000_000})
            for group in scenario.workers
        )
        scenario = dataclasses.replace(scenario, workers=groups)
    found = set(kinds(detect(run(scenario))))
    assert found <= INTENDED.get(lesson, set()), found


def _busy_pair(mode: str, target: str = "busy") -> dict[str, object]:
    return {
        "start_method": "fork",
        "workers": [
            {
                "name": mode,
                "target": target,
                "count": 2,
                "mode": mode,
                "args": {"seconds": 1.5},
            }
        ],
    }


def test_two_busy_threads_share_one_core():
    """The GIL: whatever the machine's load, two threads of pure Python get
    one core at most between them."""
    model = run(_busy_pair("thread"))
    # Sampled while they ran: the conductor's loop was once starved of the
    # GIL by them, their BOOTED came after they ended, and nothing was sampled.
    assert all(len(lane.samples) >= 2 for lane in model.worker_lanes())
    [hazard] = detect(model)
    assert hazard.kind == "cpu_bound_threads" and len(hazard.lanes) == 2


def test_two_sleeping_threads_are_no_hazard():
    assert detect(run(_busy_pair("thread", "sleep"))) == []


@pytest.mark.skipif(
    (os.cpu_count() or 1) < 2 or not hasattr(os, "sched_setaffinity"),
    reason="needs two CPUs and CPU affinity",
)
def test_busy_processes_on_a_machine_that_gives_one_cpu_of_two():
    """A real throttle: the run may use one CPU (affinity, as a container's
    limit does) while the machine claims more."""
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(allowed)})
    try:
        model = run(_busy_pair("process"))
    finally:
        os.sched_setaffinity(0, allowed)
    [hazard] = detect(model)
    assert hazard.kind == "throttled_machine" and len(hazard.lanes) == 2
    assert f"{os.cpu_count()} CPUs" in hazard.text
