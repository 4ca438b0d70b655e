"""The event channel under abuse (DESIGN §4 promise 3; research notes F14–F16).

Each worker has its own pipe, written synchronously: a worker killed halfway
through a message breaks only its own pipe, and an event that cannot be sent
is replaced by a visible notice, never dropped in silence.
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import pytest

from core.model.events import EventKind
from core.model.outcomes import Outcome
from core.worker.wire import MAX_EVENT_BYTES
from tests.helpers import run
from tests.reliability.support import METHODS, custom, events_of, lane, record

BIG_MARKS = """
from core.worker.target_api import mark

def work():
    blob = "y" * 60_000  # each event just under the 64 KiB cap: one pipe buffer
    i = 0
    while True:
        mark("chunk", i=i, blob=blob)
        i += 1
"""

BAD_EVENTS = f"""
from core.worker.target_api import current, mark

def work():
    mark("before")
    mark("lambda", f=lambda: 1)  # travels as its repr: events are data only
    mark("big", blob="x" * {MAX_EVENT_BYTES + 10})
    mark("after")
    # Past mark()'s conversion, straight to the sender: JSON cannot hold it.
    current().reporter.send("mark", {{"label": "raw", "data": {{"f": object()}}}})
"""


@pytest.mark.parametrize("method", METHODS)
def test_a_worker_killed_while_sending_a_large_event_hurts_only_itself(method):
    state: dict[str, Any] = {}

    def on_events(session, model, events):
        sender = lane(model, "sender")
        if "killed" not in state and sender.events_received > 40:
            os.kill(session.worker_pids()[sender.worker_id], signal.SIGKILL)
            state["killed"] = model.now()
            state["talker_before"] = len(lane(model, "talker").output)

    started = time.monotonic()
    model = run(
        {
            "start_method": method,
            "workers": [
                custom("sender", BIG_MARKS, "work"),
                {
                    "name": "talker",
                    "target": "print_lines",
                    "args": {"count": 50, "interval": 0.03},
                },
            ],
        },
        on_events=on_events,
        timeout=15,
    )
    assert time.monotonic() - started < 10  # nothing hung
    sender = lane(model, "sender")
    assert sender.exitcode == -9 and sender.outcome is Outcome.KILLED
    chunks = [e.data.data["i"] for e in events_of(model, "sender", EventKind.MARK)]
    assert chunks == list(range(len(chunks)))  # whole events, in order, no gap
    assert sender.missing == 0
    broken = events_of(model, "sender", EventKind.CHANNEL_BROKEN)
    # Killed mid-message (the usual case: it spends its life inside a write)
    # the lane says its pipe broke; killed between two messages, the pipe
    # simply ended. Either way nothing is invented and nothing hangs.
    assert len(broken) <= 1
    if broken:
        assert any("pipe broke mid-message" in p for p in sender.problems)
    record(f"killed mid-send ({method}): the pipe broke mid-message", bool(broken))
    record(
        f"killed mid-send ({method}): whole events received before the kill",
        len(chunks),
    )
    talker = lane(model, "talker")
    assert talker.outcome is Outcome.OK and talker.missing == 0
    assert [line.text for line in talker.output] == [
        f"line {i} of 50" for i in range(1, 51)
    ]
    assert len(talker.output) > state["talker_before"]  # it kept streaming


@pytest.mark.parametrize("method", METHODS)
def test_unserialisable_and_oversize_events_are_reported_and_later_ones_arrive(
    method,
):
    model = run(
        {"start_method": method, "workers": [custom("bad", BAD_EVENTS, "work")]}
    )
    bad = lane(model, "bad")
    assert bad.outcome is Outcome.OK and bad.missing == 0
    kinds = [
        e.kind
        for e in model.events
        if e.lane == bad.worker_id
        and e.kind
        in (EventKind.MARK, EventKind.EVENT_UNSERIALIZABLE, EventKind.EVENT_TOO_LARGE)
    ]
    assert kinds == [
        EventKind.MARK,
        EventKind.MARK,
        EventKind.EVENT_TOO_LARGE,
        EventKind.MARK,
        EventKind.EVENT_UNSERIALIZABLE,
    ]
    marks = [m for m in bad.markers if m.kind == "mark"]
    assert [m.label for m in marks] == ["before", "lambda", "after"]
    assert "<function work.<locals>.<lambda>" in marks[1].detail
    assert len([m for m in bad.markers if m.label == "event not delivered"]) == 2
    [size_problem, last_problem] = bad.problems
    assert f"exceeded the {MAX_EVENT_BYTES}-byte limit" in size_problem
    assert "could not be serialised" in last_problem and "object" in last_problem


def test_a_worker_frozen_mid_message_does_not_freeze_the_others():
    # SIGSTOP (a debugger, kill -STOP) can freeze a sender between the writes
    # of one large message; the conductor must not wait for the rest of it.
    state: dict[str, Any] = {}

    def on_events(session, model, events):
        sender, talker = lane(model, "sender"), lane(model, "talker")
        pid = session.worker_pids().get(sender.worker_id)
        if "stopped" not in state and sender.events_received > 40:
            os.kill(pid, signal.SIGSTOP)
            state["stopped"] = len(talker.output)
        elif "stopped" in state and "killed" not in state:
            state["talked"] = len(talker.output) - state["stopped"]
            if state["talked"] >= 10:
                os.kill(pid, signal.SIGKILL)  # a stopped process still dies of it
                state["killed"] = True

    model = run(
        {
            "start_method": "fork",
            "workers": [
                custom("sender", BIG_MARKS, "work"),
                {
                    "name": "talker",
                    "target": "print_lines",
                    "args": {"count": 40, "interval": 0.03},
                },
            ],
        },
        on_events=on_events,
        timeout=15,
    )
    assert state.get("talked", 0) >= 10  # it kept streaming while the sender froze
    assert lane(model, "sender").outcome is Outcome.KILLED
    talker = lane(model, "talker")
    assert talker.outcome is Outcome.OK and len(talker.output) == 40
