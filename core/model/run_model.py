"""The run model: events folded into lanes of state segments. Pure, no I/O.

The window, the command-line summary and every exporter read this one model,
so a recording replayed through it renders exactly as the live run did.

Worker lane: created → starting (start() called; interpreter booting and
unpickling) → running (target executing) → exiting (target done; interpreter
shutting down) → exited (ended, not joined) → joined. The main program's lane:
running → joining (inside join()) → running … → finished.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from core.model.events import MAIN_ID, WORKER_KINDS, Event, EventKind
from core.model.lanes import TERMINAL, Lane, Marker, OutputLine, Segment, State
from core.model.outcomes import Explanation, Outcome, SignalRecord, explain
from core.scenario.definition import Scenario

OUTPUT_KEEP = 20_000  # per lane; the worker caps what it sends, this caps memory

__all__ = ["TERMINAL", "Lane", "Marker", "OutputLine", "RunModel", "Segment", "State"]


class RunModel:
    """Apply events with :meth:`apply`; read lanes, times and outcomes."""

    def __init__(self, scenario: Scenario | None = None) -> None:
        self.scenario = scenario or Scenario()
        self.lanes: dict[int, Lane] = {MAIN_ID: Lane(MAIN_ID, "main program", "main")}
        for spec in self.scenario.instances():
            self.lanes[spec.worker_id] = Lane(
                spec.worker_id,
                spec.name,
                spec.mode,
                spec.group,
                spec.target,
                spec.start_method if spec.mode == "process" else "thread",
                spec.daemon,
                dict(spec.args),
            )
        self.events: list[Event] = []
        self.t0_ns: int | None = None
        self.info: dict[str, Any] = {}
        self.finished = False
        self.broken = False
        self.end: float | None = None
        self.main_finished: float | None = None
        self.last_t = 0.0

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
            lane = self.lanes.get(event.worker_id)
            if lane is None:
                continue  # an event for a lane this scenario does not have
            self.events.append(event)
            if event.kind is EventKind.RUN_STARTED:
                self.t0_ns = event.t_ns
            t = self.rel(event.t_ns)
            if event.kind is not EventKind.SAMPLE:
                self.last_t = max(self.last_t, t)
            if event.kind in WORKER_KINDS:
                self._check_seq(lane, event)
            handler = _HANDLERS.get(event.kind)
            if handler is not None:
                handler(self, lane, t, event.data)
            changed.add(lane.worker_id)
            if event.kind in (
                EventKind.JOIN_CALLED,
                EventKind.JOIN_RETURNED,
                EventKind.START_CALLED,
            ):
                changed.add(MAIN_ID)
        return changed

    def _check_seq(self, lane: Lane, event: Event) -> None:
        lane.events_received += 1
        if event.seq > lane.next_seq:
            gap = event.seq - lane.next_seq
            lane.missing += gap
            lane.problems.append(f"{gap} event(s) missing before #{event.seq}")
        elif event.seq < lane.next_seq:
            lane.problems.append(f"event #{event.seq} arrived twice or out of order")
        lane.next_seq = max(lane.next_seq, event.seq + 1)

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


def _run_started(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    m.info = dict(d)
    lane.pid = d.get("pid")
    lane.enter(State.MAIN_RUNNING, t)
    for worker in m.worker_lanes():
        worker.enter(State.CREATED, t)
        if worker.start_method == "default":
            worker.start_method = str(d.get("default_start_method", "default"))


def _start_called(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    lane.times["start_called"] = t
    lane.enter(State.STARTING, t)
    lane.markers.append(Marker(t, "start_called", "start()"))
    m.main.markers.append(Marker(t, "start_called", f"start({lane.name})"))


def _start_returned(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    lane.times["start_returned"] = t
    if "pid" in d:
        lane.pid = d["pid"]
    lane.start_method = str(d.get("start_method", lane.start_method))
    lane.markers.append(
        Marker(
            t,
            "start_returned",
            "start() returned",
            f"pid {lane.pid}" if lane.pid else "",
        )
    )


def _start_failed(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    error = str(d.get("error", ""))
    lane.outcome = Outcome.NOT_STARTED
    label = "never started" if d.get("never_called") else "start() failed"
    lane.explanation = Explanation(Outcome.NOT_STARTED, label, error)
    if lane.segments:
        lane.segments[-1].end = t
    lane.markers.append(Marker(t, "start_failed", label, error))


def _booted(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    lane.times["booted"] = t
    lane.tid = d.get("tid")
    lane.pid = d.get("pid", lane.pid)  # a thread's pid is its host's (the main program)
    lane.markers.append(Marker(t, "booted", "first line ran", f"ppid {d.get('ppid')}"))


def _target_started(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    lane.times["target_started"] = t
    lane.enter(State.RUNNING, t)


def _target_ended(kind: str):  # type: ignore[no-untyped-def]
    def handler(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
        lane.times["target_ended"] = t
        lane.report_kind = kind
        lane.report = dict(d)
        lane.enter(State.EXITING, t)

    return handler


def _output(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    if len(lane.output) < OUTPUT_KEEP:
        lane.output.append(OutputLine(t, str(d.get("stream")), str(d.get("text"))))
    else:
        lane.output_dropped += 1


def _output_dropped(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    _count_dropped(lane, "worker", int(d.get("count", 0)))


def _count_dropped(lane: Lane, source: str, count: int) -> None:
    """Add a sender's running count of dropped lines (reported repeatedly)."""
    before = lane.dropped_reported.get(source, 0)
    if count > before:
        lane.output_dropped += count - before
        lane.dropped_reported[source] = count


