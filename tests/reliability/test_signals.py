"""Signals from outside and Stop's escalation (DESIGN §4 promises 1, 2 and 4)."""

from __future__ import annotations

import os
import signal
import time

import pytest

from core.engine.stopping import STOP_GRACE, TERM_GRACE
from core.model.events import EventKind
from core.model.outcomes import Outcome
from tests.helpers import run
from tests.reliability.support import (
    METHODS,
    assert_one_ending,
    custom,
    lane,
    record,
)

# Seconds a deadline may be late on a shared, loaded 2-core machine; never early.
LATE = 0.6

DEAF = """
import time

def work():
    # never looks at core.worker.target_api.stop_requested(), but dies of SIGTERM
    while True:
        time.sleep(0.02)
"""


@pytest.mark.parametrize("method", METHODS)
def test_outside_sigkill_is_named_and_the_others_keep_streaming(method):
    state: dict[str, float] = {}

    def on_events(session, model, events):
        victim = lane(model, "victim")
        talker = lane(model, "talker")
        if "killed" not in state and victim.state == "running" and talker.output:
            os.kill(session.worker_pids()[victim.worker_id], signal.SIGKILL)
            state["killed"] = time.monotonic()
            state["killed_at"] = model.now()
        if "shown" not in state and victim.outcome is not None:
            state["shown"] = time.monotonic()

    model = run(
        {
            "start_method": method,
            "workers": [
                {"name": "victim", "target": "forever"},
                {
                    "name": "talker",
                    "target": "print_lines",
                    "args": {"count": 40, "interval": 0.03},
                },
            ],
        },
        on_events=on_events,
    )
    assert_one_ending(model)
    victim = lane(model, "victim")
    assert victim.exitcode == -9 and victim.outcome is Outcome.KILLED
    assert "not sent by Procession" in victim.explanation.sentence
    assert not victim.signals  # Procession itself sent nothing
    delay = state["shown"] - state["killed"]
    record(
        f"outside SIGKILL ({method}): seconds from kill to the lane's final state",
        delay,
    )
    assert delay < 1.0  # promise 1: shown within 1 s of its death
    talker = lane(model, "talker")
    after = [line for line in talker.output if line.t > state["killed_at"]]
    assert len(after) >= 10, "the talker stopped streaming after the kill"
    assert [line.text for line in talker.output] == [
        f"line {i} of 40" for i in range(1, 41)
    ]
    assert talker.outcome is Outcome.OK and talker.missing == 0


@pytest.mark.parametrize("method", METHODS)
def test_stop_escalates_flag_then_sigterm_then_sigkill_on_fixed_deadlines(method):
    state: dict[str, float] = {}

    def on_events(session, model, events):
        stubborn = lane(model, "stubborn")
        ready = any(line.text == "SIGTERM is now ignored" for line in stubborn.output)
        if "stop" not in state and ready and lane(model, "deaf").state == "running":
            session.send("stop", "all")
            state["stop"] = time.monotonic()

    started = time.monotonic()
    model = run(
        {
            "start_method": method,
            "workers": [
                {"name": "stubborn", "target": "ignore_sigterm"},
                custom("deaf", DEAF, "work"),
            ],
        },
        on_events=on_events,
    )
    assert_one_ending(model)
    stubborn, deaf = lane(model, "stubborn"), lane(model, "deaf")
    # Each step is a marker on the lane: stop, then SIGTERM, then SIGKILL.
    steps = [
        (m.kind, m.label)
        for m in stubborn.markers
        if m.kind in ("stop", "signal", "exit")
    ]
    assert steps == [
        ("stop", "stop requested"),
        ("signal", "SIGTERM"),
        ("signal", "SIGKILL"),
        ("exit", "SIGKILL"),
    ]
    t_stop, t_term, t_kill, t_exit = (
        m.t for m in stubborn.markers if m.kind in ("stop", "signal", "exit")
    )
    record(f"escalation ({method}): stop → SIGTERM (s)", round(t_term - t_stop, 3))
    record(f"escalation ({method}): stop → SIGKILL (s)", round(t_kill - t_stop, 3))
    record(
        f"escalation ({method}): SIGKILL → exit shown (s)", round(t_exit - t_kill, 3)
    )
    assert STOP_GRACE <= t_term - t_stop < STOP_GRACE + LATE
    assert STOP_GRACE + TERM_GRACE <= t_kill - t_stop < STOP_GRACE + TERM_GRACE + LATE
    assert t_exit - t_kill < 0.5
    assert stubborn.exitcode == -9 and stubborn.outcome is Outcome.KILLED
    assert "SIGTERM ignored" in stubborn.explanation.sentence
    signal_events = [
        e.data
        for e in model.events
        if e.lane == stubborn.worker_id and e.kind is EventKind.SIGNAL_SENT
    ]
    assert all(d.group and d.action == "escalate" for d in signal_events)
    # The worker that only ignores the flag ends at the SIGTERM step.
    assert deaf.exitcode == -15 and deaf.outcome is Outcome.TERMINATED
    deaf_term = [m.t for m in deaf.markers if m.kind == "signal"]
    assert (
        len(deaf_term) == 1 and STOP_GRACE <= deaf_term[0] - t_stop < STOP_GRACE + LATE
    )
    total = time.monotonic() - started
    assert total < STOP_GRACE + TERM_GRACE + 5.0
