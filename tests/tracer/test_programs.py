"""Real programs, traced, checked against the same programs run plain.

Each program in tests/programs runs under fork, spawn and forkserver, once
with the tracer and once with the plain interpreter: the output (as sorted
lines: processes print concurrently) and the exit status must be the same,
and the lanes must tell what happened. The interpreter is the suite's own
unless PROCESSION_TRACED_PYTHON names another (3.12, 3.13 or a path).
"""

from __future__ import annotations

import os
import tempfile

import pytest

from core.model.lanes import State
from core.model.outcomes import Outcome
from core.model.payloads import TargetRaised
from core.model.run_model import RunModel
from tests.tracer.support import lane, program, run_both, run_traced

METHODS = ["fork", "spawn", "forkserver"]
HOOK_NAMES = ("procession_trace", "sitecustomize", "core/tracer")


def traced_like_plain(name: str, *argv: str) -> RunModel:
    model, out, err, plain_out, plain_err, status = run_both(name, *argv)
    assert sorted(out.splitlines()) == sorted(plain_out.splitlines())
    assert sorted(err.splitlines()) == sorted(plain_err.splitlines())
    assert not any(hook in err for hook in HOOK_NAMES), err
    assert model.main.exitcode == status
    assert model.finished
    for each in model.lanes.values():
        assert each.problems == [], (each.name, each.problems)
        if each.kind != "main":
            assert each.outcome is not None, each.name
    return model


def helpers(model: RunModel) -> list[str]:
    return sorted(x.name for x in model.lanes.values() if x.kind == "helper")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("join", ["join", "nojoin"])
def test_two_sleepers(method: str, join: str) -> None:
    model = traced_like_plain("two_sleepers.py", method, join)
    short, long = lane(model, "Process-1"), lane(model, "Process-2")
    for worker, seconds in ((short, 0.2), (long, 0.3)):
        assert worker.outcome is Outcome.OK and worker.exitcode == 0
        assert worker.parent == 0 and worker.start_method == method
        ran = worker.times["target_ended"] - worker.times["target_started"]
        assert ran >= seconds
        assert worker.times["exited"] >= worker.times["target_ended"]
        start = next(m for m in worker.markers if m.kind == "start_called")
        assert start.detail.endswith("two_sleepers.py:18")
        # Its own output, read at the descriptor level, on its own lane:
        assert [line.text for line in worker.output] == [f"slept {seconds}"]
    finished = model.main_finished
    assert finished is not None
    if join == "join":
        assert finished >= long.times["joined"]
    else:  # its last line ran long before the children ended
        assert finished < short.times["exited"]
        assert model.main.times["exited"] >= long.times["exited"]
    expected = {"fork": [], "spawn": ["resource tracker"]}
    assert helpers(model) == expected.get(method, ["forkserver", "resource tracker"])


@pytest.mark.parametrize("method", METHODS)
def test_an_exception_in_the_child(method: str) -> None:
    model = traced_like_plain("child_raises.py", method)
    worker = lane(model, "Process-1")
    assert worker.outcome is Outcome.ERROR and worker.exitcode == 1
    assert isinstance(worker.report, TargetRaised)
    assert worker.report.type == "ZeroDivisionError"
    assert "child_raises.py" in worker.report.traceback
    assert "return n / 0" in worker.report.traceback
    assert "multiprocessing" not in worker.report.traceback
    printed = "\n".join(line.text for line in worker.output)
    assert "Process Process-1:" in printed and "ZeroDivisionError" in printed


@pytest.mark.parametrize("method", METHODS)
def test_terminate_and_kill(method: str) -> None:
    model = traced_like_plain("terminate.py", method)
    polite, rude = lane(model, "Process-1"), lane(model, "Process-2")
    assert polite.outcome is Outcome.TERMINATED and polite.exitcode == -15
    assert polite.signals[-1].by.endswith("terminate.py:23")
    assert rude.outcome is Outcome.KILLED and rude.exitcode == -9
    assert [s.signal for s in rude.signals] == ["SIGTERM", "SIGKILL"]
    assert rude.signals[-1].by.endswith("terminate.py:32")
    kinds = [m.kind for m in rude.markers]
    assert "join_timeout" in kinds and "close_called" in kinds
    alive = [m.label for m in rude.markers if m.kind == "is_alive"]
    assert alive == ["is_alive() → True"]


@pytest.mark.parametrize("method", METHODS)
def test_exit_codes(method: str) -> None:
    model = traced_like_plain("exit_codes.py", method)
    codes = [lane(model, f"Process-{n}").exitcode for n in (1, 2, 3, 4)]
    assert codes == [3, 44, 1, 7]
    assert model.main.exitcode == 44
    last_words = [line.text for line in lane(model, "Process-4").output]
    assert last_words == ["written below Python, then os._exit(7)"]
    assert [line.text for line in lane(model, "Process-3").output] == ["bye"]
    assert "low 8 bits" in lane(model, "Process-2").explanation.sentence  # type: ignore[union-attr]


