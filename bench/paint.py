"""Benchmark 7: timeline paint, 1 024 lanes × 20 segments per frame.

The real TimelineView (helper A's TimelineItem inside its PlotWidget) over a
live model of 1 024 lanes × 20 segments with markers and CPU shading, in an
offscreen process of its own. A frame is what the view's 30 Hz timer causes:
its tick (freeze "now", follow the present) and a synchronous repaint of the
plot, axes included. Two views: every lane on screen (each under a pixel) and
64 lanes (text, badges and markers drawn). Also the item's own ``paint()``.
"""

from __future__ import annotations

from bench import common

TARGET_MS = 16.0


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
    return report
