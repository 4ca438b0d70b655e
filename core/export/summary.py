"""The run summary: the model reduced to plain data (JSON) and to a text table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core import files
from core.hazards import detect
from core.hazards.report import as_data
from core.model.events import EventKind
from core.model.payload_codec import payload_to_dict
from core.model.payloads import TargetReturned
from core.model.run_model import Lane, RunModel

_TIMES = (
    "start_called",
    "booted",
    "target_started",
    "target_ended",
    "exited",
    "joined",
)


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def worker_summary(lane: Lane) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": lane.name,
        "kind": lane.kind,
        "parent": lane.parent,
        "helper": lane.helper or lane.kind == "helper",
        "daemon": lane.daemon,
        "start_method": lane.start_method,
        "pid": lane.pid,
        "outcome": str(lane.outcome) if lane.outcome else None,
        "exitcode": lane.exitcode,
        "explanation": lane.explanation.sentence if lane.explanation else None,
    }
    for key in _TIMES:
        data[key] = _r(lane.times.get(key))
    error = lane.error
    data["error"] = payload_to_dict(error) if error else None
    report = lane.report
    data["returned"] = report.value if isinstance(report, TargetReturned) else None
    data["output"] = [line.text for line in lane.output]
    data["output_dropped"] = lane.output_dropped
    data["cleaned_up"] = lane.cleaned_up
    data["problems"] = list(lane.problems)
    data["notices"] = list(lane.notices)  # "started with -I: …" among them
    data["tasks"] = [
        {
            "id": task.task_id,
            "label": task.label,
            "start": _r(task.start),
            "end": _r(task.end),
            "outcome": task.outcome,
        }
        for task in lane.tasks
    ]
    return data


def summary(model: RunModel) -> dict[str, Any]:
    """The summary JSON described in the README (times in seconds from start)."""
    received = sum(1 for e in model.events if e.kind is not EventKind.SAMPLE)
    return {
        "title": model.info.title,
        "mode": model.info.mode,
        "start_method": model.info.start_method,
        "wall_seconds": _r(model.end),
        "broken": model.broken,
        "main": {"pid": model.main.pid, "finished": _r(model.main_finished)},
        "program": {
            "kind": model.info.program_kind,
            "path": model.info.path,
            "argv": list(model.info.argv),
            "exit_status": model.main.exitcode,
        },
        "workers": [worker_summary(lane) for lane in model.worker_lanes()],
        "events": {"received": received, "missing": model.events_missing()},
        "hazards": [as_data(model, hazard) for hazard in detect(model)],
        "machine": {
            "cpu_count": model.info.cpu_count,
            "python": model.info.python,
            "platform": model.info.platform,
            "default_start_method": model.info.default_start_method,
        },
    }


def save(model: RunModel, path: Path | str) -> None:
    files.write_json(path, summary(model), indent=2)


def _t(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def table(model: RunModel) -> str:
    """A readable text table: one row per worker, then the explanations."""
    lanes = model.worker_lanes()
    # The library's own threads (a Queue's feeder, a Pool's handlers) are
    # listed, but marked: they are not the program's workers.
    names = {
        lane.worker_id: lane.name + (" (helper)" if lane.helper else "")
        for lane in lanes
    }
    width = max([len(name) for name in names.values()] + [12])
    header = (
        f"  {'worker':<{width}}  {'pid':>7}  {'outcome':<11} {'code':>5}  "
        f"{'start()':>7} {'running':>7} {'ended':>7} {'exited':>7} "
        f"{'joined':>7}"
    )
    lines = [header, "  " + "-" * (len(header) - 2)]
    for lane in lanes:
        t = lane.times
        code = "" if lane.exitcode is None else str(lane.exitcode)
        outcome = str(lane.outcome) if lane.outcome else "?"
        lines.append(
            f"  {names[lane.worker_id]:<{width}}  {lane.pid or '-':>7}  {outcome:<11} "
            f"{code:>5}  {_t(t.get('start_called')):>7} "
            f"{_t(t.get('target_started')):>7} {_t(t.get('target_ended')):>7} "
            f"{_t(t.get('exited')):>7} {_t(t.get('joined')):>7}"
        )
    main = model.main
    lines.append(
        f"  {'main program':<{width}}  {main.pid or '-':>7}  "
        f"{'finished':<11} {'':>5}  {'':>7} {'':>7} "
        f"{_t(model.main_finished):>7}"
    )
    lines.append("")
    for lane in lanes:
        if lane.explanation:
            lines.append(f"  {lane.name}: {lane.explanation.sentence}")
        for note in lane.notices + lane.problems:
            lines.append(f"  {lane.name}: note: {note}")
        if lane.output_dropped:
            lines.append(
                f"  {lane.name}: … {lane.output_dropped} output lines dropped "
                "(capture cap)"
            )
    for note in main.notices:
        lines.append(f"  main program: {note}")
    received = sum(1 for e in model.events if e.kind is not EventKind.SAMPLE)
    lines.append("")
    lines.append(
        f"  Run took {_t(model.end)} s; the main program finished at "
        f"{_t(model.main_finished)} s; {received} events received, "
        f"{model.events_missing()} missing."
    )
    return "\n".join(lines)
