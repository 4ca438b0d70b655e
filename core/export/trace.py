"""Chrome Trace Event JSON for Perfetto and chrome://tracing.

Rules learned the hard way (DESIGN §5): ``ts``/``dur`` in microseconds,
small and run-relative; ``tid`` must fit 32 bits (native thread ids do); never
pid 0; ``M`` metadata without ``ts``; spans on one track must nest (ours are
consecutive states, so they never overlap). The recording itself rides along in
``otherData`` so that Procession can reopen the trace exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core import files
from core.export import recording
from core.model.run_model import Lane, RunModel, State

_US = 1_000_000


def _us(seconds: float) -> float:
    return round(max(seconds, 0.0) * _US, 3)


def _track(model: RunModel, lane: Lane) -> tuple[int, int] | None:
    """(pid, tid) of a lane: a thread lives inside its process (a traced
    program's thread says which; a scenario's live in the main program)."""
    if lane.kind == "thread":
        pid = lane.pid or model.main.pid
        if pid and lane.tid:
            return pid, lane.tid
        return None
    if lane.pid:
        return lane.pid, lane.pid
    return None


def chrome_trace(model: RunModel) -> dict[str, Any]:
    events: list[dict[str, Any]] = []
    end = model.end if model.end is not None else model.now()
    lanes = [model.main, *model.worker_lanes()]
    for order, lane in enumerate(lanes):
        track = _track(model, lane)
        if track is None:
            continue
        pid, tid = track
        label = lane.name if lane.kind != "main" else "main program"
        if lane.kind != "thread":
            events.append(
                {
                    "ph": "M",
                    "name": "process_name",
                    "pid": pid,
                    "tid": tid,
                    "args": {"name": f"{label} (pid {pid})"},
                }
            )
            events.append(
                {
                    "ph": "M",
                    "name": "process_sort_index",
                    "pid": pid,
                    "tid": tid,
                    "args": {"sort_index": order},
                }
            )
        events.append(
            {
                "ph": "M",
                "name": "thread_name",
                "pid": pid,
                "tid": tid,
                "args": {"name": label},
            }
        )
        events.append(
            {
                "ph": "M",
                "name": "thread_sort_index",
                "pid": pid,
                "tid": tid,
                "args": {"sort_index": order},
            }
        )
        events += _spans(lane, pid, tid, end)
        events += _instants(lane, pid, tid)
        events += _counters(lane, pid, tid)
    return {
        "displayTimeUnit": "ms",
        "traceEvents": events,
        "otherData": {
            "tool": "Procession",
            "title": model.info.title,
            "mode": model.info.mode,
            "start_method": model.info.start_method,
            "procession_recording": recording.to_data(model),
        },
    }


def _spans(lane: Lane, pid: int, tid: int, end: float) -> list[dict[str, Any]]:
    spans = []
    for segment in lane.segments:
        if segment.state is State.CREATED:
            continue  # before start() the OS has no process: nothing to show
        stop = segment.end if segment.end is not None else end
        name = segment.note or segment.state.value.replace("main_", "")
        args: dict[str, Any] = {"state": segment.state.value}
        if segment.state in (State.EXITED, State.JOINED) and lane.explanation:
            args.update(
                outcome=str(lane.outcome),
                exitcode=lane.exitcode,
                explanation=lane.explanation.sentence,
            )
        spans.append(
            {
                "ph": "X",
                "cat": "lifecycle",
                "name": name,
                "pid": pid,
                "tid": tid,
                "ts": _us(segment.start),
                "dur": _us(stop - segment.start),
                "args": args,
            }
        )
    return spans


def _instants(lane: Lane, pid: int, tid: int) -> list[dict[str, Any]]:
    instants = []
    for marker in lane.markers:
        args: dict[str, Any] = {"detail": marker.detail} if marker.detail else {}
        if marker.kind == "exit":
            args.update(exitcode=lane.exitcode, outcome=str(lane.outcome))
            if lane.error:
                args["traceback"] = lane.error.traceback
            if lane.log_tail:
                args["log_tail"] = lane.log_tail
        instants.append(
            {
                "ph": "i",
                "s": "t",
                "cat": marker.kind,
                "name": marker.label,
                "pid": pid,
                "tid": tid,
                "ts": _us(marker.t),
                "args": args,
            }
        )
    return instants


def _counters(lane: Lane, pid: int, tid: int) -> list[dict[str, Any]]:
    counters = []
    suffix = f" ({lane.name})" if lane.kind == "thread" else ""
    for t, cpu, rss, _threads, _children in lane.samples:
        if cpu is not None:
            counters.append(
                {
                    "ph": "C",
                    "name": "CPU %" + suffix,
                    "pid": pid,
                    "tid": tid,
                    "ts": _us(t),
                    "args": {"cpu": round(cpu, 1)},
                }
            )
        if lane.kind != "thread":
            counters.append(
                {
                    "ph": "C",
                    "name": "RSS MiB",
                    "pid": pid,
                    "tid": tid,
                    "ts": _us(t),
                    "args": {"rss": round(rss / 2**20, 2)},
                }
            )
    return counters


def save(model: RunModel, path: Path | str) -> None:
    files.write_json(path, chrome_trace(model))
