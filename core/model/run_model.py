"""The run model: events folded into lanes of state segments. Pure, no I/O.

The window, the command-line summary and every exporter read this one model,
so a recording replayed through it renders exactly as the live run did.

The model knows nothing of scenarios: lanes are born from events. ``LANE_ADDED``
announces a lane (at any moment of a run: a worker may start workers of its
own), ``RUN_STARTED`` carries the run's metadata (``info``), and call events
name the lane that made the call. Worker lane: created → starting (start()
called; interpreter booting and unpickling) → running (target executing) →
exiting (target done; interpreter shutting down) → exited (ended, not joined)
→ joined. The main program's lane: running → joining (inside join()) → running
… → finished.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from core.model import payloads as p
from core.model.events import MAIN_ID, Event, EventKind
from core.model.lanes import (
    TERMINAL,
    Lane,
    Marker,
    OutputLine,
    Segment,
    State,
    TaskSpan,
)
from core.model.outcomes import Explanation, Outcome, SignalRecord, explain

OUTPUT_KEEP = 20_000  # per lane; the worker caps what it sends, this caps memory
UNANNOUNCED_LIMIT = 256
"""Lanes created for events whose lane was never announced; beyond this the
events are counted on the main lane (damaged headers cannot grow memory)."""

__all__ = [
    "TERMINAL",
    "Lane",
    "Marker",
    "OutputLine",
    "RunModel",
    "Segment",
    "State",
]


class RunModel:
    """Apply events with :meth:`apply`; read lanes, times and outcomes.

    ``preview``: what the run will announce (RUN_STARTED for its title and
    LANE_ADDED for its lanes), to show before the run starts: a lesson opens
    on its lanes. Nothing starts; the run announces them again.
    ``source``: the program's own description (a scenario as a dict), kept
    only so that a recording can reopen it in the editor.
    """

    def __init__(
        self, preview: Iterable[Event] = (), source: dict[str, Any] | None = None
    ) -> None:
        self.lanes: dict[int, Lane] = {MAIN_ID: Lane(MAIN_ID, "main program", "main")}
        self.source = source
        self.events: list[Event] = []
        self.t0_ns: int | None = None
        self.info = p.RunStarted()
        self.finished = False
        self.broken = False
        self.end: float | None = None
        self.main_finished: float | None = None
        self.last_t = 0.0
        self._next_seq: dict[int, int] = {}
        self._unannounced = 0
        for event in preview:
            if isinstance(event.data, p.LaneAdded):
                self._add_lane(event.lane, event.data)
            elif isinstance(event.data, p.RunStarted):
                self.info = event.data

    # -- time ----------------------------------------------------------------------

    def rel(self, t_ns: int) -> float:
        return 0.0 if self.t0_ns is None else (t_ns - self.t0_ns) / 1e9

    def now(self) -> float:
        """Seconds since the run began: live while running, the end once done."""
        if self.end is not None:
            return self.end
        if self.t0_ns is None:
            return 0.0
        return max(self.last_t, self.rel(time.monotonic_ns()))

    @property
    def started(self) -> bool:
        return self.t0_ns is not None

    # -- applying ------------------------------------------------------------------

    def apply(self, events: Iterable[Event]) -> set[int]:
        """Fold events in; return the ids of lanes that changed."""
        changed: set[int] = set()
        for event in events:
            lane = self._lane_for(event)
            if lane is None:
                continue
            self.events.append(event)
            if event.kind is EventKind.RUN_STARTED:
                self.t0_ns = event.t_ns
            t = self.rel(event.t_ns)
            if event.kind is not EventKind.SAMPLE:
                self.last_t = max(self.last_t, t)
            if event.seq >= 0:
                self._check_seq(event)
            handler = _HANDLERS.get(event.kind)
            if handler is not None:
                handler(self, lane, t, event.data)
            changed.add(lane.worker_id)
            caller = getattr(event.data, "caller", None)
            if caller is not None and caller in self.lanes:
                changed.add(caller)
        return changed

    def _lane_for(self, event: Event) -> Lane | None:
        lane = self.lanes.get(event.lane)
        if lane is not None:
            return lane
        if isinstance(event.data, p.LaneAdded):
            return self._add_lane(event.lane, event.data)
        if event.kind is EventKind.SAMPLE:
            return None  # a reading for a lane already gone from the model
        # Never silently dropped: the lane appears, and says why it looks bare.
        if self._unannounced >= UNANNOUNCED_LIMIT:
            if self._unannounced == UNANNOUNCED_LIMIT:
                self.main.problems.append(
                    "events for too many unannounced lanes: the rest are ignored"
                )
                self._unannounced += 1
            return None
        self._unannounced += 1
        lane = self._add_lane(event.lane, p.LaneAdded(name=f"lane {event.lane}"))
        lane.problems.append("events arrived for a lane that was never announced")
        return lane

    def _add_lane(self, lane_id: int, data: p.LaneAdded) -> Lane:
        lane = self.lanes.get(lane_id)
        if lane is None:
            lane = Lane(lane_id, data.name, data.kind)
            self.lanes[lane_id] = lane
        lane.name, lane.kind, lane.parent = data.name, data.kind, data.parent
        lane.group, lane.target, lane.daemon = data.group, data.target, data.daemon
        lane.args = dict(data.args)
        lane.start_method = data.start_method
        if lane.start_method == "default" and self.info.default_start_method:
            lane.start_method = self.info.default_start_method
        return lane

    def _check_seq(self, event: Event) -> None:
        """Each sender numbers its events 0, 1, 2…: a gap is lost events."""
        sender = self.lanes.get(event.sender, self.main)
        expected = self._next_seq.get(event.sender, 0)
        sender.events_received += 1
        if event.seq > expected:
            gap = event.seq - expected
            sender.missing += gap
            sender.problems.append(f"{gap} event(s) missing before #{event.seq}")
        elif event.seq < expected:
            sender.problems.append(f"event #{event.seq} arrived twice or out of order")
        self._next_seq[event.sender] = max(expected, event.seq + 1)

    # -- summaries -----------------------------------------------------------------

    def worker_lanes(self) -> list[Lane]:
        return [lane for wid, lane in sorted(self.lanes.items()) if wid != MAIN_ID]

    @property
    def main(self) -> Lane:
        return self.lanes[MAIN_ID]

    def close_incomplete(self) -> None:
        """End a run whose events stop before its end (a recording saved while
        it ran): the clock stops at the last event instead of running on."""
        if self.finished or not self.started:
            return
        text = "the recording ends here: it was saved while the run was going"
        self.main.notices.append(text)
        self.main.markers.append(Marker(self.last_t, "notice", "info", text))
        _finish(self, self.last_t)

    def all_final(self) -> bool:
        return all(lane.outcome is not None for lane in self.worker_lanes())

    def events_missing(self) -> int:
        return sum(lane.missing for lane in self.lanes.values())


# --- handlers: one per event kind ------------------------------------------------
# Each receives the typed record of its kind (core.model.payloads); _HANDLERS
# pairs them, and a test checks that the pairs agree with payloads.PAYLOADS.


def _caller(m: RunModel, caller: int) -> Lane:
    return m.lanes.get(caller, m.main)


def _run_started(m: RunModel, lane: Lane, t: float, d: p.RunStarted) -> None:
    m.info = d
    lane.pid = d.pid
    lane.enter(State.MAIN_RUNNING, t)


def _lane_added(m: RunModel, lane: Lane, t: float, d: p.LaneAdded) -> None:
    m._add_lane(lane.worker_id, d)  # again, for a lane shown before the run
    if m.started and not lane.segments:
        lane.enter(State.CREATED, t)


def _start_called(m: RunModel, lane: Lane, t: float, d: p.Call) -> None:
    lane.times["start_called"] = t
    lane.enter(State.STARTING, t)
    lane.markers.append(Marker(t, "start_called", "start()"))
    _caller(m, d.caller).markers.append(
        Marker(t, "start_called", f"start({lane.name})")
    )


def _start_returned(m: RunModel, lane: Lane, t: float, d: p.StartReturned) -> None:
    lane.times["start_returned"] = t
    if d.pid is not None:
        lane.pid = d.pid
    lane.start_method = d.start_method or lane.start_method
    detail = f"pid {lane.pid}" if lane.pid else ""
    lane.markers.append(Marker(t, "start_returned", "start() returned", detail))


def _start_failed(m: RunModel, lane: Lane, t: float, d: p.StartFailed) -> None:
    lane.outcome = Outcome.NOT_STARTED
    label = "never started" if d.never_called else "start() failed"
    lane.explanation = Explanation(Outcome.NOT_STARTED, label, d.error)
    if lane.segments:
        lane.segments[-1].end = t
    lane.markers.append(Marker(t, "start_failed", label, d.error))


def _booted(m: RunModel, lane: Lane, t: float, d: p.Booted) -> None:
    lane.times["booted"] = t
    lane.tid = d.tid
    if d.pid is not None:  # a thread's pid is its host's (the main program)
        lane.pid = d.pid
    lane.markers.append(Marker(t, "booted", "first line ran", f"ppid {d.ppid}"))


def _target_started(m: RunModel, lane: Lane, t: float, d: p.TargetStarted) -> None:
    lane.times["target_started"] = t
    lane.enter(State.RUNNING, t)


def _target_ended(
    m: RunModel,
    lane: Lane,
    t: float,
    d: p.TargetReturned | p.TargetRaised | p.TargetExited,
) -> None:
    lane.times["target_ended"] = t
    lane.report = d
    lane.enter(State.EXITING, t)


def _output(m: RunModel, lane: Lane, t: float, d: p.Output | p.FdOutput) -> None:
    stream = d.stream if isinstance(d, p.Output) else "fd"
    if len(lane.output) < OUTPUT_KEEP:
        lane.output.append(OutputLine(t, stream, d.text))
    else:
        lane.output_dropped += 1


def _output_dropped(m: RunModel, lane: Lane, t: float, d: p.Dropped) -> None:
    _count_dropped(lane, "worker", d.count)


def _fd_output_dropped(m: RunModel, lane: Lane, t: float, d: p.Dropped) -> None:
    _count_dropped(lane, "fd", d.count)


def _count_dropped(lane: Lane, source: str, count: int) -> None:
    """Add a sender's running count of dropped lines (reported repeatedly)."""
    before = lane.dropped_reported.get(source, 0)
    if count > before:
        lane.output_dropped += count - before
        lane.dropped_reported[source] = count


