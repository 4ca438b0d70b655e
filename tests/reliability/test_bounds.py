"""Every run ends within its bounds whatever its workers do, and no process of a
run outlives the app by more than a few seconds whatever state the conductor is
in (issue 9, defects 1-4 and 16): a conductor frozen by SIGSTOP, stuck behind a
thread that holds the GIL, flooded with a frame that claims 2 GiB, or killed
while a grandchild of its own session runs.
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

from core.model.events import EventKind
from core.model.outcomes import Outcome
from tests.helpers import run
from tests.reliability.support import (
    ROOT,
    custom,
    describe,
    events_of,
    lane,
    living,
    processes_with_env,
    python,
    record,
    wait_until,
)

# Each says when it acts by creating ``flag``: once the conductor is stuck, no
# output of theirs reaches the app any more.
FREEZE_CONDUCTOR = """
import os, signal, time

def freeze(flag=""):
    time.sleep(0.3)
    if flag:
        open(flag, "w").close()
    os.kill(os.getppid(), signal.SIGSTOP)
    while True:
        time.sleep(0.05)
"""

HOLD_THE_GIL = """
import time

def hold(flag=""):
    time.sleep(0.3)
    if flag:
        open(flag, "w").close()
    sum(range(10**11))  # one C call: minutes without releasing the GIL
"""

GIANT_FRAME = """
import os, time
from core.worker import target_api

def claim():
    fd = target_api.current().reporter._conn.fileno()
    time.sleep(0.3)
    os.write(fd, (2**31 - 1).to_bytes(4, "big", signed=True))
    chunk = b"x" * 65536
    for _ in range(16384):  # up to 1 GiB, as fast as the pipe takes it
        os.write(fd, chunk)
"""

OWN_SESSION = """
import subprocess, time
from core.worker import target_api

def escape():
    child = subprocess.Popen(["sleep", "120"], start_new_session=True)
    target_api.mark("escaped", pid=child.pid)
    while True:
        time.sleep(0.05)
