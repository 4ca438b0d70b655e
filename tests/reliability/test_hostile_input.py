"""Hostile and broken scenario files (DESIGN §4 promise 7; research B01–B05).

Each is rejected with a message naming the field (and line), never a
traceback; through the command line that is exit status 2 with one clear
message and nothing started. Opening a scenario never runs its code and never
unpickles anything.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import time
from pathlib import Path

import pytest

from core.export import recording
from core.input_checks import InputError
from core.scenario import toml_io
from core.scenario.rules import scenario_from_dict
from tests.reliability.support import ROOT, python, record

GROUP = """title = "hostile"

[[workers]]
name = "w"
target = "sleep"
{line}
"""
LINE = 6  # the line {line} lands on

FIELD_CASES = [
    # (TOML line, field path named in the message, words the message contains)
    ("count = -1", "workers[0].count", "got -1"),
    ("count = 0", "workers[0].count", "got 0"),
    ("count = 99999999999999999999", "workers[0].count", "from 1 to 1024"),
    ('count = "abc"', "workers[0].count", "got the text 'abc'"),
    ("count = nan", "workers[0].count", "got the number nan"),
    ("count = inf", "workers[0].count", "got the number inf"),
    ("count = true", "workers[0].count", "got a boolean (true)"),
    ('count = " 12 "', "workers[0].count", "got the text ' 12 '"),
    ('count = "1_000"', "workers[0].count", "got the text '1_000'"),
    ('count = "١٢"', "workers[0].count", "got the text '١٢'"),
    ("count = 1.5", "workers[0].count", "got the number 1.5"),
    ("count = [1]", "workers[0].count", "got a list"),
    ("args = { seconds = nan }", "workers[0].args.seconds", "finite"),
    ("args = { seconds = -inf }", "workers[0].args.seconds", "finite"),
    ("args = { seconds = true }", "workers[0].args.seconds", "got a boolean (true)"),
    ("args = { seconds = -1 }", "workers[0].args.seconds", "got -1"),
    ("args = { seconds = 1e9 }", "workers[0].args.seconds", "from 0 to 3600"),
    ('args = { seconds = "1" }', "workers[0].args.seconds", "got the text '1'"),
    ("args = { minutes = 1 }", "workers[0].args.minutes", "its arguments: seconds"),
    ("args = [1]", "workers[0].args", "expected a table"),
    ("start_delay = nan", "workers[0].start_delay", "finite"),
    ("daemon = 1", "workers[0].daemon", "expected true or false"),
    ("mode = 3", "workers[0].mode", "expected one of 'process', 'thread'"),
    ('start_method = "vfork"', "workers[0].start_method", "got the text 'vfork'"),
    ("colour = 1", "workers[0].colour", "unknown key 'colour'"),
    ("wait_for_previous = true", "workers[0].wait_for_previous", "no previous"),
    ("args = " + "{ a = " * 60 + "1" + " }" * 60, "workers[0].args.a", "no argument"),
]


def _problems(text: str) -> list:
    with pytest.raises(InputError) as caught:
        toml_io.parse_scenario(text, "hostile.toml")
    return caught.value.problems


@pytest.mark.parametrize(("line", "path", "words"), FIELD_CASES)
def test_a_bad_value_is_rejected_naming_its_field_and_line(line, path, words):
    [problem] = _problems(GROUP.format(line=line))
    assert (problem.path, problem.line) == (path, LINE)
    assert words in problem.message


TOP = """title = "t"
{line}

[[workers]]
name = "w"
target = "sleep"
"""
ACTIONS = (
    GROUP.format(line="")
    + """