def _mark(m: RunModel, lane: Lane, t: float, d: p.Mark) -> None:
    lane.markers.append(Marker(t, "mark", d.label, repr(d.data)))


def _not_delivered(m: RunModel, lane: Lane, t: float, d: p.NotDelivered) -> None:
    if d.size is not None:
        text = (
            f"a {d.kind} event of {d.size} bytes exceeded the "
            f"{d.limit}-byte limit and was not sent"
        )
    else:
        text = f"a {d.kind} event could not be serialised: {d.error}"
    _problem(lane, t, "event not delivered", text)


def _damaged(m: RunModel, lane: Lane, t: float, d: p.Damaged) -> None:
    text = f"{d.size} bytes that are not a valid event were ignored ({d.error})"
    _problem(lane, t, "damaged event", text)


def _channel_broken(m: RunModel, lane: Lane, t: float, d: p.Error) -> None:
    _problem(lane, t, "pipe broken", f"its event pipe broke mid-message ({d.error})")


def _problem(lane: Lane, t: float, label: str, text: str) -> None:
    lane.problems.append(text)
    lane.markers.append(Marker(t, "problem", label, text))


def _stop_requested(m: RunModel, lane: Lane, t: float, d: p.StopRequested) -> None:
    lane.markers.append(Marker(t, "stop", "stop requested", d.reason))


