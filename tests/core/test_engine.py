"""The main program's behaviour and what workers report, from real runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.model.events import WORKER_KINDS, EventKind
from core.model.outcomes import Outcome
from core.model.run_model import State
from tests.helpers import run

ROOT = Path(__file__).resolve().parents[2]
CUSTOM_CODE = """
import os, sys, time
def work(greeting="hello", times=2):
    for i in range(times):
        print(f"{greeting} {i} from {os.getpid()}")
    print("to stderr", file=sys.stderr)
    return {"pid": os.getpid(), "module": __name__}
"""


@pytest.mark.parametrize("method", ["spawn", "fork", "forkserver"])
def test_custom_code_runs_under_every_start_method(method):
    model = run(
        {
            "start_method": method,
            "workers": [
                {
                    "name": "mine",
                    "target": "custom",
                    "function": "work",
                    "code": CUSTOM_CODE,
                    "count": 2,
                    "args": {"greeting": "hi", "times": 3},
                }
            ],
        }
    )
    for lane in model.worker_lanes():
        assert lane.outcome is Outcome.OK, lane.explanation
        texts = [(line.stream, line.text) for line in lane.output]
        assert texts == [("stdout", f"hi {i} from {lane.pid}") for i in range(3)] + [
            ("stderr", "to stderr")
        ]
        assert f"'pid': {lane.pid}" in lane.report.value
        assert "procession_custom_0" in lane.report.value


def test_joined_sleepers_run_in_parallel_and_main_waits():
    model = run(
        {
            "start_method": "fork",
            "workers": [
                {"name": "s", "target": "sleep", "count": 2, "args": {"seconds": 0.5}}
            ],
        }
    )
    lanes = model.worker_lanes()
    assert 0.45 < model.main_finished < 0.95  # one sleep, not two (≥ 1.0 s)
    for lane in lanes:
        assert lane.state is State.JOINED
        assert [line.text for line in lane.output] == [
            "I'm going to sleep",
            "I'm awake",
        ]
        assert 0.45 < lane.times["target_ended"] - lane.times["target_started"] < 0.9
    main_states = [s.state for s in model.main.segments]
    assert main_states == [
        State.MAIN_RUNNING,
        State.MAIN_JOINING,
        State.MAIN_RUNNING,
        State.MAIN_JOINING,
        State.MAIN_RUNNING,
        State.MAIN_FINISHED,
    ]


def test_without_join_the_main_program_finishes_at_once():
    model = run(
        {
            "start_method": "fork",
            "join": False,
            "workers": [
                {"name": "s", "target": "sleep", "count": 2, "args": {"seconds": 0.4}}
            ],
        }
    )
    ended = min(lane.times["target_ended"] for lane in model.worker_lanes())
    assert model.main_finished < ended - 0.2  # done long before its workers
    assert model.end > 0.4  # the run (the interpreter at exit) waits for them
    for lane in model.worker_lanes():
        assert lane.outcome is Outcome.OK
        assert "joined" not in lane.times and lane.state is State.EXITED


def test_daemon_workers_are_terminated_when_an_unjoining_main_ends():
    model = run(
        {
            "start_method": "fork",
            "join": False,
            "workers": [
                {"name": "d", "target": "forever", "daemon": True},
                {"name": "n", "target": "sleep", "args": {"seconds": 0.3}},
            ],
        }
    )
    daemon, normal = model.worker_lanes()
    assert (daemon.outcome, daemon.exitcode) == (Outcome.TERMINATED, -15)
    assert "daemon cleanup" in daemon.explanation.sentence
    assert normal.outcome is Outcome.OK


def test_start_delays_and_stages_follow_the_main_program():
    model = run(
        {
            "start_method": "fork",
            "workers": [
                {"name": "late", "target": "noop", "start_delay": 0.3},
                {"name": "early", "target": "sleep", "args": {"seconds": 0.2}},
                {"name": "next", "target": "noop", "wait_for_previous": True},
            ],
        }
    )
    lanes = {lane.name: lane for lane in model.worker_lanes()}
    late = lanes["late"].times["start_called"]
    assert lanes["early"].times["start_called"] < late - 0.2  # not delayed
    assert 0.29 < late < 0.8  # delayed by 0.3 s (a busy machine adds to it)
    # the next stage starts only after the main program joined the previous one
    assert lanes["next"].times["start_called"] >= lanes["late"].times["joined"]
    assert lanes["next"].times["start_called"] >= lanes["early"].times["joined"]


def test_join_timeout_returns_while_the_worker_runs_on():
    model = run(
        {
            "start_method": "fork",
            "join_timeout": 0.2,
            "workers": [{"name": "slow", "target": "sleep", "args": {"seconds": 0.6}}],
        }
    )
    lane = model.worker_lanes()[0]
    kinds = [m.kind for m in lane.markers]
    assert "join_timeout" in kinds
    assert 0.15 < model.main_finished < lane.times["exited"] - 0.15
    assert lane.outcome is Outcome.OK and lane.times["exited"] > 0.55


def test_cooperative_stop_ends_a_loop_without_signals():
    def stop_once_running(session, model, events):
        if any(e.kind is EventKind.TARGET_STARTED for e in events):
            session.send("stop", "loop")

    model = run(
        {"start_method": "fork", "workers": [{"name": "loop", "target": "forever"}]},
        on_events=stop_once_running,
    )
    lane = model.worker_lanes()[0]
    assert (lane.outcome, lane.exitcode) == (Outcome.OK, 0)
    assert lane.report.value == "'stopped'"
    assert lane.signals == []  # the flag was enough


def test_user_terminate_and_kill_commands_reach_the_right_workers():
    sent = set()

    def act(session, model, events):
        if {"a", "b"} <= {
            lane.name for lane in model.worker_lanes() if lane.state is State.RUNNING
        } and not sent:
            sent.add(session.send("terminate", "a"))
            session.send("kill", 2)

    model = run(
        {
            "start_method": "fork",
            "workers": [
                {"name": "a", "target": "forever"},
                {"name": "b", "target": "forever"},
            ],
        },
        on_events=act,
    )
    a, b = model.worker_lanes()
    assert (a.exitcode, b.exitcode) == (-15, -9)
    assert "sent by the user" in a.explanation.sentence


def test_output_beyond_the_cap_is_counted_not_kept():
    model = run(
        {
            "start_method": "fork",
            "max_output_lines": 100,
            "workers": [
                {
                    "name": "loud",
                    "target": "print_lines",
                    "args": {"count": 25_000, "interval": 0.0},
                }
            ],
        }
    )
    lane = model.worker_lanes()[0]
    assert lane.outcome is Outcome.OK
    assert len(lane.output) == 100
    assert lane.output[-1].text == "line 100 of 25000"
    assert lane.output_dropped == 25_000 - 100
    assert lane.missing == 0


def test_sampling_tells_a_busy_worker_from_a_sleeping_one():
    model = run(
        {
            "start_method": "fork",
            "workers": [
                {"name": "busy", "target": "busy", "args": {"seconds": 1.2}},
                {"name": "idle", "target": "sleep", "args": {"seconds": 1.2}},
            ],
        },
        sample_hz=10,
    )
    busy, idle = model.worker_lanes()

    def mean_cpu(lane):
        values = [cpu for _t, cpu, *_ in lane.samples if cpu is not None]
        assert len(values) >= 4
        return sum(values) / len(values)

    assert mean_cpu(busy) > 30  # a burner got 42 % on a loaded 2-vCPU VM
    assert mean_cpu(idle) < 10
    assert all(rss > 1_000_000 for _t, _c, rss, *_ in busy.samples)


def test_every_event_arrives_numbered_without_gaps():
    model = run(
        {
            "start_method": "spawn",
            "workers": [
                {
                    "name": "p",
                    "target": "print_lines",
                    "count": 4,
                    "args": {"count": 500, "interval": 0.0},
                }
            ],
        }
    )
    for lane in model.worker_lanes():
        seqs = [
            e.seq
            for e in model.events
            if e.lane == lane.worker_id and e.kind in WORKER_KINDS
        ]
        assert seqs == list(range(len(seqs)))
        assert len(seqs) == 503  # booted, target started, 500 lines, returned
        assert len(lane.output) == 500 and lane.missing == 0


def test_a_signal_reaches_a_worker_that_has_no_group_of_its_own_yet():
    """A worker still booting has not called setpgrp: the group signal must
    fall back to the process itself, or Stop's SIGTERM reaches nobody."""
    import subprocess
    import sys

    from core.engine import process_tree

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert not process_tree.group_alive(child.pid)  # it is in our group
        process_tree.signal_worker(child.pid, 15)
        assert child.wait(timeout=5) == -15
    finally:
        child.kill()
        child.wait()


def test_a_daemon_thread_left_running_is_explained_as_such():
    model = run(
        {
            "mode": "thread",
            "join": False,
            "workers": [{"name": "d", "target": "forever", "daemon": True}],
        }
    )
    lane = model.worker_lanes()[0]
    assert lane.outcome is Outcome.LOST
    assert "daemon thread is not waited for" in lane.explanation.sentence
    assert "ignored stop" not in lane.explanation.sentence


def test_runs_leave_this_processs_resource_tracker_alone():
    """Spawning the first conductor starts this process's resource tracker;
    started under the run's token it was killed with the run, and the next
    run printed "resource_tracker: process died unexpectedly"."""
    code = (
        "from tests.helpers import run\n"
        "if __name__ == '__main__':\n"
        "    spec = {'workers': [{'name': 'w', 'target': 'noop'}]}\n"
        "    for _ in range(2):\n"
        "        assert run(spec).lanes[1].exitcode == 0\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "died unexpectedly" not in done.stderr
