"""Pool and ProcessPoolExecutor tasks of real programs, traced: every task or
chunk is a span on the worker lane that ran it, with its submit time and the
line that submitted it; tasks cut off by a pool's end are "cut"; a broken
executor names the worker that died. Each program's traced output and exit
status are the plain run's (traced_like_plain), tracebacks included.
"""

from __future__ import annotations

import re

import pytest

from core.hazards.registry import detect
from core.model.lanes import Lane, TaskSpan
from core.model.outcomes import Outcome
from core.model.run_model import RunModel
from tests.tracer.test_programs import METHODS, traced_like_plain

PREFIX = {"fork": "Fork", "spawn": "Spawn", "forkserver": "ForkServer"}


def workers(model: RunModel, word: str = "PoolWorker") -> list[Lane]:
    return [lane for lane in model.lanes.values() if word in lane.name]


def spans(model: RunModel, label: str) -> list[TaskSpan]:
    return [
        task
        for lane in model.lanes.values()
        for task in lane.tasks
        if task.label == label
    ]


def chunk_sizes(tasks: list[TaskSpan]) -> list[int]:
    found = (re.search(r"a chunk of (\d+) item", task.detail) for task in tasks)
    return sorted(int(match.group(1)) for match in found if match)


def submitted_at(task: TaskSpan, program: str, line: int) -> bool:
    return (
        task.submitted is not None
        and task.submitted <= task.start <= (task.end or 0.0)
        and task.site.endswith(f"{program}:{line}")
    )


@pytest.mark.parametrize("method", METHODS)
def test_a_pools_tasks_and_chunks(method: str) -> None:
    model = traced_like_plain("pool_tasks.py", method)  # the uncaught error too
    assert model.main.exitcode == 1
    pool = workers(model)
    assert {lane.name for lane in pool} == {
        f"{PREFIX[method]}PoolWorker-1",
        f"{PREFIX[method]}PoolWorker-2",
    }
    every = [task for lane in model.lanes.values() for task in lane.tasks]
    assert all(
        task in lane.tasks for task in every for lane in pool if task in lane.tasks
    )
    assert sum(len(lane.tasks) for lane in pool) == len(every) == 15
    squares = spans(model, "square")
    by_line = {
        line: [t for t in squares if t.site.endswith(f":{line}")]
        for line in (25, 26, 27)
    }
    assert chunk_sizes(by_line[25]) == [1, 3, 3, 3]  # map(chunksize=3) of 10
    assert len(by_line[26]) == 4 and chunk_sizes(by_line[26]) == []  # imap: one by one
    assert "__main__.square (2)" in " ".join(t.detail for t in by_line[26])
    assert chunk_sizes(by_line[27]) == [2, 2]  # imap_unordered(chunksize=2)
    adds = spans(model, "add")
    assert chunk_sizes([t for t in adds if t.site.endswith(":28")]) == [1, 1]
    assert [t.detail.split(";")[0] for t in adds if t.site.endswith(":29")] == [
        "__main__.add (5, 6)"
    ]
    assert all(t.outcome == "ok" for t in squares + adds)
    errors = spans(model, "invert")
    assert [t.outcome for t in errors] == ["error", "error"]
    assert all("ZeroDivisionError: division by zero" in t.detail for t in errors)
    assert sorted(t.site.rsplit(":", 1)[1] for t in errors) == ["31", "34"]
    for task in every:
        assert submitted_at(task, "pool_tasks.py", int(task.site.rsplit(":", 1)[1]))


@pytest.mark.parametrize("method", METHODS)
def test_an_executors_tasks(method: str) -> None:
    model = traced_like_plain("executor_tasks.py", method)
    tasks = spans(model, "invert")
    assert (
        sum(len(lane.tasks) for lane in workers(model, "Process-")) == len(tasks) == 5
    )
    submits = [t for t in tasks if submitted_at(t, "executor_tasks.py", 16)]
    assert sorted(t.outcome for t in submits) == ["error", "ok"]
    assert any("raised ZeroDivisionError" in t.detail for t in submits)
    mapped = [t for t in tasks if submitted_at(t, "executor_tasks.py", 18)]
    assert chunk_sizes(mapped) == [1, 2, 2] and {t.outcome for t in mapped} == {"ok"}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("how", ["with", "terminate"])
def test_tasks_cut_off_by_the_pools_end(method: str, how: str) -> None:
    model = traced_like_plain("pool_cut.py", method, how)
    (worker,) = workers(model)
    (task,) = worker.tasks
    assert task.label == "long_task" and task.outcome == "cut"
    assert worker.outcome is Outcome.TERMINATED
    assert task.end == pytest.approx(worker.times["exited"])
    assert task.end - task.start < 20  # cut, not run to its 30 s end
    assert "pool_shutdown_under_tasks" in [h.kind for h in detect(model)]


@pytest.mark.parametrize("method", METHODS)
def test_a_worker_that_dies_breaks_the_executor(method: str) -> None:
    model = traced_like_plain("broken_pool.py", method)
    (dead,) = workers(model, "Process-")
    assert dead.exitcode == 3
    assert [(t.label, t.outcome) for t in dead.tasks] == [("die", "cut")]
    assert any("BrokenProcessPool" in text for text in model.main.notices)
    (broken,) = [h for h in detect(model) if h.kind == "broken_pool"]
    assert broken.lane == dead.worker_id


@pytest.mark.parametrize("method", METHODS)
def test_replaced_workers_are_new_lanes_with_their_own_tasks(method: str) -> None:
    model = traced_like_plain("maxtasks.py", method)
    pool = workers(model)
    # maxtasksperchild=2: three workers for six tasks (and, at times, an idle
    # fourth started when the third retired)
    assert [len(lane.tasks) for lane in pool if lane.tasks] == [2, 2, 2]
    assert [lane.exitcode for lane in pool[:2]] == [0, 0]  # retired, not killed
    executor = workers(model, "Process-")
    if method == "fork":
        assert executor == []
    else:  # max_tasks_per_child=2: two workers for four tasks (and, at
        # times, an idle third started when the second retired)
        assert [len(lane.tasks) for lane in executor if lane.tasks] == [2, 2]


@pytest.mark.parametrize("method", METHODS)
def test_a_task_the_worker_cannot_unpickle_shows_pythons_traceback(
    method: str,
) -> None:
    """The worker's get() is watched, yet the traceback it prints has only
    Python's frames (stderr is compared with the plain run's)."""
    model = traced_like_plain("unpicklable_task.py", method)
    (worker,) = workers(model, "Process-")
    assert worker.exitcode == 1 and worker.tasks == []
    assert "refuse" in getattr(worker.report, "traceback", "")
