"""Benchmark 6: start-up.

* Engine: ``ConductorLink.start()`` → the conductor's RUN_STARTED (its first event,
  sent once it has imported the engine and built its handles), against a bare
  spawned child's first line. Target: ≤ 60 ms more than the bare spawn.
* Window: ``python main.py`` → the first painted frame of the main window on a
  virtual X screen (Xvfb), warm page cache. Target: ≤ 1.0 s. See
  :mod:`bench.first_paint` for how the paint is detected.
"""

from __future__ import annotations

import random
import time
from typing import Any

from bench import common
from bench.plain import bare_spawn_ns

TARGET_CONDUCTOR_MS = 60.0


def conductor_start_ns() -> int:
    """``ConductorLink.start()`` → RUN_STARTED, in ns (the run then finishes)."""
    from core.engine.program import ScenarioProgram
    from core.engine.run_to_end import run_to_end

    spec = common.scenario([{"name": "w", "target": "noop"}], start_method="fork")
    started: list[int] = []

    def on_events(_link: object, _model: object, events: list[Any]) -> None:
        started.extend(e.t_ns for e in events if e.kind == "run_started")

    began = time.monotonic_ns()
    run_to_end(ScenarioProgram(spec), give_up_after=30, on_events=on_events)
    if not started:
        raise RuntimeError("the conductor never reported RUN_STARTED")
    return started[0] - began


def run(quick: bool = False) -> common.Report:
    report = common.Report("6", "Start-up")
    trials = 2 if quick else 9
    bare: list[float] = []
    conductor: list[float] = []
    rng = random.Random(6)
    for _ in range(trials):
        order = [(bare, bare_spawn_ns), (conductor, conductor_start_ns)]
        rng.shuffle(order)
        for store, measure in order:
            store.append(common.ms(measure()))
    extra = common.median(conductor) - common.median(bare)
    report.tables.append(
        common.table(
            ["what", "trials", "median ms", "min ms", "max ms"],
            [
                [
                    "bare spawn → first line",
                    trials,
                    common.median(bare),
                    min(bare),
                    max(bare),
                ],
                [
                    "ConductorLink.start() → RUN_STARTED",
                    trials,
                    common.median(conductor),
                    min(conductor),
                    max(conductor),
                ],
            ],
        )
    )
    report.data["bare_ms"] = bare
    report.data["conductor_ms"] = conductor
    report.check(
        "conductor start over a bare spawn",
        f"≤ {TARGET_CONDUCTOR_MS:g} ms",
        f"+{extra:.1f} ms",
        extra <= TARGET_CONDUCTOR_MS,
        f"bare {common.median(bare):.0f} ms, conductor "
        f"{common.median(conductor):.0f} ms",
    )
    from bench import first_paint

    first_paint.add_to(report, quick)
    return report
