"""Benchmark 8: spawn workers where no bytecode may be written.

``PYTHONDONTWRITEBYTECODE=1`` (set by some classrooms, locked-down machines and
this project's development shell) used to make every spawn worker compile
Procession's worker modules from source. ``core.engine.bytecode_cache`` now
compiles them once, before the run. Both are measured here, interleaved:

* before: ``core``'s ``__pycache__`` folders removed and the preparation
  skipped, as a run was before the fix;
* now: an ordinary run.

The figure is Procession's span (first ``start()`` → last ``join()``) and
first line (START_CALLED → BOOTED) with spawn workers. It only means something
when this shell has ``PYTHONDONTWRITEBYTECODE`` set; otherwise it says so.
"""

from __future__ import annotations

import random
import shutil
import sys
from typing import Any

from bench import common
from bench.overhead import _procession

TARGET = 1.00  # "now" must be no slower than "before"


def _before(count: int) -> dict[str, Any]:
    import core.engine.conductor_link as session

    for folder in (common.ROOT / "core").rglob("__pycache__"):
        shutil.rmtree(folder, ignore_errors=True)
    real = session.prepare_bytecode
    session.prepare_bytecode = lambda: None  # type: ignore[assignment]
    try:
        return _procession("noop", {}, count, "spawn")
    finally:
        session.prepare_bytecode = real


def _now(count: int) -> dict[str, Any]:
    return _procession("noop", {}, count, "spawn")


def run(quick: bool = False) -> common.Report:
    report = common.Report("8", "Spawn workers where no bytecode may be written")
    if not sys.flags.dont_write_bytecode:
        report.check(
            "spawn with PYTHONDONTWRITEBYTECODE=1: now / before",
            f"≤ {TARGET:.2f}",
            "not measured",
            None,
            "run bench with PYTHONDONTWRITEBYTECODE=1 to measure this",
        )
        return report
    counts = (1,) if quick else (1, 8)
    trials = 1 if quick else 7
    rng = random.Random(8)
    samples: dict[tuple[int, str], list[dict[str, Any]]] = {
        (n, side): [] for n in counts for side in ("before", "now")
    }
    for _ in range(trials):
        for count in counts:
            order = [("before", _before), ("now", _now)]
            rng.shuffle(order)
            for side, measure in order:
                samples[count, side].append(measure(count))
    rows = []
    worst = 0.0
    for count in counts:
        med = {
            (side, figure): common.median([s[figure] for s in samples[count, side]])
            for side in ("before", "now")
            for figure in ("span", "first_line")
        }
        span_ratio = common.ratio(med["now", "span"], med["before", "span"])
        worst = max(worst, span_ratio)
        rows.append(
            [
                count,
                trials,
                common.ms(med["before", "span"]),
                common.ms(med["now", "span"]),
                span_ratio,
                common.ms(med["before", "first_line"]),
                common.ms(med["now", "first_line"]),
                common.ratio(med["now", "first_line"], med["before", "first_line"]),
            ]
        )
    report.tables.append(
        common.table(
            [
                "spawn workers",
                "trials",
                "before span ms",
                "now span ms",
                "ratio",
                "before 1st line ms",
                "now 1st line ms",
                "ratio",
            ],
            rows,
        )
    )
    report.data["rows"] = rows
    report.check(
        "spawn with PYTHONDONTWRITEBYTECODE=1: span now / before",
        f"≤ {TARGET:.2f}",
        f"{worst:.2f}",
        worst <= TARGET,
    )
    return report
