"""How each kind of event changes the run model: one handler per kind.

Each receives the lane the event is about, its run-relative time and the typed
record of its kind (core.model.payloads); ``HANDLERS`` pairs them, and a test
checks that every kind has one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.model import payloads as p
from core.model.events import EventKind
from core.model.lanes import Lane, Marker, OutputLine, State, TaskSpan
from core.model.outcomes import Explanation, Outcome, SignalRecord, explain

if TYPE_CHECKING:
    from core.model.run_model import RunModel

OUTPUT_KEEP = 20_000  # per lane; the worker caps what it sends, this caps memory


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


def _at(site: str) -> str:
    return f"at {site}" if site else ""


def _start_called(m: RunModel, lane: Lane, t: float, d: p.Call) -> None:
    lane.times["start_called"] = t
    lane.enter(State.STARTING, t)
    lane.markers.append(Marker(t, "start_called", "start()", _at(d.site), d.site))
    _caller(m, d.caller).markers.append(
        Marker(t, "start_called", f"start({lane.name})", _at(d.site), d.site)
    )


def _is_alive(m: RunModel, lane: Lane, t: float, d: p.IsAlive) -> None:
    label = f"is_alive() → {d.answer}"
    lane.markers.append(Marker(t, "is_alive", label, _at(d.site), d.site))


def _close_called(m: RunModel, lane: Lane, t: float, d: p.Call) -> None:
    lane.markers.append(Marker(t, "close_called", "close()", _at(d.site), d.site))


def _start_returned(m: RunModel, lane: Lane, t: float, d: p.StartReturned) -> None:
    lane.times["start_returned"] = t
    if d.pid is not None:
        lane.pid = d.pid
    lane.start_method = d.start_method or lane.start_method
    detail = f"pid {lane.pid}" if lane.pid else ""
    lane.markers.append(Marker(t, "start_returned", "start() returned", detail))
    if lane.state is State.CREATED or (  # a helper process: no start()
        lane.kind == "untracked" and lane.state is State.STARTING
    ):  # an untracked process runs its program: there is no target to wait for
        lane.enter(State.RUNNING, t)


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
    if d.pid is not None:  # a thread's pid is its process's
        lane.pid = d.pid
    detail = f"ppid {d.ppid}" if d.ppid is not None else f"thread id {d.tid}"
    if d.parent_pid is not None and d.parent_pid != d.ppid:
        detail += f" (its OS parent); started by pid {d.parent_pid}"
    lane.markers.append(Marker(t, "booted", "first line ran", detail))


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
    if lane.kind == "main":  # a traced script raised: its lane goes on to exit
        lane.markers.append(Marker(t, "main_raised", "raised", _report_text(d)))
        return
    lane.enter(State.EXITING, t)


def _report_text(d: p.TargetReturned | p.TargetRaised | p.TargetExited) -> str:
    if isinstance(d, p.TargetRaised):
        return f"{d.type}: {d.message}"
    return d.code if isinstance(d, p.TargetExited) else d.value


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
    by = f"{d.by} at {d.site}" if d.site else d.by
    lane.signals.append(SignalRecord(t, d.signal, d.action, by))
    target = "its process group" if d.group else "the process"
    detail = f"{d.action}: {d.signal} to {target}, by {by}"
    lane.markers.append(Marker(t, "signal", d.signal, detail, d.site))


def _exited(m: RunModel, lane: Lane, t: float, d: p.Exited) -> None:
    lane.times["exited"] = t
    lane.exitcode = d.exitcode
    lane.cleaned_up = d.cleaned_up
    lane.log_tail = d.log_tail
    lane.explanation = explain(
        lane.exitcode,
        is_thread=lane.kind == "thread",
        kind=lane.kind,
        report=lane.report,
        start_method=lane.start_method,
        signals=lane.signals,
        still_running=d.still_running,
        abandoned=d.abandoned,
    )
    lane.outcome = lane.explanation.outcome
    if d.ended_ns is not None and lane.segments:
        t = min(t, max(m.rel(d.ended_ns), lane.segments[-1].start))
        lane.times["exited"] = t
    lane.enter(State.EXITED, t)
    _cut_tasks(lane, t)
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
    if caller is m.main and caller.state is not State.MAIN_FINISHED:
        caller.enter(State.MAIN_JOINING, t, f"join({lane.name})")
    else:
        caller.markers.append(
            Marker(t, "join_called", f"join({lane.name})", site=d.site)
        )
    timeout = "" if d.timeout is None else f"timeout {d.timeout:g} s "
    lane.markers.append(
        Marker(t, "join_called", "join()", timeout + _at(d.site), d.site)
    )


def _join_returned(m: RunModel, lane: Lane, t: float, d: p.JoinReturned) -> None:
    caller = _caller(m, d.caller)
    if caller is m.main and caller.state is State.MAIN_JOINING:
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
    lane.tasks.append(
        TaskSpan(d.task_id, d.label, t, None, "", d.detail, submitted, d.site)
    )


def _task_ended(m: RunModel, lane: Lane, t: float, d: p.TaskEnded) -> None:
    for task in reversed(lane.tasks):  # the latest task of that id, usually last
        if task.task_id == d.task_id and task.end is None:
            task.end, task.outcome = t, d.outcome
            task.detail = _then(task.detail, d.detail)
            return
    if lane.tasks and lane.tasks[-1].task_id == d.task_id:
        # Said again: its result could not be sent after all (a pool worker
        # reports the end before pickling the result).
        lane.tasks[-1].outcome = d.outcome
        lane.tasks[-1].detail = _then(lane.tasks[-1].detail, d.detail)
        return
    lane.problems.append(f"task {d.task_id} ended but never started")


def _then(before: str, after: str) -> str:
    """A task's detail: what it was given, then how it ended."""
    return f"{before} → {after}" if before and after else before or after


def _cut_tasks(lane: Lane, t: float) -> None:
    """Tasks still running when their worker ended were cut off (a pool's
    terminate(), a kill, a crash): here, so a recording replays the same."""
    for task in lane.tasks:
        if task.end is None:
            task.end, task.outcome = max(t, task.start), "cut"


def finish(m: RunModel, t: float) -> None:
    m.finished = True
    m.end = max(t, m.last_t)
    for lane in m.lanes.values():
        if lane.segments and lane.segments[-1].end is None:
            lane.segments[-1].end = m.end
        _cut_tasks(lane, m.end)  # a worker whose end was never reported


def _run_finished(m: RunModel, lane: Lane, t: float, d: p.Empty) -> None:
    finish(m, t)


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
    finish(m, t)


K = EventKind
HANDLERS: dict[EventKind, Any] = {
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
    K.IS_ALIVE: _is_alive,
    K.CLOSE_CALLED: _close_called,
    K.MAIN_FINISHED: _main_finished,
    K.RUN_FINISHED: _run_finished,
    K.NOTICE: _notice,
    K.SAMPLE: _sample,
    K.CONDUCTOR_LOST: _conductor_lost,
    K.TASK_STARTED: _task_started,
    K.TASK_ENDED: _task_ended,
}
