"""Hazards of pools and executors: tasks cut off, a pool broken by one death.

A traced program's pool workers carry task spans (TASK_STARTED/TASK_ENDED);
a span still open when its worker ended is "cut".
"""

from __future__ import annotations

from core.hazards.hazard import Hazard, seconds, text_of
from core.model.lanes import Lane
from core.model.outcomes import Outcome, SignalRecord
from core.model.run_model import RunModel

APP_STOP = {"shutdown", "escalate", "process_cap"}
"""Signals Procession itself sent to stop a run: not the program's doing."""
BROKEN_WORDS = ("BrokenProcessPool", "terminated abruptly")


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


def shutdown_under_tasks(model: RunModel) -> list[Hazard]:
    """Workers terminated by the program (a ``with Pool()`` exit, terminate(),
    an executor's shutdown) while they were still running tasks."""
    if any(_died_abruptly(lane) for lane in model.worker_lanes()):
        return []  # a broken pool ends its other workers: that hazard says why
    lanes = [
        lane
        for lane in model.worker_lanes()
        if _cut(lane) and _shut_down(lane) is not None
    ]
    if not lanes:
        return []
    signals = [_shut_down(lane) for lane in lanes]
    at = min(s.t for s in signals if s is not None)
    cut = sum(len(_cut(lane)) for lane in lanes)
    by = next(s.by for s in signals if s is not None)
    return [
        Hazard(
            "pool_shutdown_under_tasks",
            "A pool was shut down while its tasks were still running",
            f"{cut} task(s) were cut off in the middle: their workers were "
            f"stopped at {seconds(at)} by {by}. Leaving a 'with Pool()' block "
            "calls terminate(), which stops the workers at once; it does not "
            "wait for work you submitted with apply_async() or map_async().",
            "Wait for the results first (result.get(), or pool.close() then "
            "pool.join()) before the pool is closed.",
            "multiprocessing.pool.Pool.terminate",
            lanes[0].worker_id,
            at,
            tuple(lane.worker_id for lane in lanes),
            tuple(
                f"{lane.name}: task cut, ended {lane.explanation.label}"
                if lane.explanation
                else lane.name
                for lane in lanes
            ),
        )
    ]


def _died_abruptly(lane: Lane) -> bool:
    """A pool worker that died under a task with nobody in the program asking."""
    if not _cut(lane) or lane.outcome is None:
        return False
    if lane.outcome in (Outcome.KILLED, Outcome.CRASHED, Outcome.TERMINATED):
        return _shut_down(lane) is None or lane.outcome is Outcome.CRASHED
    return lane.outcome in (Outcome.ERROR, Outcome.EXIT) and lane.report is None


def broken_pool(model: RunModel) -> list[Hazard]:
    """One worker died abruptly; the pool is broken and pending work fails."""
    dead = [lane for lane in model.worker_lanes() if _died_abruptly(lane)]
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
    if not failed and not said:
        return []
    label = first.explanation.label if first.explanation else "died"
    return [
        Hazard(
            "broken_pool",
            "One worker died and broke the whole pool",
            f"{first.name} died suddenly ({label}) while it ran a task. A "
            "ProcessPoolExecutor cannot tell which tasks were lost, so it marks "
            "itself broken: every task still waiting fails with "
            "BrokenProcessPool, even the ones that had nothing to do with the "
            "crash.",
            "Find why the worker died (its exit code says how: a crash, a kill "
            "by the system when memory ran out, os._exit()). Catch "
            "BrokenProcessPool and start a new executor to retry.",
            "https://docs.python.org/3/library/concurrent.futures.html"
            "#concurrent.futures.process.BrokenProcessPool",
            first.worker_id,
            died,
            tuple(lane.worker_id for lane in dead),
            (
                f"{first.name} died at {seconds(died)}: {label}",
                f"{len(failed)} task(s) failed after it",
            ),
        )
    ]
