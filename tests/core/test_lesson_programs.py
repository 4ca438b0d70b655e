"""Every lesson program runs plainly (``python file.py``, real processes) and
says what it teaches: its exit status and the lines the lesson is about."""

from __future__ import annotations

import re
import sys

import pytest

from core.lesson_programs import list_programs, read_program
from tests.core.test_as_code import run_plainly


def seconds(pattern: str, text: str) -> float:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in:\n{text}"
    return float(found.group(1))


def check_joined(out: str, err: str) -> None:
    assert out.count("I'm awake") == 2
    # Two 1 s sleeps at once: about 1 s, never the 2 s of one after the other.
    assert 0.95 <= seconds(r"Finished in ([\d.]+) seconds", out) < 1.9


def check_not_joined(out: str, err: str) -> None:
    # The timer is printed before the sleepers wake: within milliseconds.
    assert seconds(r"Finished in ([\d.]+) seconds", out) < 0.5
    assert out.index("Finished in") < out.index("I'm awake")
    assert out.count("I'm awake") == 2  # Python waited for them at exit


def lines_in_order(*expected: str):
    def check(out: str, err: str) -> None:
        position = 0
        for line in expected:
            found = out.find(line, position)
            assert found >= 0, f"{line!r} missing (in order) from:\n{out}"
            position = found + len(line)

    return check


def check_error(out: str, err: str) -> None:
    assert "NameError: name 'name' is not defined" in err
    assert 'print(f"Hello {name}")' in err  # the child's line, in its traceback
    assert "the child's exitcode is 1" in out


def check_threads(out: str, err: str) -> None:
    for kind in ("one count alone", "two threads", "two processes"):
        assert seconds(rf"{kind}: ([\d.]+) s", out) > 0


def check_start_methods(out: str, err: str) -> None:
    for method in ("fork", "spawn", "forkserver"):
        assert seconds(rf"{method}: (\d+) ms", out) >= 0
    assert out.count("  child ") == 3


EXPECTED = {
    "01-two-processes-joined": check_joined,
    "02-two-processes-not-joined": check_not_joined,
    "03-is-alive": lines_in_order(
        "before start(): False", "while running:  True", "after join():   False"
    ),
    "04-terminate-a-sleeper": lines_in_order(
        "I'm going to sleep for 5 seconds", "exitcode: -15"
    ),
    "05-kill-ignores-sigterm": lines_in_order(
        "SIGTERM is now ignored", "after terminate() and 1 s: alive", "exitcode: -9"
    ),
    "06-error-in-the-child": check_error,
    "07-exit-codes": lines_in_order(
        "return 1: exitcode 0",
        "sys.exit(3): exitcode 3",
        "sys.exit(300): exitcode 44",
        "exception: exitcode 1",
        "terminate(): exitcode -15",
        "kill(): exitcode -9",
    ),
    "08-threads-vs-processes": check_threads,
    "09-start-methods": check_start_methods,
    "10-pool-map": lines_in_order(
        "[0, 1, 4, 9, 16, 25, 36, 49]", "8 tasks of 0.25 s on 2 workers took"
    ),
    "11-process-pool-executor": lines_in_order(
        "1/4 = 0.25",
        "1/2 = 0.5",
        "1/0 raised in the worker: ZeroDivisionError('division by zero')",
        "[1.0, 0.2, 0.1]",
    ),
    "12-daemon-at-exit": lines_in_order(
        "the main program's code has ended",
        "daemon: exitcode -15",
        "normal: exitcode 0",
    ),
    "13-queue-join-deadlock": lines_in_order(
        "after join(timeout=2) the child is alive",
        "got 1000000 characters; exitcode 0",
    ),
}


def test_every_program_has_its_check_and_a_title():
    programs = list_programs()
    assert [p.name for p in programs] == list(EXPECTED)
    for program in programs:
        assert program.title and program.title != program.name


@pytest.mark.parametrize("name", list(EXPECTED))
def test_program_runs_plainly_and_shows_its_lesson(name):
    program = next(p for p in list_programs() if p.name == name)
    done = run_plainly(program.path, timeout=60)
    assert done.returncode == 0, done.stderr
    EXPECTED[name](done.stdout, done.stderr)


def test_reading_a_program_runs_nothing(tmp_path):
    path = tmp_path / "boom.py"
    path.write_text('"""Title\n\nMore."""\nraise SystemExit(9)\n', encoding="utf-8")
    program = read_program(path)
    assert (program.title, program.description) == ("Title", "More.")
    assert sys.modules.get("boom") is None
