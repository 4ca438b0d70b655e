"""Benchmark 6 (window half): ``python main.py`` → the first painted window.

On a virtual X screen (Xvfb, started here and stopped after), with a warm page
cache (one launch first, not counted). The clock starts just before the
process is created and stops at the end of the window's first paint pass, as
:mod:`bench.first_paint_hook` reports it. Baseline in the same invocation: a
bare QMainWindow with a pyqtgraph PlotWidget, the floor for any window built
on PySide6 + pyqtgraph here.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from bench import common

TARGET_S = 1.0
HOOK = "import bench.first_paint_hook as h; h.main()"


@contextlib.contextmanager
def xvfb() -> Iterator[str | None]:
    """A private X display (":N"), or None if Xvfb is not installed."""
    for number in range(91, 140):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            break
    else:
        yield None
        return
    try:
        server = subprocess.Popen(
            # -noreset: a reset when the last client leaves refuses new ones
            [
                "Xvfb",
                f":{number}",
                "-screen",
                "0",
                "1600x1000x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        yield None
        return
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Xvfb did not start")
            time.sleep(0.02)
        yield f":{number}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


def launch(display: str, args: list[str]) -> float:
    """Seconds from process creation to the end of the first paint."""
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    began = time.monotonic_ns()
    done = subprocess.run(
        [sys.executable, "-c", HOOK, *args],
        cwd=common.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith("FIRST_PAINT_NS "):
            return (int(line.split()[1]) - began) / 1e9
    tail = (done.stderr or done.stdout).strip().splitlines()[-2:]
    raise RuntimeError(f"no first paint reported: {' / '.join(tail)}")


def add_to(report: common.Report, quick: bool) -> None:
    trials = 1 if quick else 5
    with xvfb() as display:
        if display is None:
            report.check(
                "python main.py → first painted window (Xvfb, warm)",
                f"≤ {TARGET_S:g} s",
                "not measured",
                None,
                "Xvfb is not installed",
            )
            return
        launch(display, ["main.py"])  # warm the page cache
        launch(display, ["--baseline"])
        app: list[float] = []
        base: list[float] = []
        for _ in range(trials):
            app.append(launch(display, ["main.py"]))
            base.append(launch(display, ["--baseline"]))
    value = common.median(app)
    report.tables.append(
        common.table(
            [
                "launch → first painted window (Xvfb)",
                "trials",
                "median s",
                "min",
                "max",
            ],
            [
                ["python main.py", trials, value, min(app), max(app)],
                [
                    "bare PySide6 + pyqtgraph window",
                    trials,
                    common.median(base),
                    min(base),
                    max(base),
                ],
            ],
        )
    )
    report.data["first_paint_s"] = app
    report.data["baseline_first_paint_s"] = base
    report.check(
        "python main.py → first painted window (Xvfb, warm)",
        f"≤ {TARGET_S:g} s",
        f"{value:.2f} s",
        value <= TARGET_S,
        f"bare PySide6+pyqtgraph window {common.median(base):.2f} s "
        f"({common.ratio(value, common.median(base)):.1f}×)",
    )
