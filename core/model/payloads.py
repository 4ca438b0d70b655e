"""One typed record per event kind: what each event carries.

Senders put plain dicts on the wire (a worker imports none of this); the app
turns each into the record of its kind with
:func:`core.model.payload_codec.payload_from_dict`, which checks every
field's type. The bytes come from processes that run user code, so a wrong
type is an error naming the field, never a crash further on or code run
(:mod:`core.model.decoding`). Readers use attributes mypy checks.

Fields absent from a dict take their defaults, and unknown fields are ignored,
so recordings written by older versions still load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.model.kinds import EventKind


@dataclass(frozen=True, slots=True)
class RunStarted:
    """The run's metadata: whatever describes the run travels here, so that
    recordings, traces, summaries and exports need nothing else."""

    pid: int | None = None
    title: str = ""
    description: str = ""
    takeaway: str = ""
    """The one line a lesson wants remembered (written on its slides)."""
    program_kind: str = "scenario"
    mode: str = ""
    start_method: str = ""
    default_start_method: str = ""
    join: bool = True
    cpu_count: int | None = None
    python: str = ""
    platform: str = ""
    path: str = ""
    """A traced program's script (program_kind "script")."""
    argv: list[str] = field(default_factory=list)
    """Its arguments, after the script's path."""


@dataclass(frozen=True, slots=True)
class LaneAdded:
    """A lane exists; its id is the event's lane."""

    name: str = ""
    kind: str = "process"  # process | thread | helper | untracked
    parent: int | None = None
    start_method: str = ""
    target: str = ""
    group: str = ""
    daemon: bool = False
    args: dict[str, Any] = field(default_factory=dict)
    helper: bool = False
    """A thread the library started for itself (a Queue's feeder, a Pool's
    handlers): shown muted, hidden with the helper lanes."""


@dataclass(frozen=True, slots=True)
class Call:
    """A call one lane made on another (start(), and anything without more
    to say); ``caller`` is the calling lane's id."""

    caller: int = 0
    site: str = ""
    """``file:line`` of the user's code that made the call ("" for calls a
    scenario or multiprocessing itself made)."""
    shares: list[str] = field(default_factory=list)
    """start(): the multiprocessing objects a traced Process was given (its
    args and kwargs, one level into lists, tuples and dicts, and its own
    attributes), by type name ("Queue", "Lock", "Connection")."""
    other_threads: list[str] = field(default_factory=list)
    """start(): the other threads running in the calling process (names)."""


@dataclass(frozen=True, slots=True)
class IsAlive:
    caller: int = 0
    site: str = ""
    answer: bool = False


@dataclass(frozen=True, slots=True)
class StartReturned:
    caller: int = 0
    pid: int | None = None
    ident: int | None = None
    start_method: str = ""


@dataclass(frozen=True, slots=True)
class StartFailed:
    caller: int = 0
    error: str = ""
    never_called: bool = False


@dataclass(frozen=True, slots=True)
class JoinCalled:
    caller: int = 0
    timeout: float | None = None
    site: str = ""


@dataclass(frozen=True, slots=True)
class JoinReturned:
    caller: int = 0
    timed_out: bool = False
    site: str = ""


@dataclass(frozen=True, slots=True)
class StopRequested:
    caller: int = 0
    reason: str = ""


@dataclass(frozen=True, slots=True)
class SignalSent:
    caller: int = 0
    signal: str = ""
    action: str = ""
    by: str = ""
    """Who, in words ("the main program (action at 0.5 s)")."""
    group: bool = False
    site: str = ""
    unfinished: int | None = None
    """A Pool's shutdown: how many of its tasks had no result yet (running or
    waiting); None when not a pool's or not known."""


@dataclass(frozen=True, slots=True)
class Exited:
    exitcode: int | None = None
    log_tail: str = ""
    cleaned_up: int = 0
    still_running: bool = False
    abandoned: str = ""
    ended_ns: int | None = None
    """When the process really ended, if known before its status was read
    (a traced process's connection closed): the lane ends there, not at the
    later moment its parent reaped it."""


@dataclass(frozen=True, slots=True)
class Error:
    """A channel that broke mid-message."""

    error: str = ""


@dataclass(frozen=True, slots=True)
class Notice:
    level: str = "info"
    text: str = ""


@dataclass(frozen=True, slots=True)
class MainFinished:
    joined: bool = True


@dataclass(frozen=True, slots=True)
class Empty:
    """Kinds whose time and lane say everything."""