def _signal_sent(m: RunModel, lane: Lane, t: float, d: p.SignalSent) -> None:
    lane.signals.append(SignalRecord(t, d.signal, d.action, d.by))
    target = "its process group" if d.group else "the process"
    detail = f"{d.action}: {d.signal} to {target}, by {d.by}"
    lane.markers.append(Marker(t, "signal", d.signal, detail))


def _exited(m: RunModel, lane: Lane, t: float, d: p.Exited) -> None:
    lane.times["exited"] = t
    lane.exitcode = d.exitcode
    lane.cleaned_up = d.cleaned_up
    lane.log_tail = d.log_tail
    lane.explanation = explain(
        lane.exitcode,
        is_thread=lane.kind == "thread",
        report=lane.report,
        start_method=lane.start_method,
        signals=lane.signals,
        still_running=d.still_running,
        abandoned=d.abandoned,
    )
    lane.outcome = lane.explanation.outcome
    lane.enter(State.EXITED, t)
    lane.markers.append(
        Marker(t, "exit", lane.explanation.label, lane.explanation.sentence)
    )
    if lane.cleaned_up:
        lane.notices.append(
            f"{lane.cleaned_up} leftover descendant process(es) "
            "were killed after it ended"
        )


def _join_called(m: RunModel, lane: Lane, t: float, d: p.JoinCalled) -> None:
    caller = _caller(m, d.caller)
    if caller is m.main:
        caller.enter(State.MAIN_JOINING, t, f"join({lane.name})")
    else:
        caller.markers.append(Marker(t, "join_called", f"join({lane.name})"))
    lane.markers.append(Marker(t, "join_called", "join()"))


