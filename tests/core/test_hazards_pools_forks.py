"""Detectors on hand-made event sequences shaped as traced programs send them:
pools and executors, fork with threads, orphans, start cost, terminate() of a
process that shares a Queue or Lock. Each trap, and its near miss."""

from __future__ import annotations

from tests.core.hazard_runs import Run, kinds


def test_pool_exit_under_running_tasks():
    run = Run()
    for lane in (1, 2):
        run.add(lane, f"SpawnPoolWorker-{lane}", 1, daemon=True)
        run.start(lane, 5)
        run.send(lane, 60, "task_started", lane, task_id=lane, label="work")
    for lane in (1, 2):  # leaving `with Pool()`: terminate() from the pool
        run.signal(
            lane, 100, "SIGTERM", action="the pool's shutdown", by="the pool's shutdown"
        )
        run.exited(lane, 105, -15)
    [hazard] = run.finish(120)
    assert hazard.kind == "pool_shutdown_under_tasks"
    assert hazard.lanes == (1, 2) and hazard.at == 0.100
    assert "2 task(s)" in hazard.text
    assert [t.outcome for t in run.model.lanes[1].tasks] == ["cut"]


def test_a_pool_shut_down_after_its_tasks_is_no_hazard():
    run = Run()
    run.add(1, "SpawnPoolWorker-1", 1, daemon=True)
    run.start(1, 5)
    run.send(1, 60, "task_started", 1, task_id=1, label="work")
    run.send(1, 80, "task_ended", 1, task_id=1, outcome="ok")
    run.signal(
        1, 100, "SIGTERM", action="the pool's shutdown", by="the pool's shutdown"
    )
    run.exited(1, 105, -15)
    assert run.finish(120) == []


def _executor(run: Run) -> None:
    for lane in (1, 2):
        run.add(lane, f"SpawnProcess-{lane}", 1)
        run.start(lane, 5)
        run.send(lane, 60, "task_started", lane, task_id=lane, label="work")


def test_one_worker_killed_breaks_the_executor():
    run = Run()
    _executor(run)
    run.exited(1, 200, -9)  # the OOM killer: no signal from the program
    run.send(
        2,
        210,
        "task_ended",
        2,
        task_id=2,
        outcome="error",
        detail="BrokenProcessPool: A process in the process pool was "
        "terminated abruptly",
    )
    run.signal(2, 230, "SIGTERM", action="the executor", by="the executor")
    run.exited(2, 240, -15)
    found = run.finish(300)
    assert kinds(found) == ["broken_pool"]
    assert found[0].lanes == (1,) and found[0].at == 0.200
    assert "BrokenProcessPool" in found[0].text


def test_the_executor_ending_the_other_workers_of_a_broken_pool_is_one_hazard():
    run = Run()
    _executor(run)
    run.exited(1, 200, -11)  # a segfault in a C extension
    run.signal(2, 230, "SIGTERM", action="the executor", by="the executor")
    run.exited(2, 240, -15)  # its task is cut
    run.send(
        -2,
        250,
        "output",
        0,
        stream="stderr",
        text="concurrent.futures.process.BrokenProcessPool: A process in "
        "the process pool was terminated abruptly",
    )
    assert kinds(run.finish(300)) == ["broken_pool"]


def test_a_worker_that_raised_does_not_break_the_pool():
    run = Run()
    _executor(run)
    run.send(1, 100, "task_ended", 1, task_id=1, outcome="error", detail="ValueError")
    run.send(2, 100, "task_ended", 2, task_id=2, outcome="ok")
    for lane in (1, 2):
        run.exited(lane, 200, 0)
        run.join(lane, 190, 201)
    assert run.finish(300) == []


def test_fork_from_a_program_with_a_running_thread():
    run = Run()
    run.add(1, "Thread-1", 1, kind="thread")
    run.start(1, 5, boot_ms=1)
    run.add(2, "Process-1", 20, start_method="fork")
    run.start(2, 30, boot_ms=2)
    run.returned(2, 50)
    run.exited(2, 52)
    run.join(2, 40, 53)
    run.returned(1, 500)
    run.exited(1, 501, None)
    run.join(1, 60, 502)
    [hazard] = run.finish(600)
    assert hazard.kind == "fork_with_threads"
    assert hazard.lanes == (2, 1) and hazard.at == 0.030


def test_the_python_warning_alone_is_evidence_of_a_fork_with_threads():
    run = Run()
    run.send(
        -2,
        2,
        "output",
        0,
        stream="stderr",
        text="DeprecationWarning: This process is multi-threaded, use of "
        "fork() may lead to deadlocks in the child.",
    )
    run.worker(1, "Process-1", 10, 20, start_method="fork")
    run.join(1, 15, 23)
    [hazard] = run.finish(30)
    assert hazard.kind == "fork_with_threads"
    assert any("DeprecationWarning" in line for line in hazard.evidence)


def test_fork_after_threads_ended_is_no_hazard():
    run = Run()
    run.add(1, "Thread-1", 1, kind="thread")
    run.start(1, 5, boot_ms=1)
    run.returned(1, 10)
    run.exited(1, 11, None)
    run.join(1, 9, 12)
    run.worker(2, "Process-1", 30, 50, start_method="fork")
    run.join(2, 40, 53)
    assert run.finish(60) == []


def test_a_grandchild_that_outlives_its_parent_is_an_orphan():
    run = Run()
    run.worker(1, "Process-1", 10, 200)
    run.join(1, 20, 203)
    run.add(2, "Process-1:1", 50, parent=1)
    run.start(2, 60, parent=1)
    [hazard] = run.finish(400)  # Process-1:1 still runs at the end
    assert (hazard.kind, hazard.lane, hazard.at) == ("orphan", 2, 0.202)