[[actions]]
at = {at}
action = {action}
worker = "w"
"""
)


@pytest.mark.parametrize(
    ("text", "path", "line", "words"),
    [
        (TOP.format(line="max_processes = 0"), "max_processes", 2, "got 0"),
        (TOP.format(line="max_processes = 1e6"), "max_processes", 2, "whole number"),
        (TOP.format(line="join_timeout = -1"), "join_timeout", 2, "got -1"),
        (TOP.format(line="join_timeout = nan"), "join_timeout", 2, "finite"),
        (TOP.format(line='join = "yes"'), "join", 2, "true or false"),
        (TOP.format(line='mode = "Process"'), "mode", 2, "expected one of"),
        (TOP.format(line="titel = 1"), "titel", 2, "unknown key 'titel'"),
        ('title = "t"\nworkers = "all"\n', "workers", 2, "[[workers]]"),
        ('title = "t"\n', "workers", None, "at least one [[workers]]"),
        (ACTIONS.format(at="nan", action='"stop"'), "actions[0].at", 9, "finite"),
        (
            ACTIONS.format(at="1", action='"explode"'),
            "actions[0].action",
            10,
            "expected one of",
        ),
    ],
)
def test_top_level_and_action_fields_are_named_too(text, path, line, words):
    [problem] = _problems(text)
    assert (problem.path, problem.line) == (path, line)
    assert words in problem.message


def test_a_duplicate_key_names_the_key_and_its_line():
    [problem] = _problems(GROUP.format(line="count = 1\ncount = 2"))
    assert problem.line == LINE + 1
    assert "not valid TOML" in problem.message and "'count'" in problem.message


def test_truncated_toml_gives_line_and_column():
    text = GROUP.format(line="args = { seconds = 1")
    [problem] = _problems(text[: text.index("1") + 1])
    assert problem.line == LINE and "end of the file" in problem.message


@pytest.mark.parametrize(
    ("name", "payload", "words"),
    [
        ("utf8", b'title = "caf\xe9"\n', "not valid UTF-8 text (byte 12)"),
        ("nul", b'title = "a\x00b"\n', "not valid TOML"),
        ("arrays", b"x = " + b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        ("tables", b"x = " + b"{a=" * 5000 + b"1" + b"}" * 5000, "nested too deeply"),
        ("big", b"#" * (50 * 1024 * 1024), "larger than 1024 KiB"),
    ],
)
def test_broken_files_are_rejected_without_a_traceback(tmp_path, name, payload, words):
    path = tmp_path / f"{name}.toml"
    path.write_bytes(payload)
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        toml_io.load_scenario(path)
    seconds = time.monotonic() - started
    assert words in caught.value.describe()
    assert str(path) in caught.value.describe()
    assert path.read_bytes() == payload  # nothing changed
    if name == "big":
        record("50 MB scenario file: rejected after (s)", round(seconds, 4))
        assert seconds < 1.0  # only the first MiB is ever read


# --- the command line: exit 2, one message, nothing started -----------------------


@pytest.mark.parametrize(
    ("name", "payload", "words"),
    [
        (
            "nan",
            GROUP.format(line="count = nan").encode(),
            f"line {LINE}: workers[0].count",
        ),
        ("unknown", GROUP.format(line="colour = 1").encode(), "unknown key 'colour'"),
        ("duplicate", GROUP.format(line="count = 1\ncount = 2").encode(), "'count'"),
        ("truncated", b'title = "t"\n[[workers]\n', "line 2: not valid TOML"),
        ("utf8", b'title = "\xff"\n', "not valid UTF-8"),
        ("big", b"#" * (50 * 1024 * 1024), "larger than 1024 KiB"),
    ],
)
def test_the_command_line_exits_2_with_one_message_and_starts_nothing(
    tmp_path, name, payload, words
):
    path = tmp_path / f"{name}.toml"
    path.write_bytes(payload)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    result = subprocess.run(
        [python(), str(ROOT / "main.py"), "run", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    assert result.returncode == 2
    assert result.stdout == ""
    [message] = result.stderr.strip().splitlines()
    assert message.startswith(f"procession: {path}: ") and words in message
    assert "Traceback" not in result.stderr
    assert list(scratch.iterdir()) == []  # no run directory: nothing started


# --- opening never runs code, never unpickles --------------------------------------


def test_opening_a_scenario_never_runs_its_code(tmp_path):
    marker = tmp_path / "pwned"
    code = (
        f"open({str(marker)!r}, 'w').close()\n"
        f"__import__('os').system('touch {marker}')\n"
        "def work():\n"
        "    pass\n"
    )
    data = {
        "title": "looks harmless",
        "workers": [
            {"name": "w", "target": "custom", "function": "work", "code": code}
        ],
    }
    path = tmp_path / "trojan.toml"
    toml_io.save_scenario(scenario_from_dict(data), path)
    loaded = toml_io.load_scenario(path)
    assert loaded.has_custom_code and loaded.workers[0].code == code
    scenario_from_dict(loaded.to_dict())  # validating compiles, never runs
    toml_io.dumps_scenario(loaded)
    assert not marker.exists()


class _Trap:
    """Unpickling this creates the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


@pytest.mark.parametrize("protocol", [0, pickle.HIGHEST_PROTOCOL])
def test_opening_never_unpickles(tmp_path, protocol):
    marker = tmp_path / "unpickled"
    payload = pickle.dumps(_Trap(marker), protocol=protocol)
    # Protocol 0 is ASCII: it even gets past the UTF-8 check to the parsers.
    for name in ("scenario.toml", "recording.json", "scenario.pkl"):
        path = tmp_path / name
        path.write_bytes(payload)
        with pytest.raises(InputError):
            toml_io.load_scenario(path)
        with pytest.raises(InputError):
            recording.load(path)
    assert not marker.exists()


# --- targets that cannot run under spawn or forkserver -----------------------------

MAIN_ONLY = """
import time

if __name__ == "__main__":
    def work():
        time.sleep(0.1)

    work()
"""

LAMBDA = """
import time

work = lambda: time.sleep(0.1)
"""


@pytest.mark.parametrize("method", ["spawn", "forkserver", "fork"])
def test_a_function_defined_only_under_main_is_caught_before_start(method):
    data = {
        "start_method": method,
        "workers": [
            {"name": "w", "target": "custom", "function": "work", "code": MAIN_ONLY}
        ],
    }
    with pytest.raises(InputError) as caught:
        scenario_from_dict(data)
    [problem] = caught.value.problems
    assert problem.path == "workers[0].code"
    message = problem.message
    assert "no top-level function 'work'" in message
    assert 'if __name__ == "__main__":' in message and "code line 5" in message
    assert "imports this code as a module" in message and "by name" in message  # why
    assert "move the def to the top level" in message  # what to do


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_a_name_bound_to_a_lambda_is_caught_before_start(method):
    data = {
        "start_method": method,
        "workers": [
            {"name": "w", "target": "custom", "function": "work", "code": LAMBDA}
        ],
    }
    with pytest.raises(InputError) as caught:
        scenario_from_dict(data)
    [problem] = caught.value.problems
    message = problem.message
    assert "'work' is bound to a lambda" in message and "code line 4" in message
    assert "pickle" in message and "by name" in message  # why
    assert "def work(" in message  # what to do


def test_the_command_line_refuses_such_a_target_before_starting(tmp_path):
    path = tmp_path / "main-only.toml"
    path.write_text(
        'title = "main only"\n\n[[workers]]\nname = "w"\ntarget = "custom"\n'
        f'function = "work"\ncode = """{MAIN_ONLY}"""\n'
    )
    result = subprocess.run(
        [python(), str(ROOT / "main.py"), "run", str(path), "--start-method", "spawn"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stdout
    [message] = result.stderr.strip().splitlines()
    assert "workers[0].code" in message and "__main__" in message
    assert "Traceback" not in result.stderr
