"""Benchmark 6 (window half): ``python main.py`` → first painted window."""

from __future__ import annotations

from bench import common


def add_to(report: common.Report, quick: bool) -> None:
    report.check(
        "python main.py → first painted window (Xvfb, warm)",
        "≤ 1.0 s",
        "not measured",
        None,
        "the window (gui/app.py) is not there yet",
    )
