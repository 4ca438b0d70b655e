"""The run model's vocabulary: lane states, segments, markers and lanes.

Plain data, filled in by :mod:`core.model.run_model` (which folds events into it)
and read by the window, the command-line summary and the exporters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from core.model.outcomes import Explanation, Outcome, SignalRecord
from core.model.payloads import Report, TargetExited, TargetRaised, TargetReturned


class State(StrEnum):
    """What a lane is doing during a segment."""

    CREATED = "created"
    """The worker exists; start() has not been called yet."""
    STARTING = "starting"
    """start() was called: the OS creates the process, the interpreter boots,
    the target is unpickled (spawn and forkserver re-import the main module)."""
    RUNNING = "running"
    """The target function is executing."""
    EXITING = "exiting"
    """The target is done; the interpreter is shutting down (flushing, joining
    its own children, running atexit hooks)."""
    EXITED = "exited"
    """The OS reported the end; the main program has not joined it (yet)."""
    JOINED = "joined"
    """The main program's join() returned for it."""
    MAIN_RUNNING = "main_running"
    """The main program is executing its own code (start() calls, sleeps)."""
    MAIN_JOINING = "main_joining"
    """The main program is blocked in join()."""
    MAIN_FINISHED = "main_finished"
    """The main program's code is done (the interpreter may still wait for
    non-daemon children at exit)."""


TERMINAL = {State.EXITED, State.JOINED}


@dataclass
class Segment:
    state: State
    start: float
    end: float | None = None
    note: str = ""


@dataclass
class Marker:
    t: float
    kind: str
    label: str
    detail: str = ""
    site: str = ""
    """``file:line`` of the user's code that caused it (traced programs)."""


@dataclass(slots=True)  # a recording may hold a million: no __dict__ each
class OutputLine:
    t: float
    stream: str
    text: str


@dataclass
class TaskSpan:
    """One task a lane ran (a pool or executor task, or a chunk of them).

    A lane holds many tasks beside its state segments; ``end`` is None while
    the task runs. ``outcome``: "" while running, "ok", "error" (it raised) or
    "cut" (cut off when its worker ended, e.g. a pool terminated under it).
    """

    task_id: int
    label: str
    start: float
    end: float | None = None
    outcome: str = ""
    detail: str = ""
    """What a person hovering over it reads: arguments, result or error."""
    submitted: float | None = None
    site: str = ""
    """file:line of the user's code that submitted it, if known."""


@dataclass
class Lane:
    worker_id: int
    name: str
    kind: str  # "main", "process", "thread", "helper" or "untracked"
    group: str = ""
    target: str = ""
    start_method: str = ""
    daemon: bool = False
    helper: bool = False
    """A library's own thread (kind "thread"): muted like helper lanes."""
    args: dict[str, Any] = field(default_factory=dict)
    pid: int | None = None
    tid: int | None = None
    parent: int | None = None
    """The lane that created (and starts, joins) this one; None for the main
    program. Lanes form a tree: a worker can start workers of its own."""
    tasks: list[TaskSpan] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    times: dict[str, float] = field(default_factory=dict)
    outcome: Outcome | None = None
    exitcode: int | None = None
    explanation: Explanation | None = None
    report: Report | None = None
    """The worker's own last word on its target: returned, raised or exited."""
    signals: list[SignalRecord] = field(default_factory=list)
    output: list[OutputLine] = field(default_factory=list)
    output_dropped: int = 0
    dropped_reported: dict[str, int] = field(default_factory=dict)
    """The latest running count of dropped lines per sender ("worker" for
    Python-level output, "fd" for what the conductor read below Python), so
    that output_dropped is their sum."""
    log_tail: str = ""
    cleaned_up: int = 0
    notices: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    events_received: int = 0
    missing: int = 0
    next_seq: int = 0
    samples: list[tuple[float, float | None, int, int, int]] = field(
        default_factory=list
    )
    """(t, cpu %, rss bytes, threads, children) from psutil."""
    cpu_memo: tuple[float, float, int, float] = field(
        default=(0.0, 0.0, -1, 0.0), repr=False, compare=False
    )
    """core.model.parallelism's last CPU integral: (begin, end, samples, CPU
    seconds), so that live hazard checks do not integrate every sample again."""

    @property
    def state(self) -> State | None:
        return self.segments[-1].state if self.segments else None

    @property
    def alive(self) -> bool:
        """Started and not ended, as far as the events tell."""
        return self.outcome is None and "start_called" in self.times

    @property
    def error(self) -> TargetRaised | None:
        return self.report if isinstance(self.report, TargetRaised) else None

    @property
    def report_kind(self) -> str | None:
        """Which report it was, as its event kind ("target_raised", …)."""
        return None if self.report is None else _REPORT_KINDS[type(self.report)]

    def enter(self, state: State, t: float, note: str = "") -> None:
        if self.segments:
            last = self.segments[-1]
            if last.state == state and last.note == note:
                return
            last.end = t
        self.segments.append(Segment(state, t, None, note))


_REPORT_KINDS = {
    TargetReturned: "target_returned",
    TargetRaised: "target_raised",
    TargetExited: "target_exited",
}