@pytest.mark.parametrize("method", METHODS)
def test_a_child_that_starts_children(method: str) -> None:
    model = traced_like_plain("nested.py", method)
    top = lane(model, "Process-1")
    for name in ("Process-1:1", "Process-1:2"):
        leaf = lane(model, name)
        assert leaf.parent == top.worker_id
        assert leaf.outcome is Outcome.OK
        assert top.times["target_started"] < leaf.times["start_called"]
        assert leaf.times["joined"] < top.times["target_ended"]


@pytest.mark.parametrize("method", METHODS)
def test_daemon_children_are_terminated_at_exit(method: str) -> None:
    model = traced_like_plain("daemons.py", method)
    ghost = lane(model, "Process-1")
    assert ghost.daemon
    assert ghost.outcome is Outcome.TERMINATED and ghost.exitcode == -15
    assert ghost.signals[-1].by == "daemon cleanup at exit"
    assert model.main_finished is not None
    assert ghost.signals[-1].t >= model.main_finished


@pytest.mark.parametrize("method", METHODS)
def test_the_missing_main_guard(method: str) -> None:
    model = traced_like_plain("no_guard.py", method)
    worker = next(
        x for x in model.lanes.values() if x.parent == 0 and x.kind == "process"
    )
    if method == "fork":
        assert worker.outcome is Outcome.OK
        return
    assert worker.outcome is Outcome.ERROR and worker.exitcode == 1
    assert isinstance(worker.report, TargetRaised)
    assert worker.report.type == "RuntimeError"
    # The child re-ran the script and created a grandchild it could not start.
    ghost = next(x for x in model.lanes.values() if x.parent == worker.worker_id)
    assert ghost.outcome is Outcome.NOT_STARTED


@pytest.mark.parametrize("method", METHODS)
def test_the_queue_join_deadlock(method: str) -> None:
    model = traced_like_plain("queue_deadlock.py", method)
    worker = lane(model, "Process-1")
    timeouts = [m for m in worker.markers if m.kind == "join_timeout"]
    assert len(timeouts) == 1
    # Its target ended before join() timed out; it exited only after that.
    assert worker.times["target_ended"] < timeouts[0].t < worker.times["exited"]
    assert worker.outcome is Outcome.OK
    assert worker.segments[-1].state is State.JOINED


@pytest.mark.parametrize("method", METHODS)
def test_pool_and_executor_workers_are_lanes(method: str) -> None:
    model = traced_like_plain("pools.py", method)
    prefix = {"fork": "Fork", "spawn": "Spawn", "forkserver": "ForkServer"}[method]
    names = {x.name for x in model.lanes.values() if x.kind == "process"}
    assert {f"{prefix}PoolWorker-1", f"{prefix}PoolWorker-2"} <= names
    for worker in model.lanes.values():
        if worker.kind == "process":
            assert worker.parent == 0 and worker.exitcode is not None


@pytest.mark.parametrize("method", METHODS)
def test_a_keyboard_interrupt_inside_join_shows_only_pythons_frames(
    method: str,
) -> None:
    model = traced_like_plain("interrupted_join.py", method)  # stderr included
    assert isinstance(model.main.report, TargetRaised)
    assert model.main.report.type == "KeyboardInterrupt"
    joins = [m for m in lane(model, "Process-1").markers if m.kind == "join_called"]
    assert joins and joins[0].detail.endswith("interrupted_join.py:21")


@pytest.mark.parametrize("method", METHODS)
def test_one_file_for_both_streams_is_one_relay_and_keeps_everything(
    method: str,
) -> None:
    """As on a terminal: fd 1 and 2 are one file; a child's stderr still
    reaches it, and still lands on the child's lane."""
    with tempfile.TemporaryFile() as both:
        model = run_traced(program("child_raises.py", method), (both.fileno(),) * 2)
        both.seek(0)
        text = both.read().decode()
    assert "exitcode 1" in text and "ZeroDivisionError: division by zero" in text
    printed = [line.text for line in lane(model, "Process-1").output]
    assert "ZeroDivisionError: division by zero" in printed


@pytest.mark.parametrize("method", METHODS)
def test_a_status_reaped_by_a_parent_that_never_said_it(method: str) -> None:
    # The kernel keeps a reaped process's status for a pidfd opened while it
    # lived (Linux >= 6.15): the lane shows 3, not "unknown".
    model = traced_like_plain("reaped_behind_its_back.py", method)
    child = lane(model, "Process-1")
    release = tuple(int(n) for n in os.uname().release.split(".")[:2])
    if release < (6, 15):
        pytest.skip("PIDFD_GET_INFO needs Linux 6.15")
    assert child.exitcode == 3
