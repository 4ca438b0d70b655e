"""The command line, as a user runs it: real subprocesses, real files."""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.export import recording
from core.model.outcomes import Outcome

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd="/",
    )  # works from any directory


def test_lessons_are_listed_in_order():
    result = cli("lessons")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) >= 9
    assert (
        lines[0].startswith("01-two-processes-joined")
        and "Two processes, joined" in lines[0]
    )
    assert [line[:2] for line in lines] == sorted(line[:2] for line in lines)


def test_run_prints_a_table_and_writes_summary_trace_and_recording(tmp_path):
    out = {name: tmp_path / f"{name}.json" for name in ("summary", "trace", "record")}
    result = cli(
        "run",
        "3",
        "--start-method",
        "fork",
        "--summary",
        str(out["summary"]),
        "--trace",
        str(out["trace"]),
        "--record",
        str(out["record"]),
    )
    assert result.returncode == 0, result.stderr
    assert "| Traceback (most recent call last):" in result.stdout  # the live log
    table = result.stdout[result.stdout.index("worker ") :]
    assert "buggy" in table and "error" in table and "NameError" in table
    summary = json.loads(out["summary"].read_text())
    assert summary["title"] == "An error in the child"
    assert summary["events"]["missing"] == 0 and summary["events"]["received"] > 10
    workers = {w["name"]: w for w in summary["workers"]}
    assert workers["buggy"]["outcome"] == "error" and workers["buggy"]["exitcode"] == 1
    assert workers["buggy"]["error"]["type"] == "NameError"
    assert workers["healthy"]["output"] == ["I'm going to sleep", "I'm awake"]
    assert workers["healthy"]["error"] is None
    for worker in workers.values():
        times = [
            worker[k]
            for k in (
                "start_called",
                "target_started",
                "target_ended",
                "exited",
                "joined",
            )
        ]
        assert times == sorted(times) and times[-1] <= summary["wall_seconds"]
    assert summary["main"]["finished"] <= summary["wall_seconds"]
    replayed = recording.load(out["record"])
    assert {lane.name: lane.outcome for lane in replayed.worker_lanes()} == {
        "healthy": Outcome.OK,
        "buggy": Outcome.ERROR,
    }
    assert recording.load(out["trace"]).events == replayed.events  # traces reopen too


def test_trace_follows_the_perfetto_rules(tmp_path):
    path = tmp_path / "t.json"
    assert cli("run", "7", "--quiet", "--trace", str(path)).returncode == 0
    trace = json.loads(path.read_text())
    events = trace["traceEvents"]
    names = {e["args"]["name"] for e in events if e["name"] == "thread_name"}
    assert {"main program", "thread-1", "thread-2", "process-1", "process-2"} <= names
    for event in events:
        assert event["pid"] > 0 and 0 < event["tid"] < 2**32
        if event["ph"] == "M":
            assert "ts" not in event
        else:
            assert 0 <= event["ts"] < 60e6  # microseconds, run-relative
    spans = [e for e in events if e["ph"] == "X"]
    by_track: dict = {}
    for span in spans:
        by_track.setdefault((span["pid"], span["tid"]), []).append(span)
    for track in by_track.values():  # consecutive states never overlap
        track.sort(key=lambda e: e["ts"])
        for a, b in itertools.pairwise(track):
            assert a["ts"] + a["dur"] <= b["ts"] + 1
    exits = [e for e in events if e["ph"] == "i" and e["cat"] == "exit"]
    assert len(exits) == 4 and all("outcome" in e["args"] for e in exits)
    assert any(e["ph"] == "C" for e in events)  # CPU / RSS counters


def test_invalid_scenario_exits_2_with_one_clear_message(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('title = "x"\n\n[[workers]]\ntarget = "sleep"\ncount = -3\n')
    result = cli("run", str(path))
    assert result.returncode == 2
    assert result.stderr == (
        f"procession: {path}: line 5: workers[0].count: "
        "expected a whole number from 1 to 1024, got -3\n"
    )
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_unknown_lesson_and_bad_flags_exit_2():
    result = cli("run", "no-such-lesson")
    assert result.returncode == 2 and "no such file or lesson" in result.stderr
    result = cli("run", "1", "--start-method", "vfork")
    assert result.returncode == 2 and "invalid choice: 'vfork'" in result.stderr
    result = cli("run", "1", "--timeout", "nan")
    assert result.returncode == 2 and "expected a number" in result.stderr
    result = cli("run", "4", "--mode", "thread")
    assert result.returncode == 2
    assert "threads cannot be force-stopped" in result.stderr


def test_timeout_stops_a_run_that_would_never_end(tmp_path):
    path = tmp_path / "forever.toml"
    path.write_text('[[workers]]\nname = "loop"\ntarget = "forever"\n')
    started = time.monotonic()
    result = cli("run", str(path), "--start-method", "fork", "--timeout", "0.5")
    assert result.returncode == 0
    assert time.monotonic() - started < 30  # hang guard (about 2 s)
    assert "stop requested (requested by the user)" in result.stdout
    assert "returned 'stopped' normally (exit code 0)" in result.stdout


def test_ctrl_c_stops_everything_and_still_prints_the_table(tmp_path):
    path = tmp_path / "stubborn.toml"
    path.write_text('[[workers]]\nname = "stubborn"\ntarget = "ignore_sigterm"\n')
    log = tmp_path / "out.txt"
    with open(log, "w") as handle:
        app = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "main.py"),
                "run",
                str(path),
                "--start-method",
                "fork",
            ],
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while "SIGTERM is now ignored" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        stopped = time.monotonic()
        app.send_signal(signal.SIGINT)
        assert app.wait(timeout=15) == 130
    assert time.monotonic() - stopped < 30  # hang guard (about 3.5 s)
    text = log.read_text()
    assert "SIGKILL sent by stop (SIGTERM ignored for 2 s)" in text
    assert "stubborn" in text[text.index("worker ") :] and "killed" in text
