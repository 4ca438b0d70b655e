"""Hazards in the summary JSON and after the table on the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from core.export import recording
from core.hazards import detect
from core.hazards.report import WIDTH, as_text
from tests.core.hazard_runs import Run

ROOT = Path(__file__).resolve().parents[2]
DAEMON = """
title = "A daemon cut off at exit"
start_method = "fork"
join = false

[[workers]]
name = "logger"
target = "print_lines"
daemon = true
args = { count = 100, interval = 0.05 }

[[workers]]
name = "worker"
target = "sleep"
args = { seconds = 0.3 }
"""


def test_cli_prints_the_hazard_after_the_table_and_the_summary_has_it(tmp_path):
    scenario = tmp_path / "daemon.toml"
    scenario.write_text(DAEMON)
    summary, record = tmp_path / "summary.json", tmp_path / "run.json"
    result = subprocess.run(
        [
            sys.executable,
            "main.py",
            "run",
            "--quiet",
            str(scenario),
            "--summary",
            str(summary),
            "--record",
            str(record),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    table_end = result.stdout.index("hazard found")
    said = result.stdout[table_end:]
    assert said.startswith("hazard found in this run:")
    assert "1. Daemon process cut off when the program ended" in said
    assert "Fix: Call join() on it" in said
    for line in said.splitlines():
        assert len(line) <= WIDTH or line.strip().startswith("Read: https://")
    [hazard] = json.loads(summary.read_text())["hazards"]
    assert hazard["kind"] == "daemon_ended_at_exit"
    assert hazard["lanes"] == ["logger"] and hazard["lane"] == "logger"
    assert hazard["doc"].endswith("multiprocessing.html#multiprocessing.Process.daemon")
    assert 0 <= hazard["at"] < 0.3 and hazard["fix"] and hazard["message"]
    # the same hazard from the recording, as the window finds it on reopening
    reopened = recording.load(str(record))
    assert [h.kind for h in detect(reopened)] == ["daemon_ended_at_exit"]


def test_no_hazard_prints_nothing():
    run = Run()
    run.worker(1, "Process-1", 10, 20)
    run.join(1, 15, 23)
    assert as_text(run.model, run.finish(30)) == ""


def test_a_site_and_long_words_stay_within_the_width():
    run = Run()
    run.worker(1, "a-very-long-process-name-" * 3, 10, 20)
    [hazard] = run.finish(3000)  # never joined
    text = as_text(run.model, [hazard])
    assert all(
        len(line) <= WIDTH for line in text.splitlines() if "https://" not in line
    )
    assert "at 0.02 s" in text.replace("\n", " ")