def test_a_grandchild_joined_by_its_parent_is_no_orphan():
    run = Run()
    run.add(1, "Process-1", 9)
    run.start(1, 10)
    run.add(2, "Process-1:1", 50, parent=1)
    run.start(2, 60, parent=1)
    run.returned(2, 150)
    run.exited(2, 151, parent=1)
    run.join(2, 100, 152, parent=1)
    run.returned(1, 200)
    run.exited(1, 202)
    run.join(1, 20, 203)
    assert run.finish(300) == []


def test_slow_spawn_start_and_its_near_misses():
    run = Run()
    run.add(1, "Process-1", 1, start_method="spawn")
    run.start(1, 10, boot_ms=2500)  # `import torch` at the top of the script
    run.add(2, "Process-2", 1, start_method="spawn")
    run.start(2, 10, boot_ms=90)
    run.add(3, "Process-3", 1, start_method="fork")
    run.start(3, 10, boot_ms=3000)  # fork re-imports nothing: not start cost
    for lane in (1, 2, 3):
        run.returned(lane, 3100)
        run.exited(lane, 3102)
        run.join(lane, 3000, 3103)
    [hazard] = run.finish(3200)
    assert (hazard.kind, hazard.lanes, hazard.at) == ("start_cost", (1,), 0.010)
    assert "2.50 s" in hazard.text


QUEUE_REPR = "<multiprocessing.queues.Queue object at 0x7f3a>"


def test_terminate_of_a_process_that_uses_a_queue():
    run = Run()
    run.worker(1, "Process-1", 10, 5000, args={"q": QUEUE_REPR})
    run.signal(1, 500, "SIGTERM", action="user code", by="user code")
    run.exited(1, 505, -15)
    run.join(1, 501, 506)
    found = [h for h in run.finish(600) if h.kind == "terminate_with_shared_state"]
    [hazard] = found
    assert hazard.at == 0.500 and "Queue" in hazard.title
    assert hazard.url.endswith("#multiprocessing.Process.terminate")


def test_a_kill_after_a_mark_that_names_a_lock():
    run = Run()
    run.add(1, "Process-1", 1)
    run.start(1, 10)
    run.send(1, 60, "mark", 1, label="uses", data={"lock": "<Lock(owner=None)>"})
    run.signal(1, 500, "SIGKILL", action="user code", by="user code")
    run.exited(1, 505, -9)
    run.join(1, 501, 506)
    [hazard] = run.finish(600)
    assert hazard.kind == "terminate_with_shared_state"
    assert hazard.title.startswith("kill()") and "Lock" in hazard.title


def test_terminate_of_a_process_without_shared_objects_is_no_hazard():
    run = Run()
    run.worker(1, "Process-1", 10, 5000, args={"seconds": 5.0})  # lesson 4
    run.signal(
        1, 500, "SIGTERM", action="terminate", by="the main program (action at 0.5 s)"
    )
    run.exited(1, 505, -15)
    run.join(1, 501, 506)
    assert run.finish(600) == []


def test_a_task_is_cut_when_its_worker_exits_not_at_the_runs_end():
    """Cut at the worker's exit (so a recording replays it there), and a
    second end of the same task (its result could not be sent) amends it."""
    run = Run()
    run.add(1, "ForkPoolWorker-1", 1, daemon=True)
    run.start(1, 5)
    run.send(1, 20, "task_started", 1, task_id=1, label="work", detail="work (1)")
    run.send(1, 30, "task_ended", 1, task_id=1, outcome="ok", detail="returned 1")
    run.send(1, 31, "task_ended", 1, task_id=1, outcome="error", detail="unsent")
    run.send(1, 40, "task_started", 1, task_id=2, label="work")
    run.exited(1, 105, -15)
    run.finish(300)
    first, second = run.model.lanes[1].tasks
    assert (first.outcome, first.end) == ("error", 0.030)
    assert first.detail == "work (1) → returned 1 → unsent"
    assert (second.outcome, second.end) == ("cut", 0.105)
    assert run.model.lanes[1].problems == []


def _slow_boot(imports: dict[str, float]) -> Run:
    run = Run()
    run.add(1, "Process-1", 1, start_method="spawn")
    run.send(-2, 10, "start_called", 1, caller=0)
    run.send(1, 2510, "booted", 1, pid=1001, imports=imports)
    run.send(1, 2511, "target_started", 1, target="work")
    run.returned(1, 2600)
    run.exited(1, 2602)
    run.join(1, 2000, 2603)
    return run


def test_start_cost_names_the_imports_that_took_the_time():
    run = _slow_boot({"torch": 2.1, "json": 0.01, "_struct": 0.06, "(others)": 0.2})
    [hazard] = run.finish(2700)
    assert hazard.kind == "start_cost"
    assert "importing torch (2.10 s)." in hazard.text  # not json, _struct, others


def test_a_slow_start_that_imported_little_is_a_busy_machine_not_start_cost():
    run = _slow_boot({"json": 0.01, "(others)": 0.05})
    assert run.finish(2700) == []


def test_the_pool_checks_look_for_task_spans_once_not_once_per_lane(monkeypatch):
    """Per lane it was quadratic: opening a 4 096-lane recording spent 13 s in
    the hazard checks (bench 10)."""
    from core.hazards import pools

    run = Run()
    for lane in range(1, 41):
        run.add(lane, f"ForkPoolWorker-{lane}", lane, daemon=True)
        run.start(lane, 5)
        run.exited(lane, 100, 0)
    calls = []
    original = pools._with_tasks
    monkeypatch.setattr(pools, "_with_tasks", lambda m: calls.append(1) or original(m))
    assert run.finish(300) == []
    assert len(calls) <= 3  # one per pool check, not 40 per check