@dataclass(frozen=True, slots=True)
class Booted:
    pid: int | None = None
    ppid: int | None = None
    tid: int | None = None
    pgid: int | None = None
    start_method: str = ""
    parent_pid: int | None = None
    """The logical parent (the process that called start()); ``ppid`` is the
    OS parent, which differs under forkserver (the server forks)."""
    imports: dict[str, float] | None = None
    """A spawn or forkserver child's slowest packages while it booted (its
    re-import of the main module): top-level name → seconds, the rest summed
    under "(others)". None: not measured (a fork child, a scenario, an older
    recording)."""


@dataclass(frozen=True, slots=True)
class TargetStarted:
    target: str = ""
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TargetReturned:
    value: str = ""


@dataclass(frozen=True, slots=True)
class TargetRaised:
    type: str = ""
    message: str = ""
    traceback: str = ""


@dataclass(frozen=True, slots=True)
class TargetExited:
    code: str = ""
    exitcode: int = 0


@dataclass(frozen=True, slots=True)
class Output:
    stream: str = "stdout"
    text: str = ""


@dataclass(frozen=True, slots=True)
class FdOutput:
    """A line the conductor read below Python (fd 1 and 2 of a process)."""

    text: str = ""


@dataclass(frozen=True, slots=True)
class Dropped:
    """A sender's running total of lines not kept."""

    count: int = 0


@dataclass(frozen=True, slots=True)
class Mark:
    label: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NotDelivered:
    """An event its sender could not serialise, or that was too large."""

    kind: str = ""
    error: str = ""
    size: int | None = None
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class Damaged:
    """Bytes that arrived but did not decode into a valid event."""

    error: str = ""
    size: int = 0


@dataclass(frozen=True, slots=True)
class Sample:
    cpu: float | None = None
    rss: int = 0
    threads: int = 0
    children: int = 0
    status: str = ""


@dataclass(frozen=True, slots=True)
class ConductorLost:
    exitcode: int | None = None


@dataclass(frozen=True, slots=True)
class TaskStarted:
    task_id: int = 0
    label: str = ""
    detail: str = ""
    submitted_ns: int | None = None
    site: str = ""
    """file:line of the user's code that submitted it (a traced program)."""


@dataclass(frozen=True, slots=True)
class TaskEnded:
    task_id: int = 0
    outcome: str = "ok"  # ok | error | cut
    detail: str = ""


Report = TargetReturned | TargetRaised | TargetExited
"""How a worker says its target ended."""

Payload = (
    RunStarted
    | LaneAdded
    | Call
    | IsAlive
    | StartReturned
    | StartFailed
    | JoinCalled
    | JoinReturned
    | StopRequested
    | SignalSent
    | Exited
    | Error
    | Notice
    | MainFinished
    | Empty
    | Booted
    | TargetStarted
    | TargetReturned
    | TargetRaised
    | TargetExited
    | Output
    | FdOutput
    | Dropped
    | Mark
    | NotDelivered
    | Damaged
    | Sample
    | ConductorLost
    | TaskStarted
    | TaskEnded
)

K = EventKind
PAYLOADS: dict[EventKind, type[Payload]] = {
    K.RUN_STARTED: RunStarted,
    K.LANE_ADDED: LaneAdded,
    K.START_CALLED: Call,
    K.START_RETURNED: StartReturned,
    K.START_FAILED: StartFailed,
    K.JOIN_CALLED: JoinCalled,
    K.JOIN_RETURNED: JoinReturned,
    K.IS_ALIVE: IsAlive,
    K.CLOSE_CALLED: Call,
    K.STOP_REQUESTED: StopRequested,
    K.SIGNAL_SENT: SignalSent,
    K.EXITED: Exited,
    K.CHANNEL_BROKEN: Error,
    K.NOTICE: Notice,
    K.MAIN_FINISHED: MainFinished,
    K.RUN_FINISHED: Empty,
    K.BOOTED: Booted,
    K.TARGET_STARTED: TargetStarted,
    K.TARGET_RETURNED: TargetReturned,
    K.TARGET_RAISED: TargetRaised,
    K.TARGET_EXITED: TargetExited,
    K.OUTPUT: Output,
    K.OUTPUT_DROPPED: Dropped,
    K.FD_OUTPUT: FdOutput,
    K.FD_OUTPUT_DROPPED: Dropped,
    K.MARK: Mark,
    K.EVENT_UNSERIALIZABLE: NotDelivered,
    K.EVENT_TOO_LARGE: NotDelivered,
    K.EVENT_DAMAGED: Damaged,
    K.SAMPLE: Sample,
    K.CONDUCTOR_LOST: ConductorLost,
    K.TASK_STARTED: TaskStarted,
    K.TASK_ENDED: TaskEnded,
}
"""The record of every kind (a test checks that none is missing)."""
