"""run_app in a real child process: no console (pythonw), bad arguments, and
SIGTERM during a live run (bounded shutdown, nothing left behind)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The child builds the QApplication first so that it can say when the window
# is ready (and, optionally, press Run), then hands over to run_app.
CHILD = """
import sys
sys.path.insert(0, {root!r})
if {no_console}:
    sys.stdout = None
    sys.stderr = None
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(["procession"])

def ready():
    from gui.main_window import MainWindow
    windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
    if not windows:
        QTimer.singleShot(50, ready)
        return
    window = windows[0]
    if {press_run} and not window.controller.live:
        window.run()
    lanes = window.controller.model.worker_lanes()
    if {press_run} and not all("target_started" in l.times for l in lanes):
        QTimer.singleShot(50, ready)
        return
    with open({ready_path!r}, "w") as handle:
        handle.write(window.windowTitle())

QTimer.singleShot(0, ready)
from gui.app import run_app
sys.exit(run_app({argv!r}))
"""


def start(tmp_path, argv, *, no_console=False, press_run=False):
    ready = tmp_path / "ready"
    code = CHILD.format(
        root=str(ROOT),
        no_console=no_console,
        press_run=press_run,
        ready_path=str(ready),
        argv=argv,
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    # The file is created before the title is written into it: wait for both.
    while not (ready.exists() and ready.read_text()):
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the window never became ready"
        time.sleep(0.05)
    return child, ready.read_text()


def stop(child, timeout=12.0):
    started = time.monotonic()
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=timeout)
    return child.returncode, time.monotonic() - started, out, err


def test_no_console_runs_the_first_lesson_and_sigterm_closes_it(tmp_path):
    """pythonw: sys.stdout and sys.stderr are None; Run still works."""
    child, title = start(tmp_path, [], no_console=True, press_run=True)
    assert title == "Procession — Two processes, joined (running)"
    status, took, out, err = stop(child)
    assert status == 0, err
    assert took <= 10.0
    # Python wrote nothing (it has no streams); Qt's C++ may still use fd 2.
    assert out == "" and "Traceback" not in err


def test_a_bad_file_argument_opens_the_first_lesson_and_says_why(tmp_path):
    child, title = start(tmp_path, [str(tmp_path / "nope.toml")])
    assert "Two processes, joined" in title
    status, _, _, err = stop(child)
    assert status == 0
    assert "cannot open" in err and "nope.toml" in err
    assert "cannot read the file" in err  # and why


def test_a_lesson_by_number_and_too_many_arguments(tmp_path):
    child, title = start(tmp_path, ["5"])
    assert title == "Procession — terminate() vs kill()"
    assert stop(child)[0] == 0
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "a.toml", "b.toml"],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and "usage" in done.stderr


def test_sigterm_during_a_run_stops_every_worker_within_10_s(tmp_path):
    scenario = tmp_path / "stubborn.toml"
    scenario.write_text(
        'title = "stubborn"\nstart_method = "fork"\n'
        '[[workers]]\nname = "polite"\ntarget = "forever"\n'
        '[[workers]]\nname = "stubborn"\ntarget = "ignore_sigterm"\n'
    )
    child, title = start(tmp_path, [str(scenario)], press_run=True)
    assert "stubborn" in title
    status, took, _, err = stop(child)
    assert status == 0, err
    assert took <= 10.0
    # the autouse guard then checks that no process of the run is left
