"""Recordings: a run saved as every event (and its scenario), reopened by replay.

A recording is JSON (never pickle): opening one runs nothing. Replaying the
events through a fresh :class:`RunModel` rebuilds exactly what was shown live.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from core import files
from core.export import recording_checks
from core.input_checks import InputError, Problem, type_name
from core.lesson_programs import MAX_PROGRAM_BYTES
from core.model.events import MAIN_ID, SESSION_ID, WORKER_KINDS, Event, EventKind
from core.model.run_model import RunModel
from core.regular_files import open_regular
from core.scenario import lane_announcements
from core.scenario.rules import scenario_from_dict

FORMAT = "procession-recording"
VERSION = 2
"""2: rows ``[kind, lane, sender, seq, t_ns, data]`` and lanes announced by
LANE_ADDED events. 1 (before lanes were born from events): rows ``[kind,
worker_id, seq, t_ns, data]``, lanes taken from the scenario; migrated on open."""
MAX_RECORDING_BYTES = 512 * 1024 * 1024


def to_data(model: RunModel) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "events": [event.to_row() for event in model.events],
    }
    if model.source is not None:  # what the editor reopens
        data["scenario"] = model.source
    if model.code is not None:  # a traced script's text: shown, never run
        data["program_code"] = model.code
    return data


def save(model: RunModel, path: Path | str) -> None:
    files.write_json(path, to_data(model))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def from_data(data: Any, source: str | None = None, consume: bool = False) -> RunModel:
    """Validate and replay; InputError says what is wrong. ``consume``: empty
    ``data``'s list of events while reading it, so that a big recording's
    parsed rows make room for its events instead of living beside them."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError([Problem("format", "not a Procession recording")], source)
    version = data.get("version")
    if version not in (1, VERSION):
        raise InputError(
            [Problem("version", f"unsupported version {version!r}")], source
        )
    scenario = None
    if version == 1 or data.get("scenario") is not None:
        try:
            scenario = scenario_from_dict(data.get("scenario"))
        except InputError as error:
            raise InputError(
                [Problem(f"scenario.{p.path}", p.message) for p in error.problems],
                source,
            ) from None
    rows = data.get("events")
    if not isinstance(rows, list):
        raise InputError([Problem("events", "expected a list")], source)
    events = []
    for index, row in enumerate(rows):
        try:
            if version == 1:
                events += _from_version_1(row)
            else:
                events.append(Event.from_row(row))
            if consume:
                rows[index] = None
        except ValueError as error:
            raise InputError(
                [Problem(f"events[{index}]", str(error))], source
            ) from None
    problems = recording_checks.event_problems(events)
    if problems:
        raise InputError(problems, source)
    if version == 1 and scenario is not None:
        events = _announce_lanes(events, lane_announcements.preview(scenario))
    code = _program_code(data.get("program_code"), source)
    model = RunModel(source=None if scenario is None else scenario.to_dict())
    model.code = code
    try:
        model.apply(events)
    except Exception as error:  # any damage in the data, named, never a crash
        raise InputError(
            [
                Problem(
                    "events", f"inconsistent events ({type(error).__name__}: {error})"
                )
            ],
            source,
        ) from None
    model.close_incomplete()
    return model


def _program_code(code: Any, source: str | None) -> str | None:
    """A recorded script's text, checked like a program file the editor opens."""
    if code is None:
        return None
    if not isinstance(code, str):
        problem = f"expected text, got {type_name(code)}"
    elif not code.isascii() and not _utf8(code):
        problem = "not UTF-8 text (a lone surrogate)"
    elif len(code.encode("utf-8")) > MAX_PROGRAM_BYTES:
        problem = f"larger than {MAX_PROGRAM_BYTES // 1024} KiB"
    elif "\x00" in code:
        problem = "contains a NUL byte: not a program"
    else:
        return code
    raise InputError([Problem("program_code", problem)], source)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- version 1 ----------------------------------------------------------------------

_APP_KINDS = {"sample", "conductor_lost"}


def _from_version_1(row: Any) -> list[Event]:
    """A version-1 row as the event it is now: who sent it follows from its
    kind, and fd-level output, then a notice, has kinds of its own."""
    if not isinstance(row, list) or len(row) != 5:
        raise ValueError("an event must be a list of 5 items")
    kind, lane, seq, t_ns, data = row
    if not isinstance(data, dict):
        raise ValueError("event data must be an object")
    if kind == "notice" and data.get("level") == "output":
        kind, data = "fd_output", {"text": data.get("text", "")}
    elif kind == "notice" and data.get("level") == "output_dropped":
        kind, data = "fd_output_dropped", {"count": data.get("count", 0)}
    if kind in WORKER_KINDS:
        sender = lane
    elif kind in _APP_KINDS:
        sender, seq = SESSION_ID, -1
    else:
        sender = MAIN_ID
    return [Event.from_row([kind, lane, sender, seq, t_ns, data])]


def _announce_lanes(events: list[Event], lanes: list[Event]) -> list[Event]:
    """Version 1 had no LANE_ADDED: announce the scenario's lanes just after
    the run started, as the conductor does now."""
    for index, event in enumerate(events):
        if event.kind is EventKind.RUN_STARTED:
            at = [replace(lane, t_ns=event.t_ns) for lane in lanes]
            return events[: index + 1] + at + events[index + 1 :]
    return lanes + events


def load(path: Path | str) -> RunModel:
    path = Path(path)
    # InputError is a ValueError: raised inside the try below, it would be
    # reported as "not valid JSON: ..." around its own message.
    with open_regular(path, "a recording") as handle:
        try:
            raw = handle.read(MAX_RECORDING_BYTES + 1)
        except OSError as error:
            raise InputError(
                [Problem("", f"cannot read: {error.strerror}")], str(path)
            ) from None
    if len(raw) > MAX_RECORDING_BYTES:
        raise InputError(
            [Problem("", "the file is too large for a recording")], str(path)
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError([Problem("", "not UTF-8 text")], str(path)) from None
    del raw  # a big recording's bytes need not outlive their text (125 MB)
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise InputError([Problem("", f"not valid JSON: {error}")], str(path)) from None
    del text  # nor the text its data (while the events are built from them)
    if isinstance(data, dict) and "traceEvents" in data:  # a Chrome trace of ours
        data = recording_in_trace(data, str(path))
    return from_data(data, str(path), consume=True)


def recording_in_trace(data: dict[str, Any], source: str) -> Any:
    """The recording a trace of ours carries in ``otherData`` (issue 9, defect
    14: a list or a string there crashed the window at open)."""
    other = data.get("otherData")
    if not isinstance(other, dict):
        raise InputError(
            [Problem("otherData", f"expected a table, got {type_name(other)}")],
            source,
        )
    if not isinstance(other.get("procession_recording"), dict):
        raise InputError(
            [
                Problem(
                    "otherData.procession_recording",
                    "missing or not a table: this trace cannot be reopened "
                    "(only traces written by Procession can)",
                )
            ],
            source,
        )
    return other["procession_recording"]
