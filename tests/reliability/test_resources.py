"""No zombies at any time, and the app's descriptors and threads return to
their baseline after every run (DESIGN §4 promises 5 and 6; research P5, P7)."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from core.model.outcomes import Outcome
from tests.helpers import run
from tests.reliability.support import (
    METHODS,
    children_of,
    descendants_of,
    proc_state,
    record,
)

# A zombie is normal for the instant between a child's death and its parent's
# wait; one that lives longer than this was forgotten.
ZOMBIE_GRACE = 0.3


def _zombies(root: int) -> list[int]:
    return [pid for pid in descendants_of(root) if proc_state(pid) == "Z"]


def test_no_zombie_outlives_the_grace_period_during_a_run():
    baseline = children_of(os.getpid())  # multiprocessing's resource tracker
    seen: dict[int, float] = {}  # zombie pid -> first time seen
    stale: set[int] = set()
    samples = 0

    def on_events(session, model, events):
        nonlocal samples
        now = time.monotonic()
        samples += 1
        current = set(_zombies(os.getpid()))
        for pid in current:
            first = seen.setdefault(pid, now)
            if now - first > ZOMBIE_GRACE:
                stale.add(pid)
        for pid in list(seen):
            if pid not in current:
                del seen[pid]

    model = run(
        {
            "start_method": "fork",
            "workers": [
                # endings of every kind, spread over a second and a half
                {"name": "quick", "target": "noop", "count": 6},
                {"name": "late", "target": "noop", "count": 6, "start_delay": 0.5},
                {"name": "crash", "target": "crash", "args": {"after": 0.3}},
                {"name": "exit", "target": "exit_with", "args": {"after": 0.6}},
                {
                    "name": "leaver",
                    "target": "spawn_children",
                    "args": {"count": 2, "then": "exit"},
                },
                {
                    "name": "spawned",
                    "target": "sleep",
                    "start_method": "spawn",
                    "args": {"seconds": 0.3},
                },
                {
                    "name": "served",
                    "target": "sleep",
                    "start_method": "forkserver",
                    "count": 3,
                    "args": {"seconds": 0.2},
                },
                {"name": "tail", "target": "sleep", "args": {"seconds": 1.5}},
            ],
        },
        on_events=on_events,
        timeout=20,
    )
    assert all(w.outcome is not None for w in model.worker_lanes())
    assert samples > 10
    record("zombie sampling: samples taken during the run", samples)
    assert not stale, f"zombies older than {ZOMBIE_GRACE} s: {sorted(stale)}"
    assert children_of(os.getpid()) == baseline


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_descriptors_and_threads_return_to_baseline_over_20_runs():
    def scenario(i: int) -> dict[str, Any]:
        return {
            "start_method": METHODS[i % 3],
            "workers": [
                {"name": "a", "target": "noop", "count": 2},
                {"name": "b", "target": "print_lines", "args": {"interval": 0}},
                {"name": "c", "target": "raise_error"},
            ],
        }

    run(scenario(0))  # the first run may create lasting helpers (resource tracker)
    fds, threads = _fds(), threading.active_count()
    children = len(children_of(os.getpid()))  # multiprocessing's resource tracker
    started = time.monotonic()
    history = []
    for i in range(20):
        model = run(scenario(i))
        assert [w.outcome for w in model.worker_lanes()] == [
            Outcome.OK,
            Outcome.OK,
            Outcome.OK,
            Outcome.ERROR,
        ]
        history.append(
            (_fds(), threading.active_count(), len(children_of(os.getpid())))
        )
    record("20 runs: (fds, threads, children) after each run", history)
    record("20 runs: seconds", round(time.monotonic() - started, 2))
    assert history == [(fds, threads, children)] * 20
