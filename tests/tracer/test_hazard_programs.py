"""Every hazard detector on real programs (tests/programs), traced: the trap
shows its hazard, and its careful twin (the near miss) shows none. Traps run
plain too, to check the program behaves as it does without Procession."""

from __future__ import annotations

import pytest

from core.hazards import DETECTORS, Hazard, detect
from core.lesson_programs import PROGRAMS_DIR
from core.model.run_model import RunModel
from core.tracer.script_program import load_script
from tests.tracer.support import lane, program, run_traced, traced_python
from tests.tracer.test_programs import traced_like_plain


def hazards(model: RunModel) -> list[Hazard]:
    found = detect(model)
    for hazard in found:  # every one says what, why, how to fix, where to read
        assert hazard.kind in DETECTORS and hazard.title and hazard.fix
        assert hazard.url.startswith("https://docs.python.org/3/")
    return found


def kinds_of(name: str, *argv: str) -> list[str]:
    """The hazards of a near miss (traced only)."""
    return [hazard.kind for hazard in hazards(run_traced(program(name, *argv)))]


def only(model: RunModel, kind: str) -> Hazard:
    found = hazards(model)
    assert [h.kind for h in found] == [kind], [(h.kind, h.title) for h in found]
    return found[0]


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_missing_main_guard(method: str) -> None:
    model = traced_like_plain("no_guard.py", method)
    hazard = only(model, "missing_main_guard")
    assert method in hazard.text and hazard.site.endswith("no_guard.py:14")
    assert kinds_of("child_raises.py", method) == []  # its own error: no guard issue


def test_join_before_reading_the_queue() -> None:
    model = traced_like_plain("queue_deadlock.py", "spawn")
    hazard = only(model, "join_before_queue_read")
    worker = lane(model, "Process-1")
    assert worker.times["target_ended"] < hazard.at < worker.times["exited"]
    assert hazard.site.endswith("queue_deadlock.py:19")
    assert kinds_of("queue_read_first.py", "spawn") == []


def test_daemon_cut_off_at_exit() -> None:
    model = traced_like_plain("daemons.py", "spawn")
    hazard = only(model, "daemon_ended_at_exit")
    assert hazard.lane == lane(model, "Process-1").worker_id
    assert kinds_of("daemon_joined.py", "spawn") == []


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_pool_left_under_running_tasks(method: str) -> None:
    model = traced_like_plain("pool_left_running.py", method)
    hazard = only(model, "pool_shutdown_under_tasks")
    assert "3 task(s)" in hazard.text and "the pool's shutdown" in hazard.text
    workers = [model.lanes[i] for i in hazard.lanes]
    assert len(workers) == 2 and {w.exitcode for w in workers} == {-15}
    assert kinds_of("pool_left_running.py", method, "wait") == []
    assert kinds_of("pools.py", method) == []  # idle workers, also -15: no hazard


def test_pool_left_under_running_tasks_names_the_cut_tasks() -> None:
    model = run_traced(program("pool_left_running.py", "spawn"))
    cut = [t for each in model.lanes.values() for t in each.tasks if t.outcome == "cut"]
    assert len(cut) == 2  # the two naps that ran; the third never started
    hazard = only(model, "pool_shutdown_under_tasks")
    assert "3 task(s)" in hazard.text
    assert "2 task(s) cut off while running, 1 never began" in hazard.evidence


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_worker_that_exits_breaks_the_executor(method: str) -> None:
    model = traced_like_plain("broken_executor.py", method)
    hazard = only(model, "broken_pool")
    dead = model.lanes[hazard.lane]
    assert dead.exitcode == 3 and "BrokenProcessPool" in hazard.text
    assert kinds_of("broken_executor.py", method, "raise") == []


