"""Issue 9, defect 11: only regular files are read as scenarios or recordings.

Before the fix a FIFO given as the scenario hung the command line silently (the
open waits for a writer that never comes) and the window blocked before it
appeared. Now a FIFO, a device or a directory is refused at once: exit status
2 and one message naming the file and what it is.
"""

from __future__ import annotations

import os
import select
import subprocess
import time
from pathlib import Path

import pytest

from tests.reliability.support import ROOT, python

HANG_GUARD = 20.0  # seconds; the refusal takes well under one


def _special(kind: str, tmp_path: Path, suffix: str) -> tuple[str, str]:
    """A path of that kind, and the word the message uses for it."""
    if kind == "fifo":
        path = tmp_path / f"f{suffix}"
        os.mkfifo(path)
        return str(path), "a named pipe (FIFO)"
    if kind == "directory":
        path = tmp_path / f"d{suffix}"
        path.mkdir()
        return str(path), "a directory"
    return "/dev/zero", "a device"


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_the_command_line_refuses_a_scenario_that_is_not_a_regular_file(kind, tmp_path):
    path, word = _special(kind, tmp_path, ".toml")
    try:
        done = subprocess.run(
            [python(), str(ROOT / "main.py"), "run", path, "--quiet"],
            capture_output=True,
            text=True,
            timeout=HANG_GUARD,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"run {path} still running after {HANG_GUARD} s")
    assert done.returncode == 2, done.stderr
    assert path in done.stderr and word in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""  # nothing started


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_opening_a_recording_that_is_not_a_regular_file_is_refused(kind, tmp_path):
    """What the window's Open does (file_commands.open_any), in a child process
    so that a hang is caught by the guard instead of hanging the suite."""
    path, word = _special(kind, tmp_path, ".json")
    code = (
        "import sys\n"
        "from core.input_checks import InputError\n"
        "from gui.export.file_commands import open_any\n"
        "try:\n"
        "    open_any(sys.argv[1])\n"
        "except InputError as error:\n"
        "    print(error.describe())\n"
    )
    try:
        done = subprocess.run(
            [python(), "-c", code, path],
            capture_output=True,
            text=True,
            timeout=HANG_GUARD,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"opening {path} still blocked after {HANG_GUARD} s")
    assert path in done.stdout and word in done.stdout, (done.stdout, done.stderr)
    assert "JSON" not in done.stdout  # the reason itself, not wrapped in another


def test_the_window_given_a_fifo_shows_the_message_and_opens(tmp_path):
    path, word = _special("fifo", tmp_path, ".json")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    app = subprocess.Popen(
        [python(), str(ROOT / "main.py"), path],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    try:
        assert app.stderr is not None
        said = b""
        deadline = time.monotonic() + HANG_GUARD
        while b"showing the first lesson" not in said or word.encode() not in said:
            left = deadline - time.monotonic()
            if left <= 0 or app.poll() is not None:
                break
            if select.select([app.stderr], [], [], left)[0]:
                chunk = os.read(app.stderr.fileno(), 4096)
                if not chunk:
                    break
                said += chunk
        text = said.decode(errors="replace")
        assert "cannot open" in text and word in text, text
        assert app.poll() is None  # the window is up, not blocked, not crashed
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()
