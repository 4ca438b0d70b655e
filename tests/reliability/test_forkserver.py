"""The forkserver dies mid-run (issue 4; research notes F22).

multiprocessing reads a forkserver child's exit status from the server, so once
the server is gone it reports 255 for every child it started, at once, even for
children that are still running. Procession must not show that as "exit 255"
(nor end or kill the worker there and then): the worker runs on, and its real
end is shown when it happens.
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from core.model.outcomes import Outcome
from tests.helpers import run
from tests.reliability.support import (
    assert_one_ending,
    children_of,
    describe,
    lane,
    living,
    record,
)

SLEEP = 1.0


def _forkserver_of(conductor_pid: int) -> int | None:
    for pid in children_of(conductor_pid):
        if "multiprocessing.forkserver" in describe(pid):
            return pid
    return None


def test_workers_outlive_their_dead_forkserver_and_end_with_their_real_status():
    state: dict[str, Any] = {}

    def on_events(session, model, events):
        sleepers = [lane(model, n) for n in ("fs-1", "fs-2")]
        if "killed" not in state and all(w.state == "running" for w in sleepers):
            server = _forkserver_of(session.conductor_pid)
            assert server is not None, "no forkserver among the conductor's children"
            os.kill(server, signal.SIGKILL)
            state["killed"] = model.now()
            state["server"] = server
            state["pids"] = [session.worker_pids()[w.worker_id] for w in sleepers]
            state["wall"] = time.monotonic()
            # multiprocessing believes this one has ended; terminate must
            # still reach it.
            session.send("terminate", "loop")

    model = run(
        {
            "start_method": "forkserver",
            "workers": [
                {
                    "name": "fs",
                    "target": "sleep",
                    "count": 2,
                    "args": {"seconds": SLEEP},
                },
                {"name": "loop", "target": "forever"},
                {
                    "name": "forked",
                    "target": "sleep",
                    "start_method": "fork",
                    "args": {"seconds": SLEEP},
                },
                {
                    # started after the server died: multiprocessing starts a
                    # new one
                    "name": "late",
                    "target": "sleep",
                    "start_delay": 0.5,
                    "args": {"seconds": 0.2},
                },
            ],
        },
        on_events=on_events,
        timeout=15,
    )
    assert "killed" in state
    assert_one_ending(model)
    for name in ("fs-1", "fs-2"):
        worker = lane(model, name)
        assert worker.exitcode != 255 and worker.explanation.label != "exit 255"
        # It was not ended (nor killed) when its server died: it finished its
        # sleep and reported it, and the lane shows its real exit status.
        assert worker.report_kind == "target_returned", worker.explanation
        assert worker.outcome is Outcome.OK and worker.exitcode == 0
        ran = worker.times["exited"] - worker.times["target_started"]
        assert ran >= SLEEP - 0.05
        assert worker.times["exited"] > state["killed"] + 0.3
        assert not worker.signals and worker.cleaned_up == 0
        assert any("forkserver" in n and "died" in n for n in worker.notices)
        record(f"forkserver death: {name} ran (s)", round(ran, 3))
    loop = lane(model, "loop")
    assert loop.exitcode == -15 and loop.outcome is Outcome.TERMINATED
    assert "sent by the user" in loop.explanation.sentence
    for name in ("forked", "late"):
        assert lane(model, name).outcome is Outcome.OK, name
    assert living(state["pids"]) == []
