"""Benchmark 7: timeline paint, 1 024 lanes × 20 segments per frame."""

from __future__ import annotations

from bench import common


def run(quick: bool = False) -> common.Report:
    report = common.Report("7", "Timeline paint")
    report.check(
        "timeline frame, 1 024 lanes × 20 segments",
        "≤ 16 ms",
        "not measured",
        None,
        "the timeline (gui/timeline_item.py) is not there yet",
    )
    return report
