"""Hazards of how processes end: daemons cut off at exit, orphans left behind."""

from __future__ import annotations

from core.hazards.hazard import Hazard, events_about, first_site, seconds, who, whom
from core.model.lanes import Lane
from core.model.outcomes import SignalRecord
from core.model.run_model import RunModel


def _daemon_cleanup(record: SignalRecord) -> bool:
    """A signal multiprocessing sent at the main program's exit: a scenario
    says so in ``by``, a traced program in ``action``."""
    words = f"{record.action} {record.by}".replace("_", " ")
    return "daemon cleanup" in words


def daemon_ended_at_exit(model: RunModel) -> list[Hazard]:
    """A daemon process terminated (or a daemon thread abandoned) because the
    main program ended, not because its own code was done."""
    found = []
    for lane in model.worker_lanes():
        if lane.helper:  # a Queue's feeder thread: the library's, not the user's
            continue
        cleanup = next((s for s in lane.signals if _daemon_cleanup(s)), None)
        abandoned = any(
            getattr(e.data, "abandoned", "") == "daemon"
            for e in events_about(model, lane, "exited")
        )
        if cleanup is None and not abandoned:
            continue
        at = cleanup.t if cleanup else lane.times.get("exited", model.now())
        last = lane.output[-1].text if lane.output else ""
        evidence = [f"{lane.name}: a daemon, still running at {seconds(at)}"]
        if cleanup:
            evidence.append(f"{cleanup.signal} sent at {seconds(at)} by {cleanup.by}")
        evidence.append(
            f"the last line it printed: {last[:60]}" if last else "it printed nothing"
        )
        what = "thread" if lane.kind == "thread" else "process"
        found.append(
            Hazard(
                "daemon_ended_at_exit",
                f"Daemon {what} cut off when the program ended",
                f"{lane.name} is a daemon: a helper that never keeps the program "
                "alive. When the main program reached its end, Python stopped "
                f"this {what} while it was still working. Whatever it had not "
                "done yet (printing, saving, sending results) never happened.",
                "Call join() on it before the main program ends, or do not make "
                "it a daemon if its work must finish.",
                "multiprocessing.Process.daemon",
                lane.worker_id,
                at,
                (lane.worker_id,),
                tuple(evidence),
                first_site(model, lane, "start_called"),
            )
        )
    return found


def orphans(model: RunModel) -> list[Hazard]:
    """A child still running after the process that started it had ended: it
    is re-parented (to init or a subreaper) and nobody will join it."""
    found = []
    for lane in model.worker_lanes():
        parent = model.lanes.get(lane.parent) if lane.parent is not None else None
        if parent is not None and parent.kind in ("process", "main"):
            hazard = _outlived(model, lane, parent)
            if hazard is not None:
                found.append(hazard)
        if lane.cleaned_up and lane.kind == "process":
            found.append(_left_behind(lane))
    return found


def _outlived(model: RunModel, lane: Lane, parent: Lane) -> Hazard | None:
    """``lane`` ran on after ``parent`` ended (a traced main program's end is
    known too: it exits only after joining its non-daemon children, so a child
    still running then escaped, e.g. a subprocess in a session of its own)."""
    parent_end = parent.times.get("exited")
    ran = "booted" in lane.times or "start_returned" in lane.times
    if parent_end is None or not ran or lane.kind not in ("process", "untracked"):
        return None
    child_end = lane.times.get("exited")
    if child_end is not None and child_end <= parent_end:
        return None
    still = "still running" if child_end is None else f"ended at {seconds(child_end)}"
    return Hazard(
        "orphan",
        "A child outlived the process that started it",
        f"{who(parent)} ended while its child {lane.name} was still running. "
        "The child became an orphan: the operating system gave it a new parent, "
        "and nobody in the program can join it or read its exit code.",
        f"Make {whom(parent)} wait for its children (join() or wait()) before it ends.",
        "multiprocessing-programming",
        lane.worker_id,
        parent_end,
        (lane.worker_id, parent.worker_id),
        (f"{parent.name} ended at {seconds(parent_end)}", f"{lane.name} {still}"),
    )


def _left_behind(lane: Lane) -> Hazard:
    ended = lane.times.get("exited", 0.0)
    count = lane.cleaned_up
    return Hazard(
        "orphan",
        "Processes left running after their parent ended",
        f"{lane.name} started {count} process(es) of its own and ended without "
        "waiting for them. They became orphans: they ran on with nobody to join "
        "them, until Procession killed them after the run.",
        f"Make {lane.name} wait for every child it starts (join() or wait()) "
        "before it returns.",
        "multiprocessing-programming",
        lane.worker_id,
        ended,
        (lane.worker_id,),
        (
            f"{lane.name} ended at {seconds(ended)}",
            f"{count} of its descendants were still running, killed afterwards",
        ),
    )
