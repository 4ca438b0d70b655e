"""Hazards of waiting: join() never called, given up on, or blocked by a Queue."""

from __future__ import annotations

from core.hazards.hazard import (
    Hazard,
    code_end,
    events_about,
    seconds,
    site_of,
    whom,
)
from core.hazards.pools import EXECUTOR_WORKER, POOL_WORKER
from core.model.lanes import Lane
from core.model.outcomes import Outcome
from core.model.payloads import TargetReturned
from core.model.run_model import RunModel

ZOMBIE_S = 1.0
"""A process that ended this long before its parent's code did, and was never
joined, stayed a zombie (an ended process nobody collected) that long."""
COLLECTED_BY_THEIR_POOL = (POOL_WORKER, EXECUTOR_WORKER)
"""Targets of pool and executor workers: the pool collects its ended workers
itself (a Pool polls their exit codes), and the program has no join() of its
own to call: their end is not a zombie of the program's making."""
STUCK_EXITING_S = 1.0
"""A process whose target returned but which did not end for this long while
its parent waited in join(): normal shutdown takes milliseconds."""


def _timeouts(model: RunModel, lane: Lane) -> list[tuple[float, str]]:
    """(time, site) of each join(timeout) that returned with the lane alive."""
    return [
        (model.rel(e.t_ns), site_of(e.data))
        for e in events_about(model, lane, "join_returned")
        if getattr(e.data, "timed_out", False)
    ]


def _stuck_after_target(model: RunModel, lane: Lane) -> tuple[float, str] | None:
    """When the parent was found waiting on a lane whose target had returned
    but which could not exit (the Queue feeder flushing): (time, site)."""
    if not isinstance(lane.report, TargetReturned) or lane.kind != "process":
        return None
    returned = lane.times["target_ended"]
    ended = lane.times.get("exited", model.now())
    for timeout_at, site in _timeouts(model, lane):
        if returned <= timeout_at < ended:
            return timeout_at, site
    for event in events_about(model, lane, "join_called"):
        called = model.rel(event.t_ns)
        waited_from = max(called, returned)
        if ended - waited_from >= STUCK_EXITING_S:
            return waited_from + STUCK_EXITING_S, site_of(event.data)
    return None


def join_before_queue_read(model: RunModel) -> list[Hazard]:
    found = []
    for lane in model.worker_lanes():
        stuck = _stuck_after_target(model, lane)
        if stuck is None:
            continue
        at, site = stuck
        returned = lane.times["target_ended"]
        found.append(
            Hazard(
                "join_before_queue_read",
                "join() waited for a process that could not end",
                f"The function {lane.name} ran (its target) had returned, but the "
                "process did not end while its parent waited in join(). This "
                "happens when a child has put data on a Queue that nobody has "
                "read yet: before it can end, the child waits until its data is "
                "taken out, and the parent waits for the child. Neither can move "
                "on: a deadlock.",
                "Read the queue (get()) before you join() the process that fills it.",
                "joining-processes-that-use-queues",
                lane.worker_id,
                at,
                (lane.worker_id,),
                (
                    f"{lane.name}: target returned at {seconds(returned)}",
                    f"still not ended at {seconds(at)} while its parent waited",
                ),
                site,
            )
        )
    return found


def join_timed_out(model: RunModel) -> list[Hazard]:
    """join(timeout) that returned while the process still ran (the program
    may believe it finished). A stuck-at-exit lane is told by the hazard above."""
    found = []
    for lane in model.worker_lanes():
        timeouts = [
            (t, site)
            for t, site in _timeouts(model, lane)
            if not _checked(model, lane, t)
        ]
        if not timeouts or _stuck_after_target(model, lane) is not None:
            continue
        at, site = timeouts[0]
        found.append(
            Hazard(
                "join_timed_out",
                "join(timeout) returned, but the process was still running",
                f"join() with a timeout gives up after that many seconds. It "
                f"returned at {seconds(at)}, but {lane.name} had not finished: "
                "join() does not tell you which happened. Code that goes on as if "
                "the work were done reads results that are not there yet.",
                "After join(timeout), check is_alive() or exitcode (None means it "
                "still runs) before you use its results.",
                "multiprocessing.Process.join",
                lane.worker_id,
                at,
                (lane.worker_id,),
                (f"{lane.name}: join() gave up at {seconds(at)}, process alive",),
                site,
            )
        )
    return found


def _checked(model: RunModel, lane: Lane, after: float) -> bool:
    """The program asked is_alive() after the join gave up: it did not take
    the return of join() for the end (traced programs report is_alive)."""
    return any(
        model.rel(e.t_ns) >= after for e in events_about(model, lane, "is_alive")
    )


def never_joined(model: RunModel) -> list[Hazard]:
    """A process that ended long before its parent's code did, never joined:
    a zombie that long (plain Python joins only at the program's exit)."""
    found = []
    for lane in model.worker_lanes():
        if lane.kind != "process" or "joined" in lane.times:
            continue
        if lane.target in COLLECTED_BY_THEIR_POOL or _collected(model, lane):
            continue
        ended = lane.times.get("exited")
        parent = model.lanes.get(lane.parent if lane.parent is not None else 0)
        parent_done = None if parent is None else code_end(model, parent)
        if ended is None or parent_done is None or parent is None:
            continue
        if parent_done - ended < ZOMBIE_S:
            continue
        found.append(
            Hazard(
                "never_joined",
                "A process ended but was never joined",
                f"{lane.name} ended at {seconds(ended)}, but {whom(parent)} never "
                f"called join() on it and went on for {seconds(parent_done - ended)}."
                " Until its parent joins it, an ended process stays a 'zombie': "
                "the operating system keeps an entry for it, with its exit code "
                "unread. Many zombies can use up the system's process table.",
                "Call join() on every process you start once its work is needed "
                "(or done), and look at its exitcode.",
                "joining-zombie-processes",
                lane.worker_id,
                ended,
                (lane.worker_id, parent.worker_id),
                (
                    f"{lane.name} ended at {seconds(ended)}",
                    f"{parent.name}'s code ran on until {seconds(parent_done)}",
                ),
            )
        )
    return found


def _collected(model: RunModel, lane: Lane) -> bool:
    """The program read the exit status without join(): an is_alive() that
    answered False (it polls the process, which collects an ended one)."""
    return any(
        getattr(e.data, "answer", None) is False
        for e in events_about(model, lane, "is_alive")
    )


def never_started(model: RunModel) -> list[Hazard]:
    """A traced program created a Process and never called start() on it
    (scenarios stopped before a launch say so too, but that is the user's
    Stop, not the program: only programs are checked)."""
    if model.info.program_kind == "scenario" or not model.finished:
        return []
    lanes = [
        lane
        for lane in model.worker_lanes()
        if lane.kind == "process"
        and lane.outcome is Outcome.NOT_STARTED
        and "start_called" not in lane.times
    ]
    if not lanes:
        return []
    names = ", ".join(lane.name for lane in lanes)
    return [
        Hazard(
            "never_started",
            "A process was created but never started",
            f"The program made {len(lanes)} Process object(s) ({names}) but never "
            "called start() on them, so their code never ran. Creating a "
            "Process only prepares it; start() is what runs it.",
            "Call start() on every Process you create (and join() it later).",
            "multiprocessing.Process.start",
            lanes[0].worker_id,
            model.now(),
            tuple(lane.worker_id for lane in lanes),
            tuple(f"{lane.name}: never started" for lane in lanes),
        )
    ]
