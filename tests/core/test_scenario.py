"""Scenario files: strict validation with field paths and lines; TOML round trip."""

from __future__ import annotations

import pytest

from core.input_checks import InputError
from core.scenario import toml_io
from core.scenario.overrides import with_overrides
from core.scenario.rules import scenario_from_dict

GOOD = """\
title = "Two processes, joined"
description = "Shown beside the timeline."
mode = "process"
start_method = "spawn"
join = true
join_timeout = 10.0

[[workers]]
name = "sleeper"
target = "sleep"
count = 2
args = { seconds = 1.0 }
start_delay = 0.0
daemon = false

[[workers]]
name = "mine"
target = "custom"
function = "do_something"
code = '''
import time
def do_something():
    print("I'm going to sleep")
    time.sleep(1)
    print("I'm awake")
'''

[[actions]]
at = 0.5
action = "terminate"
worker = "sleeper-1"
"""


def problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(InputError) as caught:
        toml_io.parse_scenario(text, "x.toml")
    return [(p.line, p.path, p.message) for p in caught.value.problems]


def test_the_documented_example_is_valid():
    scenario = toml_io.parse_scenario(GOOD)
    names = [spec.name for spec in scenario.instances()]
    assert names == ["sleeper-1", "sleeper-2", "mine"]
    assert scenario.join_timeout == 10.0
    assert scenario.actions[0].worker == "sleeper-1"
    assert scenario.has_custom_code


def test_round_trip_through_toml_is_lossless():
    scenario = toml_io.parse_scenario(GOOD)
    again = toml_io.parse_scenario(toml_io.dumps_scenario(scenario))
    assert again == scenario


def test_every_lesson_loads_and_round_trips():
    lessons = toml_io.list_lessons()
    assert len(lessons) >= 9
    for lesson in lessons:
        scenario = toml_io.load_scenario(lesson.path)
        assert scenario.title == lesson.title
        text = toml_io.dumps_scenario(scenario)
        assert toml_io.parse_scenario(text) == scenario


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("-5", "from 1 to 1024, got -5"),
        ("0", "got 0"),
        ("99999", "got 99999"),
        ('"2"', "got the text '2'"),
        ('" 12 "', "got the text ' 12 '"),
        ('"1_000"', "got the text '1_000'"),
        ('"١٢"', "got the text"),
        ("true", "got a boolean (true)"),
        ("1.5", "whole number"),
        ("nan", "whole number"),
        ("inf", "whole number"),
        ("[1]", "got a list"),
    ],
)
def test_bad_count_names_field_and_line(value, fragment):
    text = GOOD.replace("count = 2", f"count = {value}")
    [(line, path, message)] = problems(text)
    assert path == "workers[0].count"
    assert line == 11
    assert fragment in message


@pytest.mark.parametrize("value", ["nan", "inf", "-1.0", "true", '"1"', "1e9"])
def test_bad_float_argument_is_rejected(value):
    text = GOOD.replace("seconds = 1.0", f"seconds = {value}")
    [(line, path, message)] = problems(text)
    assert path == "workers[0].args.seconds"
    assert line == 12
    assert "number" in message


def test_unknown_keys_are_named_with_the_known_ones():
    found = problems(
        GOOD.replace('mode = "process"', 'mode = "process"\ncolour = 1').replace(
            "daemon = false", "daemon = false\nretries = 3"
        )
    )
    assert (4, "colour", found[0][2]) == found[0]
    assert "known keys:" in found[0][2]
    assert found[1][:2] == (16, "workers[0].retries")


def test_unknown_target_argument_lists_the_real_ones():
    [(_line, path, message)] = problems(GOOD.replace("seconds = 1.0", "secs = 1.0"))
    assert path == "workers[0].args.secs"
    assert "its arguments: seconds" in message


def test_toml_syntax_errors_carry_line_and_column():
    [(line, path, message)] = problems(GOOD.replace("count = 2", "count = = 2"))
    assert line == 11 and path == ""
    assert "not valid TOML" in message and "column" in message


def test_duplicate_keys_are_an_error():
    [(line, _path, message)] = problems(
        GOOD.replace("count = 2", "count = 2\ncount = 3")
    )
    assert line == 12 and "not valid TOML" in message


def test_truncated_file_is_an_error():
    assert "not valid TOML" in problems(GOOD[: GOOD.index("args =") + 9])[0][2]


def test_custom_code_syntax_error_reports_the_file_line():
    text = GOOD.replace('print("I\'m awake")', 'print("I\'m awake"')
    [(line, path, message)] = problems(text)
    assert path == "workers[1].code"
    assert message == "SyntaxError at code line 5: '(' was never closed"
    assert text.splitlines()[line - 1] == '    print("I\'m awake"'


def test_custom_code_must_define_the_function_at_top_level():
    text = GOOD.replace(
        "def do_something():", "if __name__ == '__main__':\n  def do_something():"
    )
    [(_line, path, message)] = problems(text)
    assert path == "workers[1].code"
    assert "no top-level function 'do_something'" in message


def test_threads_cannot_be_terminated_or_crash():
    found = problems(GOOD.replace('mode = "process"', 'mode = "thread"'))
    assert found[0][1] == "actions[0].action"
    assert "threads cannot be force-stopped" in found[0][2]
    crash = {"workers": [{"target": "crash", "mode": "thread"}]}
    with pytest.raises(InputError, match="cannot run as a thread"):
        scenario_from_dict(crash)


def test_actions_must_name_a_real_worker():
    found = problems(GOOD.replace('worker = "sleeper-1"', 'worker = "sleeper-9"'))
    assert found == [(found[0][0], "actions[0].worker", found[0][2])]
    assert "no worker or group named 'sleeper-9'" in found[0][2]


def test_all_problems_are_reported_at_once():
    text = GOOD.replace("count = 2", "count = 0").replace(
        'mode = "process"', 'mode = "procs"'
    )
    assert len(problems(text)) == 2


def test_file_guards(tmp_path):
    big = tmp_path / "big.toml"
    big.write_bytes(b"title = 'x'\n" + b"#" * (2 * 1024 * 1024))
    with pytest.raises(InputError, match="larger than 1024 KiB"):
        toml_io.load_scenario(big)
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'title = "ok"\ndescription = "\xff\xfe"\n')
    with pytest.raises(InputError, match=r"line 2: not valid UTF-8"):
        toml_io.load_scenario(bad)
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 100_000 + "]" * 100_000)
    with pytest.raises(InputError, match="not valid TOML: nested too deeply"):
        toml_io.load_scenario(deep)
    with pytest.raises(InputError, match="cannot read"):
        toml_io.load_scenario(tmp_path / "missing.toml")


def test_overrides_apply_to_every_group_and_revalidate():
    lesson = toml_io.load_scenario(toml_io.find_lesson("8").path)
    forked = with_overrides(lesson, start_method="fork")
    assert {s.start_method for s in forked.instances()} == {"fork"}
    terminate = toml_io.load_scenario(toml_io.find_lesson("4").path)
    with pytest.raises(InputError, match="threads cannot be force-stopped"):
        with_overrides(terminate, mode="thread")


def test_lessons_are_found_by_number_name_and_short_name():
    by_number = toml_io.find_lesson("3")
    assert by_number is not None
    assert toml_io.find_lesson(by_number.name) == by_number
    assert toml_io.find_lesson(by_number.name.split("-", 1)[1]) == by_number
    assert toml_io.find_lesson("٣") is None
    with pytest.raises(InputError, match="no such file or lesson"):
        toml_io.load_scenario_or_lesson("no-such-lesson")
