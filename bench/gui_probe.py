"""The window under load, measured in a process of its own (offscreen Qt).

    python -m bench.gui_probe flood WORKERS LINES     benchmark 4's GUI half
    python -m bench.gui_probe scale WORKERS SECONDS   benchmark 5's heartbeat
    python -m bench.gui_probe memory WORKERS LINES    benchmark 5's GUI memory
    python -m bench.gui_probe paint LANES SEGMENTS FRAMES   benchmark 7

Each prints one JSON object on its last line. The real MainWindow runs the
scenario exactly as the Run button does (``window.run()``); a 10 ms QTimer is
the heartbeat: the longest gap between two of its ticks is the longest time
the GUI thread was busy. A separate process keeps the benchmark runner Qt-free
and makes the memory figure the window's own.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HEARTBEAT_MS = 10


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def offscreen_window(size: tuple[int, int] | None = None) -> tuple[Any, Any]:
    """(QApplication, MainWindow): the real window, offscreen, with a trust
    store of its own, shown and settled (its own layout and first paints are
    not what a benchmark measures)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from gui.editor.trust_store import TrustStore
    from gui.main_window import MainWindow

    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    app = QApplication.instance() or QApplication(["procession-bench"])
    trust = TrustStore(Path(tempfile.mkdtemp(prefix="procession-bench-")) / "t.json")
    window = MainWindow(trust)
    if size is not None:
        window.resize(*size)
    window.show()
    for _ in range(20):
        app.processEvents()
    return app, window


