"""Issue 9, defects 14 and 15: damaged recordings and traces are refused with a
message naming the file and the field, like scenarios; nothing crashes.

Before the fix a trace whose ``otherData`` was a list or a string crashed the
window at open (AttributeError), and an exit code of 10**30, a pid that is not
a number or times in reverse order were accepted and shown as 0.000.

Each case starts from a real recording of a real run, saved by Procession,
then damaged in one place.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.export import recording, trace
from core.input_checks import InputError
from gui.export.file_commands import open_any
from tests.helpers import run

T_NS = 4  # rows are [kind, lane, sender, seq, t_ns, data]
_RUN: list[Any] = []


def _real_run():
    if not _RUN:
        _RUN.append(
            run(
                {
                    "start_method": "fork",
                    "workers": [
                        {"name": "w", "target": "sleep", "args": {"seconds": 0.05}},
                        {"name": "x", "target": "exit_with", "args": {"code": 3}},
                    ],
                },
                sample_hz=20,
            )
        )
    return _RUN[0]


def _saved(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    path = tmp_path / "run.json"
    recording.save(_real_run(), path)
    return path, json.loads(path.read_text())


def _index(rows: list[list[Any]], kind: str) -> int:
    return next(i for i, row in enumerate(rows) if row[0] == kind)


def test_the_undamaged_recording_and_trace_open(tmp_path):
    path, _ = _saved(tmp_path)
    assert len(recording.load(path).events) == len(_real_run().events)
    traced = tmp_path / "run.trace.json"
    trace.save(_real_run(), traced)
    assert len(open_any(traced)[1].events) == len(_real_run().events)


@pytest.mark.parametrize("other", [[], "a string", 42, {"procession_recording": 7}])
def test_a_trace_whose_other_data_is_not_ours_is_refused(other, tmp_path):
    traced = tmp_path / "run.trace.json"
    trace.save(_real_run(), traced)
    data = json.loads(traced.read_text())
    data["otherData"] = other
    traced.write_text(json.dumps(data))
    with pytest.raises(InputError) as caught:
        open_any(traced)  # what the window's Open does
    text = caught.value.describe()
    assert str(traced) in text and "otherData" in text, text


DAMAGES = [
    # (event kind, field, bad value, words in the message). Types and the
    # 64-bit bound are checked when a row is read (core.model.payloads); the
    # ranges of what the values mean, by core.export.recording_checks.
    ("exited", "exitcode", 10**30, "must be an integer"),
    ("exited", "exitcode", 10**12, "expected an exit code"),
    ("exited", "exitcode", "minus nine", "must be an integer"),
    ("start_returned", "pid", "abc", "must be an integer"),
    ("booted", "pid", -5, "expected a process id"),
    ("booted", "pid", 2**40, "expected a process id"),
    ("booted", "pid", True, "must be an integer"),
]


@pytest.mark.parametrize(("kind", "field", "value", "words"), DAMAGES)
def test_an_absurd_field_is_refused_with_the_event_and_field_named(
    kind, field, value, words, tmp_path
):
    path, data = _saved(tmp_path)
    index = _index(data["events"], kind)
    data["events"][index][-1][field] = value
    path.write_text(json.dumps(data))
    with pytest.raises(InputError) as caught:
        recording.load(path)
    text = caught.value.describe()
    assert str(path) in text and f"events[{index}]" in text, text
    assert repr(field) in text or f".data.{field}" in text, text
    assert words in text, text


def test_times_in_reverse_order_are_refused(tmp_path):
    path, data = _saved(tmp_path)
    rows = data["events"]
    times = [row[T_NS] for row in rows]
    for row, t in zip(rows, reversed(times), strict=True):
        row[T_NS] = t
    path.write_text(json.dumps(data))
    with pytest.raises(InputError) as caught:
        recording.load(path)
    text = caught.value.describe()
    assert str(path) in text and "earlier than" in text, text


def test_a_negative_time_is_refused(tmp_path):
    path, data = _saved(tmp_path)
    data["events"][0][T_NS] = -1
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"events\[0\]\.t_ns"):
        recording.load(path)
