"""Hazards of starting processes: no __main__ guard, slow starts, fork with threads."""

from __future__ import annotations

from core.hazards.hazard import (
    Hazard,
    events_about,
    first_site,
    seconds,
    text_of,
    who,
)
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
IMPORT_SHARE = 0.5
"""When a traced child timed its imports, they must account for this share
of its start, or the start was slow for another reason (a loaded machine)."""


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
            f"With the '{method}' start method (the way Python makes a new "
            "process), each new process first imports your main file again. "
            "Without the guard, that import runs the code that starts "
            "processes once more, inside the child. Python stops this with a "
            "RuntimeError, so the children die before doing any work.",
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


def _imports(model: RunModel, lane: Lane) -> dict[str, float] | None:
    """The slowest packages a traced child loaded while it booted (None: not
    measured)."""
    for event in events_about(model, lane, "booted"):
        imports = getattr(event.data, "imports", None)
        if isinstance(imports, dict):
            return imports
    return None


def _slow_start(model: RunModel, lane: Lane) -> float | None:
    """How long ``lane`` took from start() to its target, when that was slow
    because of what it imported (or, if that was not measured, slow at all).
    A child that imported little was slow for another reason (a busy
    machine): that is not start cost."""
    boot = boot_time(lane)
    if lane.start_method not in ("spawn", "forkserver") or boot is None:
        return None
    if boot < START_COST_S:
        return None
    imports = _imports(model, lane)
    if imports is not None and sum(imports.values()) < boot * IMPORT_SHARE:
        return None
    return boot


def _named(imports: dict[str, float]) -> str:
    """The imports worth naming, slowest first: those that took a tenth of
    the slowest one's time (not multiprocessing's own small ones)."""
    packages = {n: t for n, t in imports.items() if not n.startswith(("_", "("))}
    slowest = max(packages.values(), default=0.0)
    named = [
        f"{name} ({seconds(spent)})"
        for name, spent in sorted(packages.items(), key=lambda item: -item[1])
        if spent >= max(0.05, slowest / 10)
    ]
    return ", ".join(named[:4])


def start_cost(model: RunModel) -> list[Hazard]:
    slow = [
        (lane, boot)
        for lane in model.worker_lanes()
        if (boot := _slow_start(model, lane)) is not None
    ]
    if not slow:
        return []
    lane, boot = max(slow, key=lambda pair: pair[1])
    names = _named(_imports(model, lane) or {})
    named = f" What took longest in {lane.name} was importing {names}." if names else ""
    return [
        Hazard(
            "start_cost",
            "Processes were slow to start",
            f"{lane.name} needed {seconds(boot)} between start() and the first "
            "line of its target (the function it runs). With "
            f"'{lane.start_method}', every new process "
            "is a fresh Python: it imports your main file again, and everything "
            "that file imports at the top. That happens in every child, before "
            f"any work begins.{named}",
            "Move heavy imports into the functions that use them, or under "
            'if __name__ == "__main__":. Start a few processes once and give '
            "them many tasks (a Pool) instead of one new process per small task.",
            "contexts-and-start-methods",
            lane.worker_id,
            lane.times["start_called"],
            tuple(lane.worker_id for lane, _ in slow),
            tuple(f"{other.name}: {seconds(b)} to start" for other, b in slow)
            + ((f"{lane.name}'s slowest imports: {names}",) if names else ()),
            first_site(model, lane, "start_called"),
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


def _threads_named(model: RunModel, lane: Lane) -> list[str]:
    """The other threads a traced parent had running when it started ``lane``."""
    return [
        name
        for event in events_about(model, lane, "start_called")
        for name in getattr(event.data, "other_threads", ())
    ]


def fork_with_threads(model: RunModel) -> list[Hazard]:
    """One hazard per parent that forked while its threads ran (thread lanes,
    or the threads a traced program named at start(), or Python's fork
    DeprecationWarning in its output)."""
    lanes = model.worker_lanes()
    threads: dict[int, list[Lane]] = {}  # parent → its thread lanes, found once:
    for lane in lanes:  # per fork, a scan of every lane cost 1 024 lanes 60 ms
        if lane.kind == "thread":
            parent = lane.parent if lane.parent is not None else 0
            threads.setdefault(parent, []).append(lane)
    forks: dict[int, list[tuple[Lane, list[Lane], list[str]]]] = {}
    warned: dict[int, bool] = {}  # parent → Python printed the fork warning
    for lane in lanes:
        started = lane.times.get("start_called")
        if lane.kind != "process" or lane.start_method != "fork" or started is None:
            continue
        parent_id = lane.parent if lane.parent is not None else 0
        running = _running_threads(threads.get(parent_id, []), started)
        named = [t.name for t in running] or _threads_named(model, lane)
        if parent_id not in warned:
            warned[parent_id] = FORK_WARNING in text_of(model.lanes[parent_id])
        if named or warned[parent_id]:
            forks.setdefault(parent_id, []).append((lane, running, named))
    return [_forked(model, model.lanes[pid], found) for pid, found in forks.items()]


def _forked(
    model: RunModel, parent: Lane, forks: list[tuple[Lane, list[Lane], list[str]]]
) -> Hazard:
    first, _, _ = forks[0]
    started = first.times["start_called"]
    threads = {t.worker_id: t for _, running, _ in forks for t in running}
    evidence = [
        f"{parent.name} forked {lane.name} at {seconds(lane.times['start_called'])}"
        + (f" while {len(named)} thread(s) ran: {', '.join(named)}" if named else "")
        for lane, _, named in forks
    ]
    if FORK_WARNING in text_of(parent):
        evidence.append("Python printed: DeprecationWarning: " + FORK_WARNING)
    return Hazard(
        "fork_with_threads",
        "fork() while threads were running",
        f"{who(parent)} had other threads running when it started "
        f"{first.name} with 'fork'. fork copies the whole memory of the "
        "program, but only the thread that called it keeps running in the "
        "copy. If another thread held a lock at that moment (inside print(), "
        "logging, or while it used memory), the lock stays locked in the copy "
        "forever, and the child can hang.",
        "Start processes before you start threads, or use the 'spawn' or "
        "'forkserver' start method (set_start_method or get_context).",
        "contexts-and-start-methods",
        first.worker_id,
        started,
        (first.worker_id, *threads),
        tuple(evidence),
        first_site(model, first, "start_called"),
    )
