"""The numbers a lesson is about, in words, for writing on the picture.

A lesson's point is usually one figure: "the main program finished after
7 ms", "the run took about 1 s", "the SIGTERM was ignored". The timeline
shows these as shapes, but a 7 ms span is a one-pixel sliver on a 1.5 s
axis and a grey "joined" bar reads as activity; so the view writes them as
text where they happen (issue 11, "the answer on the picture"). The wording
is decided here, without Qt, so the command line, the window and the
exports say the same thing.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass

from core.model import parallelism
from core.model.events import MAIN_ID
from core.model.lanes import Lane, Marker
from core.model.outcomes import Outcome
from core.model.run_model import RunModel

IGNORED_AFTER_S = 0.5
"""A process still running this long after a signal that should have ended
it did not obey it (lesson 5's stubborn; a handler that exits is faster)."""


@dataclass(frozen=True)
class Callout:
    """A short text pinned to a lane at a time."""

    lane: int
    t: float
    text: str
    kind: str
    """"main_done", "run_total" or "boot"."""


def duration(seconds: float) -> str:
    """1.06 s, 41 ms, 350 µs: the unit that keeps two or three digits."""
    if seconds >= 1.0:
        return f"{seconds:.2f} s"
    if seconds >= 0.001:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds * 1e6:.0f} µs"


def callouts(model: RunModel) -> list[Callout]:
    """The run's headline figures: main program done, total, boot times."""
    found: list[Callout] = []
    if model.main_finished is not None:
        found.append(
            Callout(
                MAIN_ID,
                model.main_finished,
                f"main program done: {duration(model.main_finished)}",
                "main_done",
            )
        )
    if model.finished and model.started:
        end = model.now()
        found.append(Callout(MAIN_ID, end, f"run took {duration(end)}", "run_total"))
    for lane in model.worker_lanes():
        boot = boot_time(lane)
        if boot is not None:
            started = lane.times["start_called"]
            found.append(
                Callout(lane.worker_id, started, f"boot {duration(boot)}", "boot")
            )
    return found


def boot_time(lane: Lane) -> float | None:
    """start() called → the target began: what a process costs before work."""
    if lane.kind != "process":
        return None
    begin, ready = lane.times.get("start_called"), lane.times.get("target_started")
    if begin is None or ready is None:
        return None
    return max(0.0, ready - begin)


def running_span(lane: Lane, now: float) -> tuple[float, float] | None:
    """When the target ran: from its start to its end, or, for a process
    terminated before its target ended, to its exit (where the ending badge
    is drawn: lesson 5's boot label once ran under it), or to now."""
    ready = lane.times.get("target_started")
    if ready is None:
        return None
    ends = [lane.times.get(k) for k in ("target_ended", "exited")]
    return ready, min((t for t in ends if t is not None), default=now)


def badge_text(lane: Lane) -> str:
    """The ending badge: what happened and the exit code that says so."""
    if lane.explanation is None:
        return ""
    label, code = lane.explanation.label, lane.exitcode
    if code is None or lane.outcome in (Outcome.LOST, Outcome.NOT_STARTED):
        return label
    if lane.outcome is Outcome.EXIT:
        return label  # "exit 3" already is the code
    shown = f"−{-code}" if code < 0 else str(code)
    joint = " " if lane.outcome is Outcome.OK else " · "
    return f"{label}{joint}exit {shown}"


def signal_ignored(lane: Lane, marker: Marker, now: float) -> bool:
    """True when the process outlived a signal it should have died of."""
    if marker.kind != "signal" or lane.kind != "process":
        return False
    if marker.label not in signal.Signals.__members__:
        return False
    ended = lane.times.get("exited")
    until = ended if ended is not None else now
    return until - marker.t >= IGNORED_AFTER_S


def measured_text(model: RunModel) -> str:
    """One line of what was measured, for the revealed answer."""
    parts = []
    if model.finished:
        parts.append(f"the run took {duration(model.now())}")
    if model.main_finished is not None:
        done = duration(model.main_finished)
        parts.append(f"the main program's code was done at {done}")
    groups = parallelism.by_group(model)
    if len(groups) > 1 and any(g.cpu_bound for g in groups):  # lesson 6's pairs
        parts.append(parallelism.summary(model))
    return "; ".join(parts)
