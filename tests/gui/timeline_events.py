"""Real event sequences for timeline tests, applied to a real RunModel.

The events are the ones the conductor and the workers send (same kinds, same
payloads, same per-worker ``seq`` numbering), with chosen timestamps so that
tests can assert exact rectangles and tooltips.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from core.model.events import MAIN_ID, WORKER_KINDS, Event, EventKind
from core.model.run_model import RunModel
from core.scenario.lane_announcements import preview_model
from tests.helpers import scenario

T0 = 1_000_000_000_000


class Script:
    """Applies events at given run-relative times; returns changed lane ids."""

    def __init__(self, model: RunModel, t0_ns: int = T0) -> None:
        self.model = model
        self.t0_ns = t0_ns
        self._worker_seq: dict[int, int] = defaultdict(int)
        self._conductor_seq = 0

    def at(self, t: float, kind: str, worker_id: int = 0, /, **data: Any) -> set[int]:
        event_kind = EventKind(kind)
        if event_kind in WORKER_KINDS:
            sender, seq = worker_id, self._worker_seq[worker_id]
            self._worker_seq[worker_id] += 1
        else:
            sender, seq = MAIN_ID, self._conductor_seq
            self._conductor_seq += 1
        t_ns = self.t0_ns + round(t * 1e9)
        event = Event.make(
            event_kind, worker_id, data, sender=sender, seq=seq, t_ns=t_ns
        )
        return self.model.apply([event])


def three_workers(**top: Any) -> RunModel:
    """a-1 and a-2 (sleep) and b (raise_error) under fork; nothing applied yet."""
    return preview_model(
        scenario(
            [
                {"name": "a", "target": "sleep", "count": 2, "args": {"seconds": 0.2}},
                {"name": "b", "target": "raise_error"},
            ],
            start_method="fork",
            **top,
        )
    )


def begin(script: Script) -> None:
    """The run starts and all three workers are started and running."""
    script.at(
        0.0,
        "run_started",
        pid=100,
        title="test",
        mode="process",
        start_method="fork",
        default_start_method="fork",
        cpu_count=2,
        python="3.11.7",
        platform="linux",
    )
    for lane in list(script.model.worker_lanes()):  # as the conductor announces them
        script.at(
            0.0,
            "lane_added",
            lane.worker_id,
            name=lane.name,
            kind=lane.kind,
            group=lane.group,
            target=lane.target,
            start_method=lane.start_method,
        )
    for worker_id in (1, 2, 3):
        t = 0.01 * worker_id
        script.at(t, "start_called", worker_id)
        script.at(
            t + 0.002,
            "start_returned",
            worker_id,
            pid=100 + worker_id,
            start_method="fork",
        )
        script.at(
            0.05,
            "booted",
            worker_id,
            pid=100 + worker_id,
            ppid=100,
            tid=1,
            start_method="fork",
        )
        script.at(0.06, "target_started", worker_id, target="sleep", args={})
    script.at(0.1, "join_called", 1, timeout=None)


def finish(script: Script) -> None:
    """a-1 returns (busy CPU), b raises, a-2 is terminated; everything joined."""
    for t, cpu in ((0.2, 90.0), (0.4, 95.0)):
        script.at(
            t,
            "sample",
            1,
            cpu=cpu,
            rss=1 << 20,
            threads=1,
            status="running",
            children=0,
        )
        script.at(
            t,
            "sample",
            2,
            cpu=0.0,
            rss=1 << 20,
            threads=1,
            status="sleeping",
            children=0,
        )
    script.at(
        0.3,
        "target_raised",
        3,
        type="NameError",
        message="name 'x' is not defined",
        traceback="Traceback…",
    )
    script.at(0.31, "exited", 3, exitcode=1, log_tail="", cleaned_up=0)
    script.at(0.5, "target_returned", 1, value="'done'")
    script.at(0.51, "exited", 1, exitcode=0, log_tail="", cleaned_up=0)
    script.at(0.51, "join_returned", 1, timed_out=False)
    script.at(0.51, "join_called", 2, timeout=None)
    script.at(
        0.6,
        "signal_sent",
        2,
        signal="SIGTERM",
        action="terminate",
        by="the main program",
        group=True,
    )
    script.at(0.61, "exited", 2, exitcode=-15, log_tail="", cleaned_up=0)
    script.at(0.61, "join_returned", 2, timed_out=False)
    script.at(0.61, "join_called", 3, timeout=None)
    script.at(0.61, "join_returned", 3, timed_out=False)
    script.at(0.62, "main_finished")
    script.at(0.62, "run_finished")


def finished_model() -> RunModel:
    model = three_workers()
    script = Script(model)
    begin(script)
    finish(script)
    return model


def live_script(elapsed: float) -> Script:
    """A run that began ``elapsed`` seconds ago and is still going."""
    script = Script(three_workers(), time.monotonic_ns() - round(elapsed * 1e9))
    begin(script)
    return script
