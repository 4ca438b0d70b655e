"""``procession run SCRIPT.py ARGS``: the script runs as ``python SCRIPT.py
ARGS`` would, and the command exits with its status."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from core.engine import stopping
from core.tracer import launcher
from core.tracer.script_program import script_status
from tests.tracer.support import PROGRAMS, traced_python

ROOT = Path(__file__).resolve().parent.parent.parent
MAIN = str(ROOT / "main.py")


def cli(
    *args: str, stdin: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, MAIN, "run", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


def test_the_script_sees_what_plain_python_shows(tmp_path: Path) -> None:
    script = PROGRAMS / "facts.py"
    plain = subprocess.run(
        [traced_python(), str(script), "a", "--quiet"],
        input="typed\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    traced = cli(
        "--python",
        traced_python(),
        "--quiet",
        str(script),
        "a",
        "--quiet",
        stdin="typed\n",
        cwd=tmp_path,
    )
    assert traced.returncode == plain.returncode == 0, traced.stderr
    assert traced.stdout.startswith(plain.stdout)  # then the table
    assert "line typed" in plain.stdout and "hook on path False" in plain.stdout
    assert "main program" in traced.stdout[len(plain.stdout) :]


def test_exit_status_output_and_summary(tmp_path: Path) -> None:
    summary = tmp_path / "s.json"
    # --quiet: the live log would share the pipe with the script's own lines.
    done = cli(
        "--quiet", "--summary", str(summary), str(PROGRAMS / "exit_codes.py"), "spawn"
    )
    assert done.returncode == 44, done.stderr
    assert "exitcodes [3, 44, 1, 7]" in done.stdout
    assert "bye" in done.stderr  # sys.exit("bye") prints it, as plain Python does
    data = json.loads(summary.read_text())
    assert data["program"] == {
        "kind": "script",
        "path": str(PROGRAMS / "exit_codes.py"),
        "argv": ["spawn"],
        "exit_status": 44,
    }
    codes = {w["name"]: w["exitcode"] for w in data["workers"]}
    assert codes["Process-2"] == 44 and codes["resource tracker"] == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        ("dir", "is a directory"),
        (b"x = '\xff'\n", "bad.py:1"),
        (b"print(1)\ndef broken(:\n", "bad.py:2: SyntaxError"),
    ],
)
def test_bad_scripts_exit_2_naming_file_and_line(
    tmp_path: Path, content: bytes | str | None, expected: str
) -> None:
    path = tmp_path / "bad.py"
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    done = cli(str(path))
    assert done.returncode == 2
    assert expected in done.stderr
    assert done.stdout == ""  # nothing started


def test_the_syntax_error_program_is_refused_before_it_runs() -> None:
    done = cli(str(PROGRAMS / "syntax_error.py"))
    assert done.returncode == 2
    assert "syntax_error.py:2: SyntaxError" in done.stderr
    assert "never runs" not in done.stdout


def test_a_program_that_never_ends_is_stopped_with_everything_it_started() -> None:
    started = time.monotonic()
    done = cli("--timeout", "1", str(PROGRAMS / "never_ends.py"), "spawn")
    took = time.monotonic() - started
    assert took < 10 + 5  # the promise is 10 s from the timeout; 5 s of startup slack
    escapee = int(done.stdout.split("escapee ")[1].split()[0])
    assert (
        not psutil.pid_exists(escapee) or psutil.Process(escapee).status() == "zombie"
    )
    assert done.returncode == 128 + 15  # the script was ended by SIGTERM
    table = done.stdout.split("worker")[-1]
    # Its own lane, named by its command line (Popen), though it runs no Python:
    for name, pid in (("Process-1", None), ("sleep 600", escapee)):
        row = next(line for line in table.splitlines() if line.strip().startswith(name))
        assert "terminated" in row and "-15" in row
        assert pid is None or f" {pid} " in row


def test_a_traced_run_is_stopped_with_the_scenarios_grace() -> None:
    assert launcher.TERM_GRACE == stopping.TERM_GRACE


def test_a_daemonized_grandchild_is_killed_at_the_end_and_reported() -> None:
    done = cli(str(PROGRAMS / "leaves_escapee.py"))
    assert done.returncode == 0, done.stderr
    escapee = int(done.stdout.split("escapee ")[1].split()[0])
    assert (
        not psutil.pid_exists(escapee) or psutil.Process(escapee).status() == "zombie"
    )
    assert (
        f"still ran after the program ended and were killed: {escapee}" in done.stdout
    )
    assert "killed by SIGKILL" in done.stdout


def test_start_method_sets_the_default_not_the_scripts_choice(tmp_path: Path) -> None:
    summary = tmp_path / "s.json"
    done = cli(
        "--start-method",
        "spawn",
        "--summary",
        str(summary),
        str(PROGRAMS / "chooses_fork.py"),
    )
    assert done.returncode == 0, done.stderr
    methods = {
        w["name"]: w["start_method"] for w in json.loads(summary.read_text())["workers"]
    }
    assert methods["ForkProcess-1"] == "fork"
    assert methods["Process-2"] == "spawn"


def test_running_a_program_imports_no_qt_or_numpy() -> None:
    code = (
        "import sys, main\n"
        f"script = {str(PROGRAMS / 'child_raises.py')!r}\n"
        "status = main.main(['run', '--quiet', script, 'fork'])\n"
        "heavy = [m for m in ('PySide6', 'pyqtgraph', 'numpy') if m in sys.modules]\n"
        "print('HEAVY', heavy, status)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert "HEAVY [] 0" in done.stdout, done.stdout + done.stderr
    assert os.path.exists(MAIN)


SELF_INTERRUPT = """import os, signal
os.kill(os.getpid(), signal.SIGINT)
print("still here")
"""


@pytest.mark.parametrize("ignored", [True, False])
def test_the_script_inherits_an_ignored_ctrl_c_as_plain_python_does(
    tmp_path: Path, ignored: bool
) -> None:
    """Under ``nohup`` or ``&`` in a script, SIGINT is ignored and Python
    installs no KeyboardInterrupt handler: the script's own SIGINT does
    nothing. Traced, it must do the same, and raise where plain Python does."""
    script = tmp_path / "self_interrupt.py"
    script.write_text(SELF_INTERRUPT)
    disposition = signal.SIG_IGN if ignored else signal.SIG_DFL

    def start(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(command),
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=lambda: signal.signal(signal.SIGINT, disposition),
        )

    plain = start(traced_python(), str(script))
    traced = start(
        sys.executable, MAIN, "run", "--quiet", "--python", traced_python(), str(script)
    )
    assert plain.stdout.startswith("still here") is ignored
    assert ("KeyboardInterrupt" in plain.stderr) is not ignored
    assert traced.stdout.startswith(plain.stdout), traced.stdout
    assert ("KeyboardInterrupt" in traced.stderr) is not ignored, traced.stderr
    assert traced.returncode == script_status(plain.returncode, 0)  # 130 for −2