def run_in_window(spec: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Open the window on ``spec``, press Run, measure until the run is released."""
    app, window = offscreen_window()
    from PySide6.QtCore import QEventLoop, QTimer

    from core.scenario.rules import scenario_from_dict

    window.load_scenario(scenario_from_dict(spec), code_locked=False)
    app.processEvents()
    rss_before = _rss_mb()

    gaps: list[float] = []
    busy: list[float] = []  # the GUI thread's own CPU time in each gap
    last = [time.monotonic()]
    last_cpu = [time.thread_time()]
    applied: list[tuple[float, int]] = []  # (time, output lines in the model)

    def tick() -> None:
        now, cpu = time.monotonic(), time.thread_time()
        gaps.append(now - last[0])
        busy.append(cpu - last_cpu[0])
        last[0], last_cpu[0] = now, cpu

    def on_applied(changed: object) -> None:
        lines = sum(
            len(lane.output) + lane.output_dropped
            for lane in window.controller.model.worker_lanes()
        )
        applied.append((time.monotonic(), lines))

    heartbeat = QTimer()
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(tick)
    window.controller.events_applied.connect(on_applied)
    released = [False]
    loop = QEventLoop()

    def on_released() -> None:
        released[0] = True
        loop.quit()

    window.controller.run_released.connect(on_released)
    QTimer.singleShot(int(timeout * 1000), loop.quit)
    began = time.monotonic()
    last[0], last_cpu[0] = began, time.thread_time()
    heartbeat.start()
    if not window.run():
        raise RuntimeError("the window refused to run the scenario")
    loop.exec()  # the real event loop, as in the app
    heartbeat.stop()
    ended = time.monotonic()
    model = window.controller.model
    lanes = model.worker_lanes()
    result = {
        "released": released[0],
        "seconds": ended - began,
        "max_gap_ms": max(gaps) * 1000 if gaps else float("nan"),
        "ticks": len(gaps),
        "gaps_over_50ms": sum(1 for g in gaps if g > 0.05),
        # work, not waiting: the most CPU the GUI thread used inside one gap,
        # and how much of the longest gap it ran (the rest it waited for a core)
        "max_gap_cpu_ms": max(busy) * 1000 if busy else float("nan"),
        "longest_gap_cpu_ms": busy[gaps.index(max(gaps))] * 1000 if gaps else 0.0,
        "lanes": len(model.lanes),
        "events": len(model.events),
        "outcomes": sum(1 for lane in lanes if lane.outcome is not None),
        "ok": sum(1 for lane in lanes if lane.outcome == "ok"),
        "missing": model.events_missing(),
        "rss_before_mb": rss_before,
        "rss_mb": _rss_mb(),
        "peak_rss_mb": _peak_mb(),
        "applied": applied,
        "t_began": began,
        "t0_ns": model.t0_ns,
    }
    starts = [
        lane.times["target_started"]
        for lane in lanes
        if lane.times.get("target_started") is not None
    ]
    if starts and model.t0_ns is not None:
        result["first_target_started"] = model.t0_ns / 1e9 + min(starts)
    window.close()
    for _ in range(50):
        app.processEvents()
    return result


def flood(workers: int, lines: int) -> dict[str, Any]:
    spec = {
        "title": "bench flood",
        "start_method": "fork",
        "max_output_lines": lines,
        "workers": [
            {
                "name": "printer",
                "target": "print_lines",
                "args": {"count": lines, "interval": 0.0},
                "count": workers,
            }
        ],
    }
    result = run_in_window(spec, timeout=120)
    expected = workers * lines
    done = next((t for t, n in result["applied"] if n >= expected), None)
    result["lines"] = result["applied"][-1][1] if result["applied"] else 0
    result["expected"] = expected
    began = result.pop("first_target_started", None)
    if done is not None and began is not None:
        # as in the engine half: first target started → last line applied
        result["rate"] = expected / max(done - began, 1e-9)
    del result["applied"]
    return result


def scale(workers: int, seconds: float) -> dict[str, Any]:
    spec = {
        "title": "bench scale",
        "start_method": "fork",
        "max_processes": max(512, 2 * workers),
        "workers": [
            {
                "name": "sleeper",
                "target": "sleep",
                "args": {"seconds": seconds},
                "count": workers,
            }
        ],
    }
    result = run_in_window(spec, timeout=120)
    del result["applied"]
    return result


def memory(workers: int, lines: int) -> dict[str, Any]:
    """``workers`` lanes and about ``workers × (lines + ~10)`` events."""
    spec = {
        "title": "bench memory",
        "start_method": "fork",
        "max_processes": 2 * workers,
        "workers": [
            {
                "name": "w",
                "target": "print_lines",
                "args": {"count": lines, "interval": 0.0},
                "count": workers,
            }
        ],
    }
    result = run_in_window(spec, timeout=300)
    del result["applied"]
    return result


def _synthetic_model(lanes: int, segments: int, seconds: float) -> Any:
    """A live model of ``lanes`` lanes × ``segments`` segments (the last one
    open and running), with markers and 5 Hz CPU samples, as the timeline sees
    it after a long run. Real runs have ~6 segments per lane; 20 is the
    issue's stress figure, so the segments are laid down directly."""
    from core.model.run_model import Marker, Segment, State
    from core.scenario.lane_announcements import preview_model
    from core.scenario.rules import scenario_from_dict

    spec = {
        "title": "bench paint",
        "start_method": "fork",
        "max_processes": 2 * lanes,
        "workers": [{"name": "w", "target": "noop", "count": lanes}],
    }
    model = preview_model(scenario_from_dict(spec))
    model.t0_ns = time.monotonic_ns() - int(seconds * 1e9)
    worker = [State.CREATED, State.STARTING, State.RUNNING, State.EXITING]
    main = [State.MAIN_RUNNING, State.MAIN_JOINING]
    step = seconds / segments
    for lane in model.lanes.values():
        cycle = main if lane.kind == "main" else worker
        lane.segments = [
            Segment(cycle[i % len(cycle)], i * step, (i + 1) * step)
            for i in range(segments - 1)
        ]
        last = State.MAIN_RUNNING if lane.kind == "main" else State.RUNNING
        lane.segments.append(Segment(last, (segments - 1) * step, None))
        lane.markers = [
            Marker(i * step, "start_called" if i % 2 else "booted", "mark")
            for i in range(0, segments, 4)
        ]
        lane.samples = [
            (0.2 * k, 50.0 + (k * 7) % 50, 10_000_000, 1, 0)
            for k in range(1, int(seconds / 0.2))
        ]
    return model


def paint(lanes: int, segments: int, frames: int) -> dict[str, Any]:
    """Live frames of the real TimelineView over a synthetic model: per frame
    the view's own 30 Hz tick (freeze "now", follow the present) then a
    synchronous repaint of the plot, as the frame timer causes in the app."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from gui.timeline.timeline_item import TimelineItem
    from gui.timeline.timeline_view import TimelineView

    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    app = QApplication.instance() or QApplication(["procession-bench"])
    paint_ms: list[float] = []
    original = TimelineItem.paint

    def timed(item: Any, *args: Any) -> None:
        began = time.perf_counter()
        original(item, *args)
        paint_ms.append((time.perf_counter() - began) * 1000)

    # Before the item exists: PySide binds the Python override when it wraps it.
    TimelineItem.paint = timed  # type: ignore[method-assign]
    model = _synthetic_model(lanes, segments, 10.0)
    view = TimelineView(model)
    view.resize(1200, 800)
    view.show()
    app.processEvents()
    view.set_live(True)
    view._timer.stop()  # frames are driven here, one at a time
    result: dict[str, Any] = {"lanes": lanes, "segments": segments}
    for name, arrange in (("all lanes", view.show_all_rows), ("64 lanes", None)):
        if arrange is not None:
            arrange()
        else:
            view._box.setYRange(0.0, 64.0, padding=0)
        app.processEvents()
        frame_ms: list[float] = []
        for index in range(frames + 5):
            if index == 5:  # warm-up frames are not counted
                paint_ms.clear()
            began = time.perf_counter()
            view._on_timer_tick()
            view.plot_widget.viewport().repaint()
            app.processEvents()
            if index >= 5:
                frame_ms.append((time.perf_counter() - began) * 1000)
        frame_ms.sort()
        paints = sorted(paint_ms) or [float("nan")]
        if os.environ.get("BENCH_PAINT_PNG"):
            view.grab().save(
                f"{os.environ['BENCH_PAINT_PNG']}-{len(frame_ms)}-{name[:2]}.png"
            )
        result[name] = {
            "frame_median_ms": frame_ms[len(frame_ms) // 2],
            "frame_p90_ms": frame_ms[int(len(frame_ms) * 0.9)],
            "item_paint_median_ms": paints[len(paints) // 2],
        }
    TimelineItem.paint = original  # type: ignore[method-assign]
    result["rss_mb"] = _rss_mb()
    view.set_live(False)
    view.close()
    return result


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    kind = argv[0]
    if kind == "flood":
        result = flood(int(argv[1]), int(argv[2]))
    elif kind == "scale":
        result = scale(int(argv[1]), float(argv[2]))
    elif kind == "memory":
        result = memory(int(argv[1]), int(argv[2]))
    elif kind == "paint":
        result = paint(int(argv[1]), int(argv[2]), int(argv[3]))
    else:
        print(f"unknown probe {kind!r}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
