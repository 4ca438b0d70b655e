"""Issue 9, defect 12: every output path is checked before the run starts, and
one output that still fails at the end does not cost the others.

Before the fix ``--summary /nonexistent/x.json`` (or ``--trace`` to a directory,
``--record`` to ``/proc/version``, ``--png`` into a missing folder) ran the whole
scenario, then printed a traceback, exited 1 and skipped the later outputs.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.reliability.support import ROOT, python

MAIN = [python(), str(ROOT / "main.py")]

SCENARIO = """title = "outputs"
start_method = "fork"

[[workers]]
name = "napper"
target = "sleep"
args = {{ seconds = {seconds} }}
"""


def _scenario(tmp_path: Path, seconds: float) -> str:
    path = tmp_path / "outputs.toml"
    path.write_text(SCENARIO.format(seconds=seconds))
    return str(path)


BAD = [
    ("--summary", "/nonexistent/x.json", "does not exist"),
    ("--trace", "{tmp}", "is a directory"),
    ("--record", "/proc/version", "cannot write"),
    ("--png", "{tmp}/missing/x.png", "does not exist"),
    ("--svg", "{tmp}/missing/x.svg", "does not exist"),
]


@pytest.mark.parametrize(("option", "target", "words"), BAD)
def test_a_bad_output_path_is_refused_before_the_run_starts(
    option, target, words, tmp_path
):
    target = target.format(tmp=tmp_path)
    started = time.monotonic()
    done = subprocess.run(
        [*MAIN, "run", _scenario(tmp_path, 3.0), option, target],
        capture_output=True,
        text=True,
        timeout=60,
    )
    took = time.monotonic() - started
    assert done.returncode == 2, (done.stdout, done.stderr)
    [line] = done.stderr.splitlines()
    assert option in line and target in line and words in line, line
    assert done.stdout == ""  # nothing ran: no live log, no table
    assert took < 3.0  # the 3 s worker never started


def test_an_output_that_fails_at_the_end_is_named_and_the_others_are_written(
    tmp_path,
):
    """The summary's folder disappears while the run goes on: that one write
    fails in one line; the trace, the recording and the PNG are still written."""
    doomed = tmp_path / "doomed"
    doomed.mkdir()
    kept = tmp_path / "kept"
    kept.mkdir()
    summary = doomed / "s.json"
    outputs = {
        "--summary": summary,
        "--trace": kept / "t.json",
        "--record": kept / "r.json",
        "--png": kept / "p.png",
    }
    command = [python(), str(ROOT / "main.py"), "run", _scenario(tmp_path, 1.5)]
    for option, path in outputs.items():
        command += [option, str(path)]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    cli = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        assert cli.stdout is not None
        said = b""
        deadline = time.monotonic() + 30
        while b"running sleep" not in said and time.monotonic() < deadline:
            if select.select([cli.stdout], [], [], 1.0)[0]:
                said += os.read(cli.stdout.fileno(), 4096)
        assert b"running sleep" in said, said
        shutil.rmtree(doomed)  # the summary can no longer be written
        out, err = cli.communicate(timeout=60)
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
    errors = err.decode().splitlines()
    assert cli.returncode == 1, err.decode()
    assert len(errors) == 1 and "--summary" in errors[0] and str(summary) in errors[0]
    assert "Traceback" not in err.decode()
    assert b"napper" in out  # the table was printed
    trace = json.loads(outputs["--trace"].read_text())
    assert trace["traceEvents"]
    assert json.loads(outputs["--record"].read_text())["events"]
    assert outputs["--png"].read_bytes().startswith(b"\x89PNG")
