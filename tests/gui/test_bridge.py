"""RunController + EventBridge with real conductors: events reach the model on
the GUI thread, runs end and are released, stops and deadlines hold."""

from __future__ import annotations

import os
import signal
import time

import pytest

from core.model.outcomes import Outcome
from gui.run_controller import RunController, RunState
from tests.helpers import scenario


@pytest.fixture
def controller(qtbot):
    ctl = RunController()
    yield ctl
    if ctl.active:
        with qtbot.waitSignal(ctl.run_released, timeout=15_000):
            ctl.shutdown(0.5)


def running(ctl: RunController, *names: str) -> bool:
    lanes = {lane.name: lane for lane in ctl.model.worker_lanes()}
    return all("target_started" in lanes[n].times for n in names)


def test_run_reaches_every_outcome_and_is_released(qtbot, controller):
    spec = scenario(
        [
            {"name": "ok", "target": "sleep", "count": 2, "args": {"seconds": 0.2}},
            {"name": "bad", "target": "raise_error"},
        ],
        start_method="fork",
    )
    batches: list[set[int]] = []
    controller.events_applied.connect(batches.append)
    with qtbot.waitSignal(controller.run_released, timeout=20_000):
        controller.start(spec)
        assert controller.state == RunState.RUNNING
    outcomes = {lane.name: lane.outcome for lane in controller.model.worker_lanes()}
    assert outcomes == {"ok-1": Outcome.OK, "ok-2": Outcome.OK, "bad": Outcome.ERROR}
    assert controller.state == RunState.FINISHED
    assert controller.link is None and not controller.active
    assert batches and all(isinstance(b, set) for b in batches)
    assert set().union(*batches) == {0, 1, 2, 3}
    assert controller.model.events_missing() == 0


def test_stop_escalates_to_sigkill_for_a_worker_that_ignores_sigterm(qtbot, controller):
    spec = scenario(
        [
            {"name": "polite", "target": "forever"},
            {"name": "stubborn", "target": "ignore_sigterm"},
        ],
        start_method="fork",
    )
    controller.start(spec)
    qtbot.waitUntil(lambda: running(controller, "polite", "stubborn"), timeout=10_000)
    started = time.monotonic()
    with qtbot.waitSignal(controller.run_released, timeout=30_000):  # hang guard
        controller.stop()
        assert controller.state == RunState.STOPPING
    took = time.monotonic() - started
    lanes = {lane.name: lane for lane in controller.model.worker_lanes()}
    assert lanes["polite"].outcome is Outcome.OK  # it honoured the stop flag
    assert lanes["stubborn"].outcome is Outcome.KILLED
    assert took > 2.5, took  # it waited: flag, SIGTERM at 1 s, SIGKILL 2 s later


def test_terminate_one_worker_by_id(qtbot, controller):
    spec = scenario(
        [
            {"name": "a", "target": "forever"},
            {"name": "b", "target": "sleep", "args": {"seconds": 0.3}},
        ],
        start_method="fork",
    )
    with qtbot.waitSignal(controller.run_released, timeout=15_000):
        controller.start(spec)
        qtbot.waitUntil(lambda: running(controller, "a"), timeout=10_000)
        assert controller.send("terminate", 1)
    lane = controller.model.lanes[1]
    assert lane.outcome is Outcome.TERMINATED and lane.exitcode == -signal.SIGTERM
    assert "the user" in lane.explanation.sentence
    assert controller.model.lanes[2].outcome is Outcome.OK
    assert not controller.send("kill", 1)  # nothing left to send to


def test_conductor_killed_shows_a_broken_run(qtbot, controller):
    spec = scenario([{"name": "w", "target": "forever"}], start_method="fork")
    controller.start(spec)
    qtbot.waitUntil(lambda: running(controller, "w"), timeout=10_000)
    with qtbot.waitSignal(controller.run_released, timeout=10_000):
        os.kill(controller.link.conductor_pid, signal.SIGKILL)
    assert controller.state == RunState.BROKEN
    assert controller.model.broken
    assert controller.model.lanes[1].outcome is Outcome.LOST


def test_shutdown_deadline_closes_by_force(qtbot, controller):
    spec = scenario([{"name": "w", "target": "ignore_sigterm"}], start_method="fork")
    controller.start(spec)
    qtbot.waitUntil(lambda: running(controller, "w"), timeout=10_000)
    started = time.monotonic()
    with qtbot.waitSignal(controller.run_released, timeout=15_000):  # hang guard
        controller.shutdown(0.5)  # shorter than the engine's SIGKILL step (3 s)
    # Forced at 0.5 s, not after the engine's 3 s escalation: the conductor was
    # killed before it could report the worker's end: ended by force, which
    # the status bar says instead of "the main program died".
    assert time.monotonic() - started >= 0.5
    assert controller.state == RunState.FORCED
    lane = controller.model.lanes[1]
    assert lane.outcome is not None  # a final state, not an open bar
    assert controller.model.finished


def test_invalid_start_starts_nothing(qtbot, controller, monkeypatch):
    from core.engine import preflight

    monkeypatch.setattr(preflight, "problems", lambda s: ["no room for workers"])
    spec = scenario([{"name": "w", "target": "noop"}])
    from core.input_checks import InputError

    with pytest.raises(InputError, match="no room"):
        controller.start(spec)
    assert not controller.active and controller.state == RunState.READY


def test_close_now_stops_a_live_run_without_an_event_loop(qtbot, controller):
    spec = scenario([{"name": "w", "target": "forever"}], start_method="fork")
    controller.start(spec)
    qtbot.waitUntil(lambda: running(controller, "w"), timeout=10_000)
    started = time.monotonic()
    controller.close_now()  # as run_app does after app.exec() returned
    assert time.monotonic() - started < 30  # hang guard (about 1 s)
    assert not controller.active
    assert controller.model.lanes[1].outcome is Outcome.OK  # it honoured stop
    assert controller.state == RunState.FINISHED
