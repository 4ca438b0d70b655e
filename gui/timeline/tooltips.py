"""Words for what the timeline shows: lane labels and hover tooltips.

Tooltips are small HTML documents (Qt renders them as rich text); every value
comes straight from the model so that the words and the picture agree.
"""

from __future__ import annotations

from html import escape

from core.model.lanes import TaskSpan
from core.model.run_model import Lane, Marker, Segment, State
from gui.palette import STATE_STYLES


def sized(html: str, scale: float = 1.0) -> str:
    """A tooltip at the presentation scale, its short lines kept unbroken."""
    if not html:
        return ""
    lines = [
        line if len(line) > 90 else f"<nobr>{line}</nobr>"
        for line in html.split("<br>")
    ]
    pixels = round(13 * scale)
    return f'<div style="font-size:{pixels}px">' + "<br>".join(lines) + "</div>"


def identity(lane: Lane) -> str:
    """The lane's second label line: how to find it in ps/top."""
    if lane.kind == "thread":
        return "thread" if lane.tid is None else f"thread {lane.tid}"
    if lane.pid is None:
        return "no pid yet"
    return f"pid {lane.pid}"


_PROCESS_WORDS = {
    "helper": "helper process",
    "untracked": "process started without multiprocessing",
}


def _heading(lane: Lane) -> str:
    if lane.kind == "main":
        what = "the main program" + (f", pid {lane.pid}" if lane.pid else "")
    elif lane.kind == "thread":
        what = ("helper thread" if lane.helper else "thread") + (
            f" {lane.tid}" if lane.tid else ""
        )
        if lane.pid:
            what += f" inside pid {lane.pid}"
        if lane.daemon:
            what += ", daemon"
    else:
        what = _PROCESS_WORDS.get(lane.kind, "process")
        what += f", pid {lane.pid}" if lane.pid else ", no pid yet"
        if lane.start_method:
            what += f", {lane.start_method}"
        if lane.daemon:
            what += ", daemon"
    return f"<b>{escape(lane.name)}</b> ({escape(what)})"


def _seconds(t: float) -> str:
    return f"{t:.3f} s"


STATE_WORDS = {
    State.CREATED: "created, start() not called yet",
    State.STARTING: "starting (the OS creates it, Python boots)",
    State.RUNNING: "running the target",
    State.EXITING: "exiting (the interpreter shuts down)",
    State.EXITED: "exited, not joined yet",
    State.JOINED: "joined",
    State.MAIN_RUNNING: "running its own code",
    State.MAIN_JOINING: "waiting in join()",
    State.MAIN_FINISHED: "finished its code",
}


def _state_words(segment: Segment) -> str:
    words = STATE_WORDS.get(segment.state) or STATE_STYLES[segment.state].label
    if segment.note:
        words = f"{words}: {segment.note}"
    return words


def segment_tooltip(lane: Lane, segment: Segment, now: float) -> str:
    end = segment.end
    if end is None:
        span = f"since {_seconds(segment.start)} (now {_seconds(now)})"
        duration = now - segment.start
    else:
        span = f"from {_seconds(segment.start)} to {_seconds(end)}"
        duration = end - segment.start
    lines = [
        _heading(lane),
        f"{escape(_state_words(segment))} {span}, {duration:.3f} s",
    ]
    if segment.state is State.RUNNING:
        cpu = cpu_between(lane, segment.start, end if end is not None else now)
        if cpu is not None:
            lines.append(f"CPU {cpu:.0f} % on average while running")
    if lane.explanation is not None:
        lines.append(f"ended: {escape(lane.explanation.sentence)}")
    return "<br>".join(lines)


def outcome_tooltip(lane: Lane) -> str:
    explanation = lane.explanation
    if explanation is None:
        return _heading(lane)
    lines = [
        _heading(lane),
        f"<b>{escape(explanation.label)}</b>: {escape(explanation.sentence)}",
    ]
    if lane.exitcode is not None:
        lines.append(f"exit code {lane.exitcode}")
    elif lane.kind == "thread":
        lines.append("threads have no exit code")
    return "<br>".join(lines)


def marker_tooltip(lane: Lane, marker: Marker) -> str:
    text = f"<b>{escape(marker.label)}</b> at {_seconds(marker.t)}"
    if marker.detail:
        text += f" — {escape(marker.detail)}"
    return f"{_heading(lane)}<br>{text}"


TASK_OUTCOMES = {
    "": "still running",
    "ok": "finished",
    "error": "raised an error",
    "cut": "cut off: its worker ended before it finished",
}


def task_tooltip(lane: Lane, span: TaskSpan, now: float) -> str:
    if span.end is None:
        times = f"since {_seconds(span.start)} ({now - span.start:.3f} s so far)"
    else:
        times = (
            f"from {_seconds(span.start)} to {_seconds(span.end)}, "
            f"{span.end - span.start:.3f} s"
        )
    outcome = TASK_OUTCOMES.get(span.outcome, span.outcome)
    lines = [
        _heading(lane),
        f"task <b>{escape(span.label)}</b> #{span.task_id}: {escape(outcome)}",
        times,
    ]
    if span.submitted is not None:
        lines.append(
            f"submitted at {_seconds(span.submitted)}, "
            f"waited {span.start - span.submitted:.3f} s"
            + (f" (submitted by {escape(span.site)})" if span.site else "")
        )
    if span.detail:  # sent by the worker: any length, so cut it short
        detail = span.detail if len(span.detail) <= 400 else span.detail[:400] + "…"
        lines.append(escape(detail))
    return "<br>".join(lines)


def cpu_between(lane: Lane, start: float, end: float) -> float | None:
    """Mean sampled CPU % of the samples taken in [start, end]."""
    values = [
        float(s[1]) for s in lane.samples if s[1] is not None and start <= s[0] <= end
    ]
    return sum(values) / len(values) if values else None


def segment_at(lane: Lane, t: float) -> Segment | None:
    for segment in reversed(lane.segments):
        if segment.start <= t and (segment.end is None or t <= segment.end):
            return segment
    return None
