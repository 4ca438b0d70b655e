"""Hazards of pools and executors: tasks cut off, a pool broken by one death.

A traced program's pool workers carry task spans (TASK_STARTED/TASK_ENDED);
a span still open when its worker ended is "cut". Where no lane has tasks (a
tracer without task events, a recording), the evidence is the pool's
shutdown itself: a traced Pool says, with each signal it sends, how many of
its tasks had no result yet; and an executor worker is known by its target.
"""

from __future__ import annotations

from core.hazards.hazard import Hazard, events_about, seconds, text_of
from core.model.lanes import Lane
from core.model.outcomes import Outcome, SignalRecord
from core.model.run_model import RunModel

APP_STOP = {"shutdown", "escalate", "process_cap"}
"""Signals Procession itself sent to stop a run: not the program's doing."""
BROKEN_WORDS = ("BrokenProcessPool", "terminated abruptly")
EXECUTOR_WORKER = "concurrent.futures.process._process_worker"
POOL_WORKER = "multiprocessing.pool.worker"


def _by_app(record: SignalRecord) -> bool:
    return record.action in APP_STOP or record.by == "the user"


def _cut(lane: Lane) -> list[float]:
    return [task.start for task in lane.tasks if task.outcome == "cut"]


def _shut_down(lane: Lane) -> SignalRecord | None:
    """The signal the program sent that ended a pool worker under its task."""
    if lane.outcome not in (Outcome.TERMINATED, Outcome.KILLED):
        return None
    sent = [s for s in lane.signals if not _by_app(s)]
    return sent[-1] if sent else None


def _unfinished(model: RunModel, lane: Lane) -> int:
    """How many tasks the pool still had when its shutdown signalled ``lane``
    (0 if it said nothing: not a pool's shutdown, or an older tracer)."""
    counts = [
        getattr(event.data, "unfinished", None) or 0
        for event in events_about(model, lane, "signal_sent")
    ]
    return max(counts, default=0)


def _with_tasks(model: RunModel) -> bool:
    return any(lane.tasks for lane in model.worker_lanes())


def shutdown_under_tasks(model: RunModel) -> list[Hazard]:
    """Workers terminated by the program (a ``with Pool()`` exit, terminate(),
    an executor's shutdown) while they were still running tasks."""
    with_tasks = _with_tasks(model)
    if any(_died_abruptly(lane, with_tasks) for lane in model.worker_lanes()):
        return []  # a broken pool ends its other workers: that hazard says why
    cut = {
        lane.worker_id: len(_cut(lane)) if with_tasks else _unfinished(model, lane)
        for lane in model.worker_lanes()
        if _shut_down(lane) is not None
    }
    lanes = [model.lanes[i] for i, count in cut.items() if count]
    if not lanes:
        return []
    signals = [s for lane in lanes if (s := _shut_down(lane)) is not None]
    at = min(s.t for s in signals)
    # With task spans, the cut ones are the running ones; the pool's own count
    # (sent with its shutdown) also has the queued tasks that never began.
    running = sum(cut.values()) if with_tasks else 0
    if with_tasks:
        count = max(running, *(_unfinished(model, lane) for lane in lanes))
    else:
        count = max(cut.values())
    return [
        Hazard(
            "pool_shutdown_under_tasks",
            "A pool was shut down while its tasks were still running",
            f"{count} task(s) had not finished when the pool's workers were "
            f"stopped at {seconds(at)} (by {signals[0].by}). Leaving a "
            "'with Pool()' block calls terminate(): it stops the workers at "
            "once. It does not wait for work sent with apply_async() or "
            "map_async(), so those results never come.",
            "Wait for the results before the pool closes: call get() on each "
            "result inside the 'with' block, or call pool.close() and then "
            "pool.join().",
            "multiprocessing.pool.Pool.terminate",
            lanes[0].worker_id,
            at,
            tuple(lane.worker_id for lane in lanes),
            (
                *(
                    f"{lane.name}: stopped while busy, exit code {lane.exitcode}"
                    for lane in lanes
                ),
                f"{running} task(s) cut off while running"
                + (f", {count - running} never began" if count > running else ""),
            )
            if with_tasks
            else (
                f"{count} task(s) without a result when the pool stopped",
                *(f"{lane.name}: stopped, exit code {lane.exitcode}" for lane in lanes),
            ),
        )
    ]


def _died_abruptly(lane: Lane, with_tasks: bool) -> bool:
    """A pool worker that died under a task with nobody in the program asking
    (without task events: an executor's worker that died on its own).
    ``with_tasks``: whether the run has task spans, found once per check (per
    lane it made opening a 4 096-lane recording take 13 s)."""
    if lane.outcome is None:
        return False
    if with_tasks:
        if not _cut(lane):
            return False
    elif lane.target != EXECUTOR_WORKER:
        return False
    if lane.outcome in (Outcome.KILLED, Outcome.CRASHED, Outcome.TERMINATED):
        return _shut_down(lane) is None or lane.outcome is Outcome.CRASHED
    return lane.outcome in (Outcome.ERROR, Outcome.EXIT) and lane.report is None


def _ended_by_executor(model: RunModel) -> bool:
    """The executor stopped its workers: it does only when it broke (before
    3.14's terminate_workers()). It signals the dead one too, before its
    parent has read that it is gone: the times do not say which came first."""
    return any(
        s.by == "the executor" for lane in model.worker_lanes() for s in lane.signals
    )


def broken_pool(model: RunModel) -> list[Hazard]:
    """One worker died abruptly; the pool is broken and pending work fails."""
    with_tasks = _with_tasks(model)
    dead = [lane for lane in model.worker_lanes() if _died_abruptly(lane, with_tasks)]
    if not dead:
        return []
    first = min(dead, key=lambda lane: lane.times.get("exited", model.now()))
    died = first.times.get("exited", model.now())
    failed = [
        task
        for lane in model.worker_lanes()
        for task in lane.tasks
        if task.outcome == "error" and (task.end or 0.0) >= died
    ]
    said = any(  # a traced executor says so in a notice on its owner's lane
        word in text
        for lane in model.lanes.values()
        for text in (text_of(lane), *lane.notices)
        for word in BROKEN_WORDS
    )
    if not failed and not said and not _ended_by_executor(model):
        return []
    label = first.explanation.label if first.explanation else "died"
    evidence = [f"{first.name} died at {seconds(died)}: {label}"]
    if failed:
        evidence.append(f"{len(failed)} task(s) failed after it")
    if _ended_by_executor(model):
        evidence.append("the executor then stopped its other workers")
    return [
        Hazard(
            "broken_pool",
            "One worker died and broke the whole pool",
            f"{first.name} died suddenly ({label}) while it ran a task. A "
            "ProcessPoolExecutor cannot tell which task was lost, so it marks "
            "itself broken: every task not yet finished fails with "
            "BrokenProcessPool, even the ones that had nothing to do with the "
            "crash, and the executor takes no more work.",
            "Find why the worker died: its exit code says how (a crash, a kill "
            "by the system when memory ran out, os._exit()). Catch "
            "BrokenProcessPool and start a new executor to retry.",
            "https://docs.python.org/3/library/concurrent.futures.html"
            "#concurrent.futures.process.BrokenProcessPool",
            first.worker_id,
            died,
            tuple(lane.worker_id for lane in dead),
            tuple(evidence),
        )
    ]
