"""Show as code: the plain program a scenario becomes ends its children the
same way the scenario run through Procession does.

Truth is checked both ways with real processes: the scenario is run by the
conductor, the generated program by a plain ``python file.py``, and the exit
code of every child is compared.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import pytest

from core.scenario import toml_io
from core.scenario.as_code import rename, scenario_as_code, top_level_names
from core.scenario.definition import Scenario
from core.scenario.rules import scenario_from_dict
from tests.helpers import run

REPORT = re.compile(r"^(\S+): exitcode (.+)$", re.MULTILINE)
PLAIN_TIMEOUT = 120  # a hang guard; the slowest lesson runs in ~5 s plain


def plain_run(scenario: Scenario, tmp_path) -> tuple[subprocess.CompletedProcess, dict]:
    path = tmp_path / "program.py"
    path.write_text(scenario_as_code(scenario), encoding="utf-8")
    done = run_plainly(path)
    return done, dict(REPORT.findall(done.stdout))


def run_plainly(path, timeout: float = PLAIN_TIMEOUT) -> subprocess.CompletedProcess:
    """``python path`` in its own session: a hang kills its whole tree.
    Unbuffered, as a student's terminal shows each line at once: through a
    pipe, a child's prints wait in a block buffer and are lost when it is
    terminated (lessons 04 and 05 print, then are stopped)."""
    with subprocess.Popen(
        [sys.executable, str(path)],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=path.parent,
        start_new_session=True,
    ) as popen:
        try:
            out, err = popen.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(popen.pid, signal.SIGKILL)
            out, err = popen.communicate()
            pytest.fail(f"{path.name} did not end in {timeout} s:\n{out}{err}")
    return subprocess.CompletedProcess(popen.args, popen.returncode, out, err)


def procession_codes(scenario: Scenario) -> dict:
    model = run(scenario, timeout=90)
    return {
        lane.name: str(lane.exitcode) if lane.kind == "process" else "none (a thread)"
        for lane in model.worker_lanes()
    }


def assert_same_endings(scenario: Scenario, tmp_path) -> dict:
    done, plain = plain_run(scenario, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "main program: my code ran for" in done.stdout
    expected = procession_codes(scenario)
    assert plain == expected, done.stdout + done.stderr
    return plain


@pytest.mark.parametrize(
    "lesson", toml_io.list_lessons(), ids=lambda lesson: lesson.name
)
def test_every_lesson_as_code_ends_its_children_as_the_scenario_does(lesson, tmp_path):
    assert_same_endings(toml_io.load_scenario(lesson.path), tmp_path)


def test_custom_code_stages_delays_timers_and_daemons(tmp_path):
    """What no lesson has: custom code whose names clash (with each other and
    with a built-in target), a start delay, a timed action that finds its
    worker not yet started (a timer thread), a daemon never joined, a thread
    group, a second stage."""
    scenario = scenario_from_dict(
        {
            "title": "everything else",
            "join": False,
            "workers": [
                {
                    "name": "quick",
                    "target": "custom",
                    "function": "work",
                    "code": "def work():\n    raise SystemExit(5)\n",
                },
                {
                    "name": "other",
                    "target": "custom",
                    "function": "work",
                    "code": "import sys\n\n\ndef sleep():\n    sys.exit(300)\n\n\n"
                    "def work():\n    sleep()  # sleep() here is ours\n",
                },
                {
                    "name": "late",
                    "target": "sleep",
                    "args": {"seconds": 0.2},
                    "start_delay": 0.3,
                },
                {
                    "name": "helper",
                    "target": "sleep",
                    "mode": "thread",
                    "args": {"seconds": 0.1},
                },
                {
                    "name": "after",
                    "target": "exit_with",
                    "count": 2,
                    "wait_for_previous": True,
                    "args": {"code": 3},
                },
                # In the last stage, which nothing joins: ended at exit.
                {"name": "ghost", "target": "forever", "daemon": True},
            ],
            "actions": [{"at": 0.1, "action": "terminate", "worker": "late"}],
        }
    )
    code = scenario_as_code(scenario)
    assert "threading.Timer(0.1" in code
    assert "def sleep_2():" in code  # the custom sleep, renamed
    plain = assert_same_endings(scenario, tmp_path)
    assert plain == {
        "quick": "5",
        "other": "44",
        "late": "0",
        "ghost": "-15",
        "helper": "none (a thread)",
        "after-1": "3",
        "after-2": "3",
    }


def test_rename_leaves_attributes_strings_and_comments_alone():
    code = 'def work():\n    return obj.work, "work"  # work\n\nx = work()\n'
    assert top_level_names(code) == {"work", "x"}
    assert rename(code, {"work": "work_2"}) == (
        'def work_2():\n    return obj.work, "work"  # work\n\nx = work_2()\n'
    )


def test_stop_asks_through_a_flag_then_escalates_as_procession_does(tmp_path):
    """Stop: targets that check the flag end themselves (exit 0); one that
    ignores SIGTERM is killed after 3 s (-9); custom code that checks no flag
    gets SIGTERM after 1 s (-15); a thread that checks the flag returns."""
    scenario = scenario_from_dict(
        {
            "title": "stops",
            "workers": [
                {
                    "name": "sleepy",
                    "target": "sleep",
                    "count": 2,
                    "args": {"seconds": 30.0},
                },
                {"name": "loop", "target": "forever"},
                {"name": "stubborn", "target": "ignore_sigterm"},
                {
                    "name": "mine",
                    "target": "custom",
                    "function": "work",
                    "code": "import time\n\n\ndef work():\n    time.sleep(30)\n",
                },
                {
                    "name": "t",
                    "target": "sleep",
                    "mode": "thread",
                    "args": {"seconds": 30.0},
                },
            ],
            "actions": [
                {"at": 0.5, "action": "stop", "worker": "sleepy-2"},
                {"at": 0.5, "action": "stop", "worker": "loop"},
                {"at": 0.5, "action": "stop", "worker": "stubborn"},
                {"at": 0.5, "action": "stop", "worker": "mine"},
                {"at": 0.5, "action": "stop", "worker": "t"},
                {"at": 0.6, "action": "kill", "worker": "sleepy-1"},
            ],
        }
    )
    code = scenario_as_code(scenario)
    assert "stop_worker(sleepy[1], sleepy_stops[1])" in code
    assert "stop_worker(mine, None)" in code
    plain = assert_same_endings(scenario, tmp_path)
    assert plain == {
        "sleepy-1": "-9",
        "sleepy-2": "0",
        "loop": "0",
        "stubborn": "-9",
        "mine": "-15",
        "t": "none (a thread)",
    }
