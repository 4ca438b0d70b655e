"""The window SIGKILLed mid-run: within 5 s nothing of its run is left
(DESIGN §4 promise 5, "also when the GUI is SIGKILLed").

The offscreen platform cannot receive a key press, so this starts the real
window on a virtual X screen (Xvfb), presses F5 there with xdotool, waits until
the workers and their children run, and SIGKILLs the window's process.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.support import (
    METHODS,
    ROOT,
    describe,
    living,
    processes_with_env,
    python,
    record,
    wait_until,
)

SCENARIO = """
title = "window death"
start_method = "{method}"

[[workers]]
name = "kids"
target = "spawn_children"
args = {{ count = 2, how = "subprocess", child_seconds = 60 }}

[[workers]]
name = "stubborn"
target = "ignore_sigterm"
"""

pytestmark = pytest.mark.skipif(
    not (shutil.which("Xvfb") and shutil.which("xdotool")),
    reason="needs Xvfb and xdotool to press F5 in a real window "
    "(the offscreen platform takes no key presses)",
)


_SERVERS: dict[str, subprocess.Popen[bytes]] = {}


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    number = 400 + os.getpid() % 500
    while os.path.exists(f"/tmp/.X11-unix/X{number}") or os.path.exists(
        f"/tmp/.X{number}-lock"
    ):
        number += 1
    # -noreset: by default the server resets when its last client leaves, and
    # a client connecting meanwhile is refused. The polling xdotool leaves
    # every 0.2 s while the app connects (xdpyinfo beside a stream of xdotool
    # calls: 20 connections of 400 refused; none with -noreset). CI saw the
    # app die of it: its window never appeared.
    server = subprocess.Popen(
        [
            "Xvfb",
            f":{number}",
            "-screen",
            "0",
            "1400x900x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_until(lambda: os.path.exists(f"/tmp/.X11-unix/X{number}"), 10)
        _SERVERS[f":{number}"] = server
        yield f":{number}"
    finally:
        server.kill()
        server.wait(timeout=10)


def _window(display: str) -> str | None:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", "Procession"],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
    )
    ids = found.stdout.split()
    return ids[0] if ids else None


def _press(display: str, window: str, key: str) -> None:
    # No window manager runs on this screen: give the window the focus
    # directly, then type the key as a real (XTEST) key press; Qt ignores
    # the synthetic events of "xdotool key --window".
    env = {**os.environ, "DISPLAY": display}
    subprocess.run(["xdotool", "windowfocus", "--sync", window], env=env, timeout=10)
    subprocess.run(["xdotool", "key", key], env=env, timeout=10)


def _why_no_window(display: str, app: subprocess.Popen[bytes], log: Path) -> str:
    """Everything that tells a window that never showed from a search that
    cannot see: the app's state, the X server's, xdotool's own words."""
    server = _SERVERS.get(display)
    search = subprocess.run(
        ["xdotool", "search", "--name", "."],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
    )
    try:
        wchan = Path(f"/proc/{app.pid}/wchan").read_text()
    except OSError:
        wchan = "?"
    return (
        f"the window never appeared: app {describe(app.pid)} exit={app.poll()} "
        f"waiting in {wchan!r}; X server exit="
        f"{server.poll() if server else '?'}; every window: "
        f"{search.returncode} {search.stdout.split()} {search.stderr.strip()!r}\n"
        f"app log:\n{log.read_text(errors='replace')}"
    )


def _sleeping_grandchildren(pids: list[int]) -> list[int]:
    return [p for p in pids if "time.sleep(60.0)" in describe(p)]


@pytest.mark.parametrize("method", METHODS)
def test_sigkilled_window_leaves_no_process_of_its_run_within_5_s(
    display, tmp_path: Path, method
):
    scenario = tmp_path / "window-death.toml"
    scenario.write_text(SCENARIO.format(method=method))
    mark = f"PROCESSION_GUI_DEATH={uuid.uuid4().hex}"
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    env[mark.split("=")[0]] = mark.split("=")[1]
    with open(tmp_path / "app.log", "wb") as log:
        app = subprocess.Popen(
            [python(), str(ROOT / "main.py"), str(scenario)],
            stdout=log,
            stderr=log,
            env=env,
            cwd=tmp_path,
        )
    try:
        window = None

        def shown() -> bool:
            nonlocal window
            window = _window(display)
            return window is not None

        assert wait_until(shown, 30, 0.2) is not None, _why_no_window(
            display, app, tmp_path / "app.log"
        )
        assert window is not None

        def started() -> bool:  # the conductor exists: F5 was taken
            return any(p != app.pid for p in processes_with_env(mark))

        def running() -> bool:
            return len(_sleeping_grandchildren(processes_with_env(mark))) == 2

        for _attempt in range(3):  # a key press can land before focus does
            _press(display, window, "F5")
            if wait_until(started, 8, 0.1) is not None:
                break
        else:
            pytest.fail(
                "F5 did not start the run:\n" + (tmp_path / "app.log").read_text()
            )
        assert wait_until(running, 30, 0.1) is not None, (
            "the workers never got going: "
            + "; ".join(map(describe, processes_with_env(mark)))
            + "\n"
            + (tmp_path / "app.log").read_text()
        )
        pids = [p for p in processes_with_env(mark) if p != app.pid]
        # conductor, 2 workers, 2 grandchildren (and multiprocessing's helpers)
        assert len(pids) >= 5, [describe(p) for p in pids]
        app.kill()
        # A dying process's environment reads empty before it is gone: check
        # the recorded pids too.
        gone = wait_until(
            lambda: not processes_with_env(mark) and not living(pids), 5.0
        )
        left = set(processes_with_env(mark)) | set(living(pids))
        assert gone is not None, "left behind: " + "; ".join(map(describe, left))
        record(f"window SIGKILLed ({method}): run gone after (s)", round(gone, 3))
        assert app.wait(timeout=5) == -signal.SIGKILL
    finally:
        if app.poll() is None:
            app.kill()
        app.wait(timeout=10)
