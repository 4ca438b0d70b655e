"""Tracebacks students can read (issue 11, defect 7), from real failing runs."""

from __future__ import annotations

from core.model.student_traceback import student_view
from core.scenario.toml_io import load_scenario_or_lesson
from tests.helpers import run

CUSTOM = """def work(n=3):
    total = 0
    for i in range(n):
        total += helper(i)
    return total

def helper(i):
    return 10 / (i - 1)
"""


def failing_lane(model):
    return next(lane for lane in model.worker_lanes() if lane.error)


def test_lesson_3_shows_the_target_line_not_the_machinery():
    model = run(load_scenario_or_lesson("3"))
    lane = failing_lane(model)
    # What the child wrote to stderr: the traceback as Python prints it,
    # through multiprocessing and Procession's bootstrap.
    full = "\n".join(line.text for line in lane.output if line.stream == "stderr")
    assert "bootstrap.py" in full and "multiprocessing" in full  # what we hide
    view = student_view(full)
    assert view.hidden >= 3
    assert "bootstrap.py" not in view.text and "multiprocessing" not in view.text
    assert "the lesson's target raise_error()" in view.text
    assert 'print(f"Hello {name}")' in view.text  # the offending line
    assert view.text.rstrip().endswith("NameError: name 'name' is not defined")
    assert view.text.count('  File "') == 1
    # the traceback the worker reports is already trimmed; it is named alike
    reported = student_view(lane.error.traceback).text
    assert "the lesson's target raise_error()" in reported
    assert "builtin_targets.py" not in reported


def test_custom_code_keeps_every_frame_of_the_students_code():
    model = run(
        {
            "workers": [
                {
                    "name": "mine",
                    "target": "custom",
                    "function": "work",
                    "code": CUSTOM,
                    "args": {"n": 3},
                }
            ],
            "start_method": "fork",
        }
    )
    view = student_view(failing_lane(model).error.traceback)
    frames = [line for line in view.text.splitlines() if line.startswith('  File "')]
    assert len(frames) == 2  # work() and helper(), nothing of ours
    assert all('File "your code"' in frame for frame in frames)
    assert "10 / (i - 1)" in view.text
    assert "ZeroDivisionError" in view.text


def test_a_traceback_with_no_student_frame_is_left_whole():
    text = (
        "Traceback (most recent call last):\n"
        '  File "/usr/lib/python3.11/multiprocessing/process.py", line 1, in run\n'
        "    x()\n"
        "OSError: boom"
    )
    assert student_view(text).text == text and student_view(text).hidden == 0