"""


TOML_LITERAL = "'" * 3  # a multi-line literal string in TOML


class CliRun:
    """``python main.py run`` in a subprocess whose run carries a marker."""

    def __init__(self, tmp: Path, toml: str, *extra: str) -> None:
        self.mark = f"PROCESSION_BOUNDS={uuid.uuid4().hex}"
        path = tmp / "scenario.toml"
        path.write_text(toml)
        self.out = tmp / "out.txt"
        key, _, value = self.mark.partition("=")
        with open(self.out, "wb") as out:
            self.app = subprocess.Popen(
                [python(), str(ROOT / "main.py"), "run", str(path), *extra],
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, key: value},
                cwd=tmp,
            )

    def log(self) -> str:
        return self.out.read_text(errors="replace")

    def marked(self) -> list[int]:
        return [p for p in processes_with_env(self.mark) if p != self.app.pid]

    def close(self) -> None:
        if self.app.poll() is None:
            self.app.kill()
        self.app.wait(timeout=10)


@pytest.fixture
def cli_run(tmp_path):
    runs: list[CliRun] = []

    def start(toml: str, *extra: str) -> CliRun:
        runs.append(CliRun(tmp_path, toml, *extra))
        return runs[-1]

    yield start
    for item in runs:
        item.close()


def toml_worker(name: str, code: str, function: str, flag: Path | None = None) -> str:
    lines = [
        "[[workers]]",
        f'name = "{name}"',
        'target = "custom"',
        f'function = "{function}"',
        "code = " + TOML_LITERAL + code + TOML_LITERAL,
    ]
    if flag is not None:
        lines.append(f'args = {{ flag = "{flag}" }}')
    return "\n".join(lines) + "\n"


# -- defect 1: a conductor frozen by SIGSTOP -------------------------------------


def test_timeout_ends_a_run_whose_conductor_was_frozen_by_sigstop(cli_run):
    app = cli_run(
        toml_worker("freezer", FREEZE_CONDUCTOR, "freeze"),
        "--start-method",
        "fork",
        "--timeout",
        "1",
    )
    started = time.monotonic()
    status = app.app.wait(timeout=60)  # hang guard: about 7 s
    took = time.monotonic() - started
    log = app.log()
    record(
        "defect 1: --timeout 1 with a SIGSTOPped conductor, CLI exits after (s)",
        round(took, 2),
    )
    assert status == 0, log
    assert "did not answer" in log and "freezer" in log.split("Run took")[0]
    assert "Traceback" not in log
    gone = wait_until(lambda: not app.marked(), 10)
    assert gone is not None, [describe(p) for p in app.marked()]


# -- defect 2: a thread worker that holds the GIL --------------------------------


def test_stop_ends_a_run_whose_thread_holds_the_gil_and_says_abandoned(tmp_path):
    state: dict[str, Any] = {}
    flag = tmp_path / "holding"

    def on_events(link, model, events):
        if "asked" not in state and flag.exists():
            link.request_shutdown()
            state["asked"] = time.monotonic()

    holder = custom("holder", HOLD_THE_GIL, "hold", args={"flag": str(flag)})
    model = run(
        {"mode": "thread", "workers": [holder]},
        on_events=on_events,
        timeout=60,  # hang guard: about 6 s
    )
    took = time.monotonic() - state["asked"]
    record(
        "defect 2: stop with a GIL-holding thread, run ended after (s)", round(took, 2)
    )
    holder = lane(model, "holder")
    assert model.finished and model.broken
    assert holder.explanation is not None
    assert holder.explanation.label == "abandoned", holder.explanation
    assert "holds the GIL" in holder.explanation.sentence  # and why
    assert any("did not answer" in n for n in model.main.notices), model.main.notices


# -- defect 3: the app is SIGKILLed while its conductor is stuck ------------------


@pytest.mark.parametrize("stuck", ["sigstop", "gil"])
def test_no_process_outlives_a_killed_app_whose_conductor_is_stuck(
    cli_run, tmp_path, stuck
):
    flag = tmp_path / "stuck"
    if stuck == "sigstop":
        toml = toml_worker("stuck", FREEZE_CONDUCTOR, "freeze", flag)
    else:
        toml = 'mode = "thread"\n' + toml_worker("stuck", HOLD_THE_GIL, "hold", flag)
    toml += '[[workers]]\nname = "loop"\ntarget = "forever"\nmode = "process"\n'
    app = cli_run(toml, "--start-method", "spawn")
    assert wait_until(flag.exists, 30) is not None, app.log()
    time.sleep(0.5)
    pids = app.marked()
    assert len(pids) >= 2, [describe(p) for p in pids]
    app.app.kill()
    killed = time.monotonic()
    gone = wait_until(lambda: not app.marked() and not living(pids), 30)
    left = set(app.marked()) | set(living(pids))
    assert gone is not None, "left behind: " + "; ".join(map(describe, left))
    record(
        f"defect 3 ({stuck}): app SIGKILLed, every process gone after (s)",
        round(gone, 2),
    )
    assert time.monotonic() - killed < 30  # hang guard: about 2.5 s


# -- defect 4: a worker that claims a 2 GiB frame ---------------------------------


def test_a_frame_larger_than_the_limit_breaks_only_that_channel():
    state: dict[str, Any] = {}

    def on_events(link, model, events):
        if "asked" not in state and model.now() > 1.5:
            link.request_shutdown()
            state["asked"] = time.monotonic()

    started = time.monotonic()
    model = run(
        {
            "start_method": "fork",
            "workers": [
                custom("claimer", GIANT_FRAME, "claim"),
                {"name": "bystander", "target": "forever"},
            ],
        },
        on_events=on_events,
        timeout=60,  # hang guard: about 2.5 s
    )
    record(
        "defect 4: 2 GiB frame claim, run ended after (s)",
        round(time.monotonic() - started, 2),
    )
    assert not model.broken
    [broken] = events_of(model, "claimer", EventKind.CHANNEL_BROKEN)
    assert "frame of 2147483647 bytes" in broken.data.error
    assert lane(model, "bystander").outcome is Outcome.OK  # it honoured stop


# -- defect 16: a grandchild with a session of its own, conductor SIGKILLed -------


def test_a_grandchild_of_its_own_session_dies_with_a_killed_conductor():
    state: dict[str, Any] = {}

    def on_events(link, model, events):
        escaped = [e for e in events if e.kind is EventKind.MARK]
        if escaped and "killed" not in state:
            state["pid"] = int(escaped[0].data.data["pid"])
            os.kill(link.conductor_pid, signal.SIGKILL)
            state["killed"] = time.monotonic()

    model = run(
        {"start_method": "fork", "workers": [custom("escaper", OWN_SESSION, "escape")]},
        on_events=on_events,
        timeout=60,
    )
    assert model.broken
    gone = wait_until(lambda: not living([state["pid"]]), 10)
    assert gone is not None, describe(state["pid"])
    record(
        "defect 16: conductor SIGKILLed, own-session grandchild gone after (s)",
        round(time.monotonic() - state["killed"], 3),
    )
