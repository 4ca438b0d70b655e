"""The app's own death and shutdown (DESIGN §4 promises 4 and 5).

Tested the way loky tests it: a harness starts the real app in a subprocess
(output to files: a pipe inherited by the workers would keep the harness
waiting), waits until its workers run, records every process of that run,
kills or signals the app, and checks what is left. Every process of a run
carries a unique environment variable, so even a re-parented grandchild is
found.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from core.export import recording
from core.model.outcomes import Outcome
from tests.helpers import run
from tests.reliability.support import (
    METHODS,
    ROOT,
    descendants_of,
    describe,
    lane,
    living,
    processes_with_env,
    python,
    record,
    wait_until,
)

SCENARIO = """
title = "app death"

[[workers]]
name = "kids"
target = "spawn_children"
args = { count = 2, how = "subprocess", child_seconds = 60 }

[[workers]]
name = "mpkids"
target = "spawn_children"
args = { count = 1, how = "multiprocessing", child_seconds = 60 }

[[workers]]
name = "stubborn"
target = "ignore_sigterm"

[[workers]]
name = "loop"
target = "forever"
"""
WORKERS = 4
GRANDCHILDREN = 3


class CliRun:
    """``python main.py run`` in a subprocess, marked and watched."""

    def __init__(self, tmp: Path, method: str, *extra: str, group: bool = False):
        self.tmp = tmp
        self.mark = f"PROCESSION_APP_DEATH={uuid.uuid4().hex}"
        scenario = tmp / "app-death.toml"
        scenario.write_text(SCENARIO)
        self.out = tmp / "out.txt"
        self.err = tmp / "err.txt"
        env = dict(os.environ)
        key, _, value = self.mark.partition("=")
        env[key] = value
        command = [python(), str(ROOT / "main.py"), "run", str(scenario)]
        command += ["--start-method", method, *extra]
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.app = subprocess.Popen(
                command,
                stdout=out,
                stderr=err,
                env=env,
                cwd=tmp,
                # like a shell's foreground job: Ctrl+C goes to the whole group
                process_group=0 if group else None,
            )

    def log(self) -> str:
        return self.out.read_text(errors="replace")

    def wait_until_running(self, timeout: float = 20) -> list[int]:
        """Wait until every worker booted and the grandchildren exist; return
        the pids of every process of the run (the app excluded)."""

        def ready() -> bool:
            log = self.log()
            return (
                log.count("booted: pid") == WORKERS
                and log.count("| started ") == 2
                and "| SIGTERM is now ignored" in log
            )

        took = wait_until(ready, timeout, 0.05)
        assert took is not None, f"the run never got going:\n{self.log()}"
        pids = [p for p in self.marked() if p != self.app.pid]
        # conductor, forkserver/resource tracker, 4 workers, 3 grandchildren
        assert len(pids) >= 1 + WORKERS + GRANDCHILDREN, [describe(p) for p in pids]
        return pids

    def marked(self) -> list[int]:
        return processes_with_env(self.mark)

    def close(self) -> None:
        if self.app.poll() is None:
            self.app.kill()
        self.app.wait(timeout=10)


@pytest.fixture
def cli_runs(tmp_path):
    runs: list[CliRun] = []

    def start(method: str, *extra: str, group: bool = False) -> CliRun:
        runs.append(CliRun(tmp_path, method, *extra, group=group))
        return runs[-1]

    yield start
    for item in runs:
        item.close()


@pytest.mark.parametrize("method", METHODS)
def test_sigkilled_cli_leaves_no_process_of_its_run_within_5_s(cli_runs, method):
    app = cli_runs(method)
    pids = app.wait_until_running()
    app.app.kill()
    killed = time.monotonic()
    # A dying process's environment reads empty before it is gone: check the
    # recorded pids too.
    gone = wait_until(lambda: not app.marked() and not living(pids), 5.0)
    left = set(app.marked()) | set(living(pids))
    assert gone is not None, "left behind: " + "; ".join(map(describe, left))
    record(
        f"CLI SIGKILLed ({method}): every process of the run gone after (s)",
        round(gone, 3),
    )
    assert app.app.wait(timeout=5) == -signal.SIGKILL
    assert time.monotonic() - killed < 6


@pytest.mark.parametrize(
    ("how", "method", "status"),
    [("SIGINT", "forkserver", 130), ("SIGTERM", "spawn", 143), ("SIGINT", "fork", 130)],
)
def test_ctrl_c_or_sigterm_stops_every_worker_and_prints_final_states(
    cli_runs, tmp_path, how, method, status
):
    recorded = tmp_path / "run.json"
    app = cli_runs(method, "--record", str(recorded), group=True)
    pids = app.wait_until_running()
    sent = time.monotonic()
    if how == "SIGINT":  # Ctrl+C in a terminal: the whole foreground group
        os.killpg(app.app.pid, signal.SIGINT)
    else:
        app.app.send_signal(signal.SIGTERM)
    assert app.app.wait(timeout=10) == status
    took = time.monotonic() - sent
    record(
        f"CLI {how} ({method}) with a SIGTERM-ignoring worker: exit after (s)",
        round(took, 3),
    )
    assert took < 10
    left = wait_until(lambda: not app.marked() and not living(pids), 1.0)
    assert left is not None, [describe(p) for p in {*app.marked(), *living(pids)}]
    # Every lane shows its final state before the app goes away.
    model = recording.load(recorded)
    outcomes = {w.name: w.outcome for w in model.worker_lanes()}
    assert all(outcomes.values()), outcomes
    assert outcomes["stubborn"] is Outcome.KILLED
    assert outcomes["loop"] is Outcome.OK  # it honoured the cooperative stop
    assert lane(model, "kids").cleaned_up == 2
    log = app.log()
    assert "Stopping every worker" in log
    assert "stubborn: killed by SIGKILL (−9), sent by stop (SIGTERM ignored" in log
    assert "Traceback" not in app.err.read_text()


@pytest.mark.parametrize("method", METHODS)
def test_a_killed_conductor_shows_a_broken_run_and_the_next_run_works(method):
    state: dict[str, Any] = {}

    def on_events(session, model, events):
        kids = lane(model, "kids")
        if "killed" not in state and any(
            o.text.startswith("started") for o in kids.output
        ):
            if lane(model, "stubborn").state != "running":
                return
            state["pids"] = [
                *session.worker_pids().values(),
                *descendants_of(session.conductor_pid),
            ]
            os.kill(session.conductor_pid, signal.SIGKILL)
            state["killed"] = time.monotonic()

    model = run(
        {
            "start_method": method,
            "workers": [
                {"name": "kids", "target": "spawn_children", "args": {"count": 2}},
                {"name": "stubborn", "target": "ignore_sigterm"},
            ],
        },
        on_events=on_events,
        timeout=15,
    )
    assert model.broken and model.finished
    assert any(
        "conductor (main program) died with exit code -9" in n
        for n in model.main.notices
    )
    for worker in model.worker_lanes():
        assert worker.outcome is Outcome.LOST
        assert "exit status unavailable" in worker.explanation.sentence
    gone = wait_until(lambda: not living(state["pids"]), 5.0)
    assert gone is not None, [describe(p) for p in living(state["pids"])]
    record(
        f"conductor SIGKILLed ({method}): workers and grandchildren gone after (s)",
        round(time.monotonic() - state["killed"], 3),
    )
    # The same process runs the next scenario normally.
    again = run({"start_method": method, "workers": [{"name": "n", "target": "noop"}]})
    assert not again.broken and lane(again, "n").outcome is Outcome.OK