def test_an_ended_child_never_joined() -> None:
    model = traced_like_plain("joins.py", "spawn", "zombie")
    hazard = only(model, "never_joined")
    assert hazard.lanes == (lane(model, "Process-1").worker_id, 0)
    assert "but the main program never called join()" in hazard.text
    assert kinds_of("joins.py", "spawn", "zombie-joined") == []
    # lesson 2's shape: not joined, but reaped as the program ends
    assert kinds_of("two_sleepers.py", "spawn", "nojoin") == []


@pytest.mark.parametrize(
    ("case", "children"), [("pool", 2), ("executor", 2), ("is_alive", 1)]
)
def test_children_collected_without_join_are_not_zombies(case, children) -> None:
    """A Pool collects its ended workers itself, and is_alive() collects the
    child it finds ended: the program read their exit status, no hazard."""
    model = traced_like_plain("collected_without_join.py", "fork", case)
    ended = [w for w in model.worker_lanes() if w.kind == "process"]
    # (a Pool's exit terminates the workers its sentinels have not ended yet: 0 or −15)
    assert len(ended) == children and all(w.exitcode in (0, -15) for w in ended)
    assert [h.kind for h in hazards(model)] == []


def test_a_join_timeout_taken_for_the_end() -> None:
    model = traced_like_plain("joins.py", "spawn", "timeout")
    hazard = only(model, "join_timed_out")
    assert hazard.site.endswith("joins.py:37")
    assert kinds_of("joins.py", "spawn", "timeout-checked") == []


def test_a_process_never_started() -> None:
    model = traced_like_plain("joins.py", "spawn", "unstarted")
    hazard = only(model, "never_started")
    assert hazard.lanes == (lane(model, "Process-1").worker_id,)
    assert kinds_of("joins.py", "spawn", "started") == []


def test_fork_while_a_thread_runs() -> None:
    model = traced_like_plain("fork_threads.py", "running")
    hazard = only(model, "fork_with_threads")
    assert hazard.lanes[0] == lane(model, "Process-1").worker_id
    assert kinds_of("fork_threads.py", "joined") == []


def test_a_child_left_running_is_an_orphan() -> None:
    model = run_traced(program("leaves_escapee.py"))
    assert "orphan" in [h.kind for h in hazards(model)]
    assert kinds_of("nested.py", "spawn") == []


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_slow_imports_at_the_top_make_every_child_slow_to_start(method: str) -> None:
    model = traced_like_plain("slow_start.py", method)
    hazard = only(model, "start_cost")
    assert "slow_import_table" in hazard.text  # the slowest import, named
    assert len(hazard.lanes) == 2
    assert kinds_of("slow_start.py", method, "light") == []


def test_terminate_of_a_process_that_shares_a_queue_and_a_lock() -> None:
    model = traced_like_plain("terminate_shared.py", "spawn", "queue")
    hazard = only(model, "terminate_with_shared_state")
    assert hazard.title == "terminate() of a process that shares a Lock"
    assert "Lock, Queue" in hazard.text
    assert kinds_of("terminate_shared.py", "spawn", "plain") == []
    # terminate.py kills a process it gave only an Event ("ready"): no hazard
    assert kinds_of("terminate.py", "spawn") == []


LESSON_TRAPS = {
    "12-daemon-at-exit.py": {"daemon_ended_at_exit"},
    "13-queue-join-deadlock.py": {"join_before_queue_read"},
}
"""The lesson programs about a trap; every other one must show no hazard."""


LESSON_PROGRAMS = sorted(p.name for p in PROGRAMS_DIR.glob("[0-9]*.py"))


@pytest.mark.parametrize("name", LESSON_PROGRAMS)
def test_lesson_programs_show_only_the_hazards_they_are_about(name: str) -> None:
    model = run_traced(load_script(str(PROGRAMS_DIR / name), [], traced_python()))
    assert model.finished
    assert {h.kind for h in hazards(model)} == LESSON_TRAPS.get(name, set())


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_an_import_that_fails_in_a_child_keeps_its_plain_traceback(method: str) -> None:
    model = traced_like_plain("child_import_fails.py", method)  # stderr compared
    assert lane(model, "Process-1").exitcode == 1
    assert hazards(model) == []
