"""Benchmark 7: timeline paint, 1 024 lanes × 20 segments per frame.

The real TimelineView (helper A's TimelineItem inside its PlotWidget) over a
live model of 1 024 lanes × 20 segments with markers and CPU shading, in an
offscreen process of its own. A frame is what the view's 30 Hz timer causes:
its tick (freeze "now", follow the present) and a synchronous repaint of the
plot, axes included. Two views: every lane on screen (each under a pixel) and
64 lanes (text, badges and markers drawn). Also the item's own ``paint()``.

Two more cases (``bench.paint_probe``): 100 000 task spans on 64 lanes (the
whole run on screen, spans under a pixel merged; a zoom where they are wide and
labelled; frames while tasks keep finishing), and a timeline that grew lane by
lane against one that had every lane from the start (same final run).
"""

from __future__ import annotations

from bench import common

TARGET_MS = 16.0
GROWN_RATIO = 1.10
"""A grown timeline may cost at most this much more per frame than a fixed one."""
PROBE = "bench.paint_probe"


def run(quick: bool = False) -> common.Report:
    report = common.Report("7", "Timeline paint")
    lanes, segments, frames = (64, 20, 10) if quick else (1024, 20, 60)
    result = common.run_probe(["paint", str(lanes), str(segments), str(frames)])
    rows = []
    for view in ("all lanes", "64 lanes"):
        figures = result[view]
        rows.append(
            [
                view,
                figures["frame_median_ms"],
                figures["frame_p90_ms"],
                figures["item_paint_median_ms"],
            ]
        )
    report.tables.append(
        common.table(
            [
                f"{lanes} lanes × {segments} segments",
                "frame median ms",
                "frame p90 ms",
                "TimelineItem.paint median ms",
            ],
            rows,
        )
    )
    report.data["paint"] = result
    worst = max(result[v]["frame_median_ms"] for v in ("all lanes", "64 lanes"))
    report.check(
        f"timeline frame, {lanes} lanes × {segments} segments (median)",
        f"≤ {TARGET_MS:g} ms",
        f"{worst:.1f} ms",
        worst <= TARGET_MS,
        f"item paint {result['all lanes']['item_paint_median_ms']:.1f} ms; "
        f"p90 {result['all lanes']['frame_p90_ms']:.1f} ms",
    )
    _tasks(report, quick)
    _growth(report, quick)
    return report


def _frame_row(name: str, figures: dict[str, float]) -> list[object]:
    return [
        name,
        figures["frame_median_ms"],
        figures["frame_p90_ms"],
        figures["item_paint_median_ms"],
    ]


def _tasks(report: common.Report, quick: bool) -> None:
    lanes, tasks, frames = (64, 5_000, 10) if quick else (64, 100_000, 60)
    result = common.run_probe(
        ["tasks", str(lanes), str(tasks), str(frames)], module=PROBE
    )
    views = ("whole run", "0.5 s, 12 lanes", "whole run, tasks arriving")
    report.tables.append(
        common.table(
            [
                f"{tasks} task spans on {lanes} lanes",
                "frame median ms",
                "frame p90 ms",
                "TimelineItem.paint median ms",
            ],
            [_frame_row(view, result[view]) for view in views],
        )
    )
    report.data["tasks"] = result
    worst = max(result[view]["frame_median_ms"] for view in views)
    report.check(
        f"timeline frame, {tasks} task spans on {lanes} lanes (median)",
        f"≤ {TARGET_MS:g} ms",
        f"{worst:.1f} ms",
        worst <= TARGET_MS,
        f"whole run: item paint {result['whole run']['item_paint_median_ms']:.1f} ms",
    )


def _growth(report: common.Report, quick: bool) -> None:
    lanes, tasks, frames = (32, 2_000, 10) if quick else (1024, 20_000, 60)
    result = common.run_probe(
        ["growth", str(lanes), str(tasks), str(frames)], module=PROBE
    )
    report.tables.append(
        common.table(
            [
                f"{lanes} lanes, {tasks} tasks, all on screen",
                "frame median ms",
                "frame p90 ms",
                "TimelineItem.paint median ms",
            ],
            [_frame_row(name, result[name]) for name in ("fixed", "grown")],
        )
    )
    report.data["growth"] = result
    fixed, grown = (
        result["fixed"]["frame_median_ms"],
        result["grown"]["frame_median_ms"],
    )
    ratio = grown / fixed
    report.check(
        f"grown / fixed timeline frame, {lanes} lanes (median)",
        f"≤ {GROWN_RATIO:g}×",
        f"{ratio:.2f}×",
        ratio <= GROWN_RATIO and result["same rows"],
        f"{grown:.1f} / {fixed:.1f} ms; adding a lane: median "
        f"{result['add lane median ms']:.2f} ms, max {result['add lane max ms']:.1f} ms"
        + ("" if result["same rows"] else "; ROW ORDER DIFFERS"),
    )
