"""Workers that start processes of their own: nothing they start outlives the
run, and the lane says how many leftovers were killed (DESIGN §4 promise 5)."""

from __future__ import annotations

import ast

import pytest

from core.engine.conductor import DRAIN_LIMIT
from core.model.outcomes import Outcome
from tests.helpers import run
from tests.reliability.support import (
    METHODS,
    assert_one_ending,
    custom,
    lane,
    living,
    record,
)

# Seconds: a forkserver worker first starts a server of its own, then two children.
TERMINATE_AT = 1.5


def _grandchildren(model, name: str) -> list[int]:
    [line] = [
        line.text
        for line in lane(model, name).output
        if line.text.startswith("started ")
    ]
    return ast.literal_eval(line.split(": ", 1)[1])


@pytest.mark.parametrize("how", ["subprocess", "multiprocessing"])
@pytest.mark.parametrize("method", METHODS)
def test_no_grandchild_survives_its_worker(method, how):
    children = {"count": 2, "how": how, "child_seconds": 30}
    model = run(
        {
            "start_method": method,
            "workers": [
                {
                    "name": "leaver",
                    "target": "spawn_children",
                    "args": {**children, "then": "exit"},
                },
                {
                    "name": "waiter",
                    "target": "spawn_children",
                    "args": {**children, "then": "wait"},
                },
            ],
            "actions": [{"at": TERMINATE_AT, "action": "terminate", "worker": "all"}],
        },
        timeout=10,
    )
    # A worker's own multiprocessing start method is inherited from its parent:
    # under forkserver its children come from a forkserver of its own, which is
    # one more process in its group to clean up.
    own_server = 1 if (how == "multiprocessing" and method == "forkserver") else 0
    assert_one_ending(model)
    leaver, waiter = lane(model, "leaver"), lane(model, "waiter")
    if how == "subprocess":
        # It returns at once and leaves its two children running.
        assert leaver.exitcode == 0 and leaver.outcome is Outcome.OK
    else:
        # multiprocessing's exit handler joins its (non-daemon) children, so
        # the worker sits in "exiting" until it is terminated.
        assert leaver.report_kind == "target_returned"
        assert "exiting" in [segment.state for segment in leaver.segments]
        assert leaver.exitcode == -15 and leaver.outcome is Outcome.TERMINATED
    assert leaver.cleaned_up == 2 + own_server
    assert waiter.exitcode == -15 and waiter.outcome is Outcome.TERMINATED
    assert waiter.cleaned_up == 2 + own_server
    for worker in (leaver, waiter):
        assert any("were killed after it ended" in n for n in worker.notices)
        ended = worker.times["exited"]
        signals = [m.t for m in worker.markers if m.kind == "signal"]
        if signals:  # promise 1: shown within 1 s of its death
            record(
                f"grandchildren {method}/{how}: SIGTERM → final state (s)",
                round(ended - signals[0], 3),
            )
            assert ended - signals[0] < 1.0
    pids = _grandchildren(model, "leaver") + _grandchildren(model, "waiter")
    assert len(pids) == 4
    assert living(pids) == []


ESCAPE = """
import os, subprocess, sys, time

def work():
    # Two grandchildren leave the worker's process group: a forked one that
    # starts its own session (and keeps the worker's event pipe open), and a
    # subprocess started in a new session. Then the worker vanishes.
    pid = os.fork()
    if pid == 0:
        os.setsid()
        time.sleep(30)
        os._exit(0)
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(30)"],
        start_new_session=True,
    )
    print(f"started 2 escaping children: {[pid, child.pid]}")
    sys.stdout.flush()
    os._exit(0)
"""


@pytest.mark.parametrize("method", METHODS)
def test_grandchildren_that_leave_the_group_do_not_outlive_the_run(method):
    model = run(
        {"start_method": method, "workers": [custom("escaper", ESCAPE, "work")]},
        timeout=10,
    )
    assert_one_ending(model)
    escaper = lane(model, "escaper")
    assert escaper.exitcode == 0
    # Its end is shown within the drain bound although an escaped grandchild
    # keeps its event pipe open.
    shown = escaper.times["exited"] - escaper.times["target_started"]
    assert shown < DRAIN_LIMIT + 0.6
    assert any("left their worker's process group" in n for n in model.main.notices)
    assert living(_grandchildren(model, "escaper")) == []
