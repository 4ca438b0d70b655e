"""Issue 9, defect 17: a run leaves nothing in the temporary folder, and what a
killed app left is removed by the next run, but only once its owner is gone.

Before the fix every forkserver run left ``$TMPDIR/pymp-*`` with the
forkserver's socket (the conductor ends with ``os._exit``, which skips
multiprocessing's clean-up), and a killed app left ``procession-run-*``
holding logs and the user's code for good.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.engine import process_tree
from tests.reliability.support import ROOT, processes_with_env, python, wait_until

MAIN = [python(), str(ROOT / "main.py")]


@pytest.fixture
def tmp() -> Iterator[Path]:
    """A private temporary folder as short as a usual $TMPDIR (the forkserver's
    socket must fit in 107 bytes; pytest's own folders are long)."""
    path = Path(tempfile.mkdtemp(prefix="h3-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _env(tmp: Path, mark: str) -> dict[str, str]:
    return {**os.environ, "TMPDIR": str(tmp), "H3_RUN_DIR_MARK": mark}


@pytest.mark.parametrize("deep", [False, True])
def test_a_forkserver_run_leaves_nothing_in_the_temporary_folder(tmp, deep):
    """Also from a $TMPDIR too deep for the socket to live in the run folder."""
    if deep:
        tmp = tmp / ("deep-" * 12)
        tmp.mkdir()
    done = subprocess.run(
        [*MAIN, "run", "1", "--start-method", "forkserver", "--quiet"],
        env=_env(tmp, "clean"),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp.iterdir()) == []


def test_the_next_run_removes_what_a_killed_app_left_but_not_a_live_runs(tmp):
    mark = f"H3_RUN_DIR_MARK=killed-{os.getpid()}"
    app = subprocess.Popen(
        [*MAIN, "run", "1", "--start-method", "forkserver"],
        env=_env(tmp, mark.split("=", 1)[1]),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert app.stdout is not None
        said = b""
        deadline = time.monotonic() + 30
        while b"booted" not in said and time.monotonic() < deadline:
            if select.select([app.stdout], [], [], 1.0)[0]:
                said += os.read(app.stdout.fileno(), 4096)
        assert b"booted" in said, said
        app.send_signal(signal.SIGKILL)  # the app dies without cleaning up
        app.wait()
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    # Its conductor and workers follow it (lifelines); then its folder is an orphan.
    assert wait_until(lambda: not processes_with_env(mark), 10) is not None
    left = [p for p in tmp.iterdir() if p.name.startswith("procession-run-")]
    assert len(left) == 1, list(tmp.iterdir())
    # A folder whose owner still runs (this test process) must be kept.
    live = tmp / "procession-run-live"
    live.mkdir()
    (live / "owner").write_text(
        f"{os.getpid()} {process_tree.start_stamp(os.getpid())}\n"
    )
    done = subprocess.run(
        [*MAIN, "run", "1", "--quiet"],
        env=_env(tmp, "next"),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp.iterdir()) == ["procession-run-live"], [
        (p, sorted(p.iterdir()), (p / "owner").read_text()) for p in tmp.iterdir()
    ]
