"""Thread mode is labelled honestly: no isolation, no force-stop (issue 4)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from core.engine.stopping import STOP_GRACE
from core.input_checks import InputError
from core.model.outcomes import Outcome
from core.scenario.rules import scenario_from_dict
from tests.helpers import run
from tests.reliability.support import custom, lane

STUBBORN = """
import time

def work():
    while True:  # never checks core.worker.target_api.stop_requested()
        time.sleep(0.02)
"""


def test_a_thread_that_ignores_stop_is_shown_running_then_abandoned():
    state: dict[str, Any] = {}

    def on_events(session, model, events):
        stubborn = lane(model, "stubborn")
        if "stop" not in state and stubborn.state == "running":
            session.send("stop", "stubborn")
            state["stop"] = model.now()
        # The grace is the conductor's, from when it got the stop: wait for
        # its notice (5 s more at most, then the asserts below say it is late).
        said = any("ignored the stop request" in n for n in stubborn.notices)
        late = "stop" in state and model.now() > state["stop"] + STOP_GRACE + 5
        if "stop" in state and (said or late) and "seen" not in state:
            state["seen"] = (stubborn.state, stubborn.outcome, list(stubborn.notices))
            session.request_shutdown()
            state["shutdown"] = time.monotonic()

    model = run(
        {
            "mode": "thread",
            "workers": [
                custom("stubborn", STUBBORN, "work"),
                {"name": "polite", "target": "forever"},
            ],
        },
        on_events=on_events,
        timeout=15,
    )
    state_after_grace, outcome_after_grace, notices = state["seen"]
    # After the grace period the thread is still running, and the lane says so
    # instead of pretending it stopped.
    assert state_after_grace == "running" and outcome_after_grace is None
    assert any(
        "ignored the stop request and is still running" in n
        and "threads cannot be force-stopped" in n
        for n in notices
    )
    # Shutting down does not hang on it: it is abandoned, and labelled as such.
    assert time.monotonic() - state["shutdown"] < 10
    assert not model.broken and model.finished
    stubborn = lane(model, "stubborn")
    assert stubborn.outcome is Outcome.LOST
    assert stubborn.explanation.label == "still running"
    assert "cannot be force-stopped" in stubborn.explanation.sentence
    polite = lane(model, "polite")
    assert polite.outcome is Outcome.OK and polite.report.value == "'stopped'"


def test_terminate_and_kill_of_a_thread_are_refused_with_a_reason():
    state: dict[str, object] = {}

    def on_events(session, model, events):
        worker = lane(model, "looper")
        if "sent" not in state and worker.state == "running":
            session.send("terminate", "looper")
            session.send("kill", "looper")
            state["sent"] = model.now()
        refused = [n for n in worker.notices if "cannot" in n]
        if "sent" in state and len(refused) >= 2 and "stop" not in state:
            state["stop"] = model.now()
            state["running_after_refusal"] = worker.state == "running"
            session.send("stop", "looper")

    model = run(
        {"mode": "thread", "workers": [{"name": "looper", "target": "forever"}]},
        on_events=on_events,
        timeout=10,
    )
    looper = lane(model, "looper")
    refused = [n for n in looper.notices if "cannot" in n]
    assert len(refused) == 2, looper.notices
    assert "cannot terminate" in refused[0] and "cannot kill" in refused[1]
    assert all("threads cannot be force-stopped" in n for n in refused)
    assert all("Stop" in n for n in refused)  # and what to do instead
    assert state["running_after_refusal"] is True
    assert not looper.signals  # no signal was sent anywhere
    assert looper.outcome is Outcome.OK  # it then stopped cooperatively


@pytest.mark.parametrize("action", ["terminate", "kill"])
def test_a_scenario_that_terminates_a_thread_is_rejected(action):
    data = {
        "mode": "thread",
        "workers": [{"name": "t", "target": "forever"}],
        "actions": [{"at": 1, "action": action, "worker": "t"}],
    }
    with pytest.raises(InputError, match="threads cannot be force-stopped"):
        scenario_from_dict(data)
