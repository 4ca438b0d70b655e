"""Detectors on hand-made event sequences shaped as traced programs send them
(tests/programs on the tracer branch): each trap, and its near miss."""

from __future__ import annotations

import pytest

from core.hazards import DETECTORS, detect
from core.model.events import EventKind
from core.model.payloads import Call
from tests.core.hazard_runs import Run, kinds

GUARD_ERROR = (
    "RuntimeError: \n        An attempt has been made to start a new process before "
    "the\n        current process has finished its bootstrapping phase."
)


def test_every_detector_reports_its_own_kind_with_a_real_doc_link():
    assert len(DETECTORS) == 14  # issue 13's twelve, the sixth in three kinds
    run = Run()
    run.worker(1, "Process-1", 10, 20)
    assert run.finish(30) == []  # an ordinary run: nothing to say


def _no_guard(run: Run, children: int) -> None:
    for lane in range(1, children + 1):
        run.add(lane, f"Process-{lane}", 5, start_method="spawn")
        run.send(-2, 10, "start_called", lane, caller=0)
        run.send(lane, 60, "booted", lane, pid=200 + lane)
        for line in ["Traceback (most recent call last):", *GUARD_ERROR.split("\n")]:
            run.send(lane, 70, "output", lane, stream="stderr", text=line)
        run.exited(lane, 80, 1)


def test_missing_main_guard_names_every_child_that_died_at_bootstrap():
    run = Run()
    _no_guard(run, 3)
    [hazard] = run.finish(100)
    assert hazard.kind == "missing_main_guard"
    assert hazard.lanes == (1, 2, 3) and hazard.lane == 1
    assert hazard.at == 0.080
    assert hazard.url.endswith("#the-spawn-and-forkserver-start-methods")
    assert "__main__" in hazard.fix and "spawn" in hazard.text


def test_a_child_that_raised_its_own_error_is_not_a_missing_guard():
    run = Run()
    run.worker(1, "Process-1", 10, 20, code=1)
    run.send(1, 19, "target_raised", 1, type="NameError", message="name 'x'")
    assert "missing_main_guard" not in kinds(run.finish(50))


def _queue_child(run: Run) -> None:
    run.add(1, "Process-1", 1)
    run.start(1, 10)
    run.returned(1, 60)  # put() a large item, then returned: the feeder flushes


def test_join_timeout_on_a_child_stuck_with_unread_queue_data():
    run = Run()
    _queue_child(run)
    run.join(1, 70, 570, timeout=0.5, timed_out=True)  # join(timeout=0.5)
    # the main program reads the queue at last: the child can end
    run.exited(1, 600)
    run.join(1, 601, 602)
    [hazard] = run.finish(700)
    assert hazard.kind == "join_before_queue_read"  # not also join_timed_out
    assert hazard.at == 0.570
    assert "get()" in hazard.fix and hazard.url.endswith(
        "#joining-processes-that-use-queues"
    )


def test_a_join_without_timeout_blocked_for_long_is_the_same_trap():
    run = Run()
    _queue_child(run)
    run.join(1, 70)
    run.exited(1, 2500)  # ended when something else drained the queue
    [hazard] = run.finish(2600)
    assert hazard.kind == "join_before_queue_read"
    assert abs(hazard.at - 1.070) < 1e-9  # detected a second into the wait


def test_get_before_join_is_no_hazard():
    run = Run()
    _queue_child(run)
    run.exited(1, 63)  # get() came first: the child ended at once
    run.join(1, 70, 71)
    assert run.finish(100) == []


def test_join_timeout_on_a_child_still_running_its_target():
    run = Run()
    run.add(1, "Process-1", 1)
    run.start(1, 10)
    run.join(1, 60, 260, timeout=0.2, timed_out=True)
    run.returned(1, 900)
    run.exited(1, 902)
    [hazard] = run.finish(1000)
    assert (hazard.kind, hazard.at) == ("join_timed_out", 0.260)


def test_a_join_timeout_that_was_not_needed_is_no_hazard():
    run = Run()
    run.worker(1, "Process-1", 10, 100)
    run.join(1, 50, 103, timeout=5.0, timed_out=False)
    assert run.finish(110) == []


