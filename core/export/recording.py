"""Recordings: a run saved as its scenario plus every event, reopened by replay.

A recording is JSON (never pickle): opening one runs nothing. Replaying the
events through a fresh :class:`RunModel` rebuilds exactly what was shown live.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core import files
from core.input_checks import InputError, Problem
from core.model.events import Event
from core.model.run_model import RunModel
from core.scenario.definition import Scenario

FORMAT = "procession-recording"
VERSION = 1
MAX_RECORDING_BYTES = 512 * 1024 * 1024


def to_data(model: RunModel) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "scenario": model.scenario.to_dict(),
        "events": [event.to_row() for event in model.events],
    }


def save(model: RunModel, path: Path | str) -> None:
    files.write_json(path, to_data(model))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def from_data(data: Any, source: str | None = None) -> RunModel:
    """Validate and replay; InputError says what is wrong."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError([Problem("format", "not a Procession recording")], source)
    if data.get("version") != VERSION:
        raise InputError(
            [Problem("version", f"unsupported version {data.get('version')!r}")], source
        )
    try:
        scenario = Scenario.from_dict(data.get("scenario"))
    except InputError as error:
        raise InputError(
            [Problem(f"scenario.{p.path}", p.message) for p in error.problems], source
        ) from None
    rows = data.get("events")
    if not isinstance(rows, list):
        raise InputError([Problem("events", "expected a list")], source)
    events = []
    for index, row in enumerate(rows):
        try:
            events.append(Event.from_row(row))
        except ValueError as error:
            raise InputError(
                [Problem(f"events[{index}]", str(error))], source
            ) from None
    model = RunModel(scenario)
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


def load(path: Path | str) -> RunModel:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_RECORDING_BYTES:
            raise InputError(
                [Problem("", "the file is too large for a recording")], str(path)
            )
        text = path.read_text(encoding="utf-8")
        data = json.loads(text, parse_constant=_reject_constant)
    except OSError as error:
        raise InputError(
            [Problem("", f"cannot read: {error.strerror}")], str(path)
        ) from None
    except UnicodeDecodeError:
        raise InputError([Problem("", "not UTF-8 text")], str(path)) from None
    except (ValueError, RecursionError) as error:
        raise InputError([Problem("", f"not valid JSON: {error}")], str(path)) from None
    if isinstance(data, dict) and "traceEvents" in data:  # a Chrome trace of ours
        data = data.get("otherData", {}).get("procession_recording")
    return from_data(data, str(path))
