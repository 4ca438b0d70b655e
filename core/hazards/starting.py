"""Hazards of starting processes: no __main__ guard, slow starts, fork with threads."""

from __future__ import annotations

from core.hazards.hazard import Hazard, first_site, seconds, text_of, who
from core.model.headline import boot_time
from core.model.lanes import Lane
from core.model.run_model import RunModel

BOOTSTRAP_ERROR = "has finished its bootstrapping phase"
"""The RuntimeError a spawn or forkserver child raises when, re-importing a
main module without a guard, it tries to start processes of its own."""
FORK_WARNING = "use of fork() may lead to deadlocks"
"""Python 3.12+'s DeprecationWarning for a fork while threads run."""
START_COST_S = 1.0
"""A spawn or forkserver child that took this long to reach its target (an
idle machine: ~50 ms) spent it re-importing the main module's imports."""


def missing_main_guard(model: RunModel) -> list[Hazard]:
    lanes = [
        lane
        for lane in model.worker_lanes()
        if lane.kind == "process" and BOOTSTRAP_ERROR in text_of(lane)
    ]
    if not lanes:
        return []
    first = lanes[0]
    at = first.times.get("exited", first.times.get("start_called", 0.0))
    method = first.start_method or "spawn"
    return [
        Hazard(
            "missing_main_guard",
            'No if __name__ == "__main__": guard',
            f"Under the '{method}' start method each new process first imports "
            "your main file again. Without the guard, that import runs the code "
            "that starts processes once more, inside the child. Python stops "
            "this with a RuntimeError, so the children die before doing any work.",
            "Put the code that starts processes in a block under "
            'if __name__ == "__main__": so that it runs only in the main program, '
            "not when a child imports the file.",
            "the-spawn-and-forkserver-start-methods",
            first.worker_id,
            at,
            tuple(lane.worker_id for lane in lanes),
            tuple(
                f"{lane.name}: RuntimeError while starting, ended "
                f"{lane.explanation.label if lane.explanation else '?'}"
                for lane in lanes
            ),
            first_site(model, first, "start_called"),
        )
    ]


def start_cost(model: RunModel) -> list[Hazard]:
    slow = [
        (lane, boot)
        for lane in model.worker_lanes()
        if lane.start_method in ("spawn", "forkserver")
        and (boot := boot_time(lane)) is not None
        and boot >= START_COST_S
    ]
    if not slow:
        return []
    lane, boot = max(slow, key=lambda pair: pair[1])
    return [
        Hazard(
            "start_cost",
            "Processes were slow to start",
            f"{lane.name} needed {seconds(boot)} between start() and the first "
            f"line of its target. With '{lane.start_method}', every new process "
            "is a fresh Python that imports your main file and everything it "
            "imports. Big packages imported at the top of that file are loaded "
            "again in every child, before any work begins.",
            "Import heavy packages inside the functions that use them, or in the "
            'if __name__ == "__main__": block; start processes once and reuse '
            "them (a Pool) instead of one per small task.",
            "contexts-and-start-methods",
            lane.worker_id,
            lane.times["start_called"],
            tuple(lane.worker_id for lane, _ in slow),
            tuple(f"{other.name}: {seconds(b)} to start" for other, b in slow),
        )
    ]


def _running_threads(threads: list[Lane], t: float) -> list[Lane]:
    """Those of ``threads`` that were running at time ``t``."""
    return [
        lane
        for lane in threads
        if lane.times.get("target_started", float("inf")) <= t
        and t < lane.times.get("exited", lane.times.get("target_ended", float("inf")))
    ]


def fork_with_threads(model: RunModel) -> list[Hazard]:
    """One hazard per parent that forked while its threads ran (or that made
    Python print the fork DeprecationWarning)."""
    lanes = model.worker_lanes()
    threads: dict[int, list[Lane]] = {}  # parent → its thread lanes, found once:
    for lane in lanes:  # per fork, a scan of every lane cost 1 024 lanes 60 ms
        if lane.kind == "thread":
            parent = lane.parent if lane.parent is not None else 0
            threads.setdefault(parent, []).append(lane)
    forks: dict[int, list[tuple[Lane, list[Lane]]]] = {}
    warned: dict[int, bool] = {}  # parent → Python printed the fork warning
    for lane in lanes:
        started = lane.times.get("start_called")
        if lane.kind != "process" or lane.start_method != "fork" or started is None:
            continue
        parent_id = lane.parent if lane.parent is not None else 0
        running = _running_threads(threads.get(parent_id, []), started)
        if parent_id not in warned:
            warned[parent_id] = FORK_WARNING in text_of(model.lanes[parent_id])
        if running or warned[parent_id]:
            forks.setdefault(parent_id, []).append((lane, running))
    return [_forked(model, model.lanes[pid], found) for pid, found in forks.items()]


def _forked(
    model: RunModel, parent: Lane, forks: list[tuple[Lane, list[Lane]]]
) -> Hazard:
    first, _ = forks[0]
    started = first.times["start_called"]
    threads = {t.worker_id: t for _, running in forks for t in running}
    evidence = [
        f"{parent.name} forked {lane.name} at {seconds(lane.times['start_called'])}"
        + (f" while {len(running)} thread(s) ran" if running else "")
        for lane, running in forks
    ]
    if FORK_WARNING in text_of(parent):
        evidence.append("Python printed: DeprecationWarning: " + FORK_WARNING)
    return Hazard(
        "fork_with_threads",
        "fork() while threads were running",
        f"{who(parent)} had threads running when it forked {first.name}. "
        "fork copies the whole memory but only the thread that called it. If "
        "another thread held a lock at that moment (inside print(), logging, "
        "memory allocation), the copy holds that lock forever and can hang.",
        "Start processes before you start threads, or use the 'spawn' or "
        "'forkserver' start method (set_start_method or get_context).",
        "contexts-and-start-methods",
        first.worker_id,
        started,
        (first.worker_id, *threads),
        tuple(evidence),
        first_site(model, first, "start_called"),
    )