def test_a_process_never_joined_while_its_parent_ran_on():
    run = Run()
    run.worker(1, "Process-1", 10, 100)
    [hazard] = run.finish(2000)  # the main program's code ran 1.9 s more
    assert (hazard.kind, hazard.lanes) == ("never_joined", (1, 0))
    assert hazard.at == 0.102


def test_unjoined_processes_reaped_at_the_programs_exit_are_no_hazard():
    run = Run()
    run.add(1, "Process-1", 1)
    run.start(1, 10)
    run.send(-2, 15, "main_finished", 0, joined=False)  # lesson 2's shape
    run.returned(1, 1000)
    run.exited(1, 1002)
    run.send(0, 1003, "run_finished", 0)
    assert detect(run.model) == []


def test_a_process_created_but_never_started():
    run = Run()
    run.worker(1, "Process-1", 10, 20)
    run.join(1, 15, 23)
    run.add(2, "Process-2", 30)  # Process(target=f) ... and no start()
    run.send(-2, 40, "start_failed", 2, caller=0, never_called=True)
    [hazard] = run.finish(50)
    assert (hazard.kind, hazard.lanes) == ("never_started", (2,))


def test_a_scenario_stopped_before_a_launch_is_not_a_program_that_forgot():
    run = Run(program_kind="scenario")
    run.add(1, "sleeper-2", 1)
    run.send(0, 40, "start_failed", 1, caller=0, never_called=True)
    assert run.finish(50) == []


def test_a_subprocess_that_escaped_the_program_is_an_orphan():
    """tests/programs/leaves_escapee.py: a setsid child still running when the
    traced main program exited; found and killed by Procession afterwards."""
    run = Run()
    run.send(-2, 29, "main_finished", 0, joined=True)
    run.send(0, 85, "exited", 0, exitcode=0)
    run.add(1, "pid 14230 (sleep 600)", 409, kind="untracked")
    run.send(0, 409, "start_returned", 1, caller=0, pid=14230)
    run.send(
        0,
        409,
        "signal_sent",
        1,
        caller=0,
        signal="SIGKILL",
        action="kill",
        by="Procession (left running after the program ended)",
    )
    run.exited(1, 410, -9)
    run.send(0, 411, "run_finished", 0)
    [hazard] = detect(run.model)
    assert (hazard.kind, hazard.lane, hazard.at) == ("orphan", 1, 0.085)
    assert hazard.text.startswith("The main program ended while its child")


def test_a_child_that_never_ran_is_no_orphan():
    """no_guard.py under spawn: the child's own start() raised at bootstrap, so
    the grandchild it announced never ran."""
    run = Run()
    _no_guard(run, 1)
    run.add(2, "Process-1:1", 70, parent=1)
    run.send(1, 71, "start_called", 2, caller=1)
    run.send(1, 72, "start_failed", 2, caller=1, error="RuntimeError")
    assert kinds(run.finish(100)) == ["missing_main_guard"]


KINDS = {kind.value for kind in EventKind}


@pytest.mark.skipif("is_alive" not in KINDS, reason="IS_ALIVE comes with the tracer")
def test_a_join_timeout_followed_by_is_alive_is_a_program_that_checked():
    run = Run()
    run.add(1, "Process-1", 1)
    run.start(1, 10)
    run.join(1, 60, 260, timeout=0.2, timed_out=True)
    run.send(-2, 261, "is_alive", 1, caller=0, answer=True)
    run.returned(1, 900)
    run.exited(1, 902)
    run.join(1, 903, 904)
    assert run.finish(1000) == []


@pytest.mark.skipif(
    "site" not in Call.__dataclass_fields__, reason="call sites come with the tracer"
)
def test_the_users_line_is_named_when_the_events_carry_it():
    run = Run()
    run.add(1, "Process-1", 1, daemon=True)
    run.send(-2, 10, "start_called", 1, caller=0, site="job.py:12")
    run.signal(
        1, 20, "SIGTERM", action="daemon cleanup at exit", by="daemon cleanup at exit"
    )
    run.exited(1, 25, -15)
    [hazard] = run.finish(30)
    assert (hazard.kind, hazard.site) == ("daemon_ended_at_exit", "job.py:12")
