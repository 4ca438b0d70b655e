"""Issue 9, defect 13: a second SIGTERM, or a double Ctrl+C, during shutdown
hurries it (straight to SIGKILL), still prints the table and writes the
outputs, and exits 143 / 130 without a traceback.

Before the fix the second signal raised ``core.cli._Stopped`` inside the
shutdown: a traceback, exit status 1 (or -2), no table and no recording.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.reliability.support import ROOT, python

MAIN = [python(), str(ROOT / "main.py")]

SCENARIO = """title = "stubborn"
start_method = "fork"

[[workers]]
name = "stubborn"
target = "ignore_sigterm"
"""


@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)]
)
def test_a_second_signal_hurries_the_shutdown_and_keeps_the_results(
    signum, status, tmp_path: Path
):
    scenario = tmp_path / "stubborn.toml"
    scenario.write_text(SCENARIO)
    record = tmp_path / "run.json"
    cli = subprocess.Popen(
        [*MAIN, "run", str(scenario), "--record", str(record)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group: Ctrl+C reaches the whole group
    )
    try:
        assert cli.stdout is not None
        said = b""
        deadline = time.monotonic() + 30
        while b"SIGTERM is now ignored" not in said and time.monotonic() < deadline:
            if select.select([cli.stdout], [], [], 1.0)[0]:
                said += os.read(cli.stdout.fileno(), 4096)
        assert b"SIGTERM is now ignored" in said, said
        # Ctrl+C: the terminal signals the whole foreground group (the
        # conductor ignores SIGINT); SIGTERM: `kill PID`, the CLI alone.
        send = os.killpg if signum == signal.SIGINT else os.kill
        send(cli.pid, signum)
        time.sleep(0.3)  # inside the graceful shutdown (flag, 1 s, SIGTERM, 2 s)
        send(cli.pid, signum)
        out, err = cli.communicate(timeout=30)
    finally:
        if cli.poll() is None:
            os.killpg(cli.pid, signal.SIGKILL)
            cli.wait()
    out = said + out
    assert cli.returncode == status, err.decode()
    assert b"Traceback" not in err, err.decode()
    assert b"stubborn" in out.split(b"Stopping every worker")[-1]  # the table
    # The second signal skipped the SIGTERM step: the worker was killed at once.
    rows = json.loads(record.read_text())["events"]
    signals = [row[-1].get("signal") for row in rows if row[0] == "signal_sent"]
    assert signals == ["SIGKILL"], signals
    [ended] = [row[-1] for row in rows if row[0] == "exited"]
    assert ended["exitcode"] == -signal.SIGKILL