def _join_returned(m: RunModel, lane: Lane, t: float, d: p.JoinReturned) -> None:
    caller = _caller(m, d.caller)
    if caller is m.main:
        caller.enter(State.MAIN_RUNNING, t)
    if d.timed_out:
        lane.markers.append(
            Marker(
                t,
                "join_timeout",
                "join() timed out",
                "join() returned but the worker still runs",
            )
        )
        return
    lane.times["joined"] = t
    lane.enter(State.JOINED, t)
    lane.markers.append(Marker(t, "join_returned", "joined"))


def _main_finished(m: RunModel, lane: Lane, t: float, d: p.MainFinished) -> None:
    m.main_finished = t
    lane.times["finished"] = t
    lane.enter(State.MAIN_FINISHED, t)
    lane.markers.append(Marker(t, "main_finished", "main program finished"))


def _notice(m: RunModel, lane: Lane, t: float, d: p.Notice) -> None:
    lane.notices.append(d.text)
    lane.markers.append(Marker(t, "notice", d.level, d.text))


def _sample(m: RunModel, lane: Lane, t: float, d: p.Sample) -> None:
    lane.samples.append((t, d.cpu, d.rss, d.threads, d.children))


def _task_started(m: RunModel, lane: Lane, t: float, d: p.TaskStarted) -> None:
    submitted = None if d.submitted_ns is None else m.rel(d.submitted_ns)
    lane.tasks.append(TaskSpan(d.task_id, d.label, t, None, "", d.detail, submitted))


def _task_ended(m: RunModel, lane: Lane, t: float, d: p.TaskEnded) -> None:
    for task in reversed(lane.tasks):  # the latest task of that id, usually last
        if task.task_id == d.task_id and task.end is None:
            task.end, task.outcome = t, d.outcome
            task.detail = d.detail or task.detail
            return
    lane.problems.append(f"task {d.task_id} ended but never started")


def _finish(m: RunModel, t: float) -> None:
    m.finished = True
    m.end = max(t, m.last_t)
    for lane in m.lanes.values():
        if lane.segments and lane.segments[-1].end is None:
            lane.segments[-1].end = m.end
        for task in lane.tasks:
            if task.end is None:  # its worker ended under it
                task.end, task.outcome = m.end, "cut"


def _run_finished(m: RunModel, lane: Lane, t: float, d: p.Empty) -> None:
    _finish(m, t)


def _conductor_lost(m: RunModel, lane: Lane, t: float, d: p.ConductorLost) -> None:
    m.broken = True
    text = f"the conductor (main program) died with exit code {d.exitcode}"
    lane.notices.append(text)
    lane.markers.append(Marker(t, "notice", "error", text))
    for worker in m.worker_lanes():
        if worker.outcome is not None:
            continue
        if "start_called" not in worker.times:  # it never existed as a process
            worker.outcome = Outcome.NOT_STARTED
            worker.explanation = Explanation(
                Outcome.NOT_STARTED, "never started", "never started: " + text
            )
            continue
        worker.outcome = Outcome.LOST
        worker.explanation = Explanation(
            Outcome.LOST, "lost", "exit status unavailable: " + text
        )
        worker.enter(State.EXITED, t)
    _finish(m, t)


K = EventKind
_HANDLERS: dict[EventKind, Any] = {
    K.RUN_STARTED: _run_started,
    K.LANE_ADDED: _lane_added,
    K.START_CALLED: _start_called,
    K.START_RETURNED: _start_returned,
    K.START_FAILED: _start_failed,
    K.BOOTED: _booted,
    K.TARGET_STARTED: _target_started,
    K.TARGET_RETURNED: _target_ended,
    K.TARGET_RAISED: _target_ended,
    K.TARGET_EXITED: _target_ended,
    K.OUTPUT: _output,
    K.OUTPUT_DROPPED: _output_dropped,
    K.FD_OUTPUT: _output,
    K.FD_OUTPUT_DROPPED: _fd_output_dropped,
    K.MARK: _mark,
    K.EVENT_UNSERIALIZABLE: _not_delivered,
    K.EVENT_TOO_LARGE: _not_delivered,
    K.EVENT_DAMAGED: _damaged,
    K.CHANNEL_BROKEN: _channel_broken,
    K.STOP_REQUESTED: _stop_requested,
    K.SIGNAL_SENT: _signal_sent,
    K.EXITED: _exited,
    K.JOIN_CALLED: _join_called,
    K.JOIN_RETURNED: _join_returned,
    K.MAIN_FINISHED: _main_finished,
    K.RUN_FINISHED: _run_finished,
    K.NOTICE: _notice,
    K.SAMPLE: _sample,
    K.CONDUCTOR_LOST: _conductor_lost,
    K.TASK_STARTED: _task_started,
    K.TASK_ENDED: _task_ended,
}