def _mark(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    lane.markers.append(Marker(t, "mark", str(d.get("label")), repr(d.get("data"))))


def _lost_event(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    if "size" in d:
        text = (
            f"a {d.get('kind')} event of {d['size']} bytes exceeded the "
            f"{d.get('limit')}-byte limit and was not sent"
        )
    else:
        text = f"a {d.get('kind')} event could not be serialised: {d.get('error')}"
    lane.problems.append(text)
    lane.markers.append(Marker(t, "problem", "event not delivered", text))


def _channel_broken(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    text = f"its event pipe broke mid-message ({d.get('error')})"
    lane.problems.append(text)
    lane.markers.append(Marker(t, "problem", "pipe broken", text))


def _stop_requested(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    lane.markers.append(Marker(t, "stop", "stop requested", str(d.get("reason"))))


def _signal_sent(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    name = str(d.get("signal"))
    by = str(d.get("by"))
    lane.signals.append(SignalRecord(t, name, str(d.get("action")), by))
    target = "its process group" if d.get("group") else "the process"
    lane.markers.append(
        Marker(t, "signal", name, f"{d.get('action')}: {name} to {target}, by {by}")
    )


def _exited(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    lane.times["exited"] = t
    lane.exitcode = d.get("exitcode")
    lane.cleaned_up = int(d.get("cleaned_up", 0))
    lane.log_tail = str(d.get("log_tail", ""))
    lane.explanation = explain(
        lane.exitcode,
        is_thread=lane.kind == "thread",
        report=lane.report,
        report_kind=lane.report_kind,
        start_method=lane.start_method,
        signals=lane.signals,
        still_running=bool(d.get("still_running")),
        abandoned=str(d.get("abandoned", "")),
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


def _join_called(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    m.main.enter(State.MAIN_JOINING, t, f"join({lane.name})")
    lane.markers.append(Marker(t, "join_called", "join()"))


def _join_returned(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    m.main.enter(State.MAIN_RUNNING, t)
    if d.get("timed_out"):
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


def _main_finished(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    m.main_finished = t
    lane.times["finished"] = t
    lane.enter(State.MAIN_FINISHED, t)
    lane.markers.append(Marker(t, "main_finished", "main program finished"))


def _notice(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    if d.get("level") == "output":  # fd-level output the conductor read
        _output(m, lane, t, {"stream": "fd", "text": d.get("text", "")})
        return
    if d.get("level") == "output_dropped":  # fd-level lines beyond the cap
        _count_dropped(lane, "fd", int(d.get("count", 0)))
        return
    lane.notices.append(str(d.get("text")))
    lane.markers.append(Marker(t, "notice", str(d.get("level")), str(d.get("text"))))


def _sample(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    lane.samples.append(
        (
            t,
            d.get("cpu"),
            int(d.get("rss") or 0),
            int(d.get("threads") or 0),
            int(d.get("children") or 0),
        )
    )


def _finish(m: RunModel, t: float) -> None:
    m.finished = True
    m.end = max(t, m.last_t)
    for lane in m.lanes.values():
        if lane.segments and lane.segments[-1].end is None:
            lane.segments[-1].end = m.end


def _run_finished(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    _finish(m, t)


def _conductor_lost(m: RunModel, lane: Lane, t: float, d: dict[str, Any]) -> None:
    m.broken = True
    text = f"the conductor (main program) died with exit code {d.get('exitcode')}"
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


_HANDLERS = {
    EventKind.RUN_STARTED: _run_started,
    EventKind.START_CALLED: _start_called,
    EventKind.START_RETURNED: _start_returned,
    EventKind.START_FAILED: _start_failed,
    EventKind.BOOTED: _booted,
    EventKind.TARGET_STARTED: _target_started,
    EventKind.TARGET_RETURNED: _target_ended("target_returned"),
    EventKind.TARGET_RAISED: _target_ended("target_raised"),
    EventKind.TARGET_EXITED: _target_ended("target_exited"),
    EventKind.OUTPUT: _output,
    EventKind.OUTPUT_DROPPED: _output_dropped,
    EventKind.MARK: _mark,
    EventKind.EVENT_UNSERIALIZABLE: _lost_event,
    EventKind.EVENT_TOO_LARGE: _lost_event,
    EventKind.CHANNEL_BROKEN: _channel_broken,
    EventKind.STOP_REQUESTED: _stop_requested,
    EventKind.SIGNAL_SENT: _signal_sent,
    EventKind.EXITED: _exited,
    EventKind.JOIN_CALLED: _join_called,
    EventKind.JOIN_RETURNED: _join_returned,
    EventKind.MAIN_FINISHED: _main_finished,
    EventKind.RUN_FINISHED: _run_finished,
    EventKind.NOTICE: _notice,
    EventKind.SAMPLE: _sample,
    EventKind.CONDUCTOR_LOST: _conductor_lost,
}
