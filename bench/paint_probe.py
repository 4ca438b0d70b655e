"""Timeline frames with task spans and with lanes born mid-run (offscreen Qt).

    python -m bench.paint_probe tasks LANES TASKS FRAMES    benchmark 7, tasks
    python -m bench.paint_probe growth LANES TASKS FRAMES   benchmark 7, growth

Each prints one JSON object on its last line. A frame is what the view's
30 Hz timer causes (its tick, then a synchronous repaint of the whole plot),
as in ``bench.gui_probe paint``. Models are laid down directly (a pool run's
shape: busy workers running back-to-back tasks), since no program produces
100 000 tasks in a benchmark's time yet.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

SECONDS = 60.0
PAINT_MS: defaultdict[int, list[float]] = defaultdict(list)
"""Each TimelineItem's paint() times, by id(item)."""
SHOTS: list[str] = []
LABELS = ("square", "fetch", "parse", "resize", "hash", "store")


def _lanes(model: Any, count: int, tasks: int, nested: bool, seed: int = 7) -> None:
    """``count`` worker lanes with ``tasks`` spans in all: back-to-back tasks,
    labels in phases (a program maps one function, then the next), 1 % errors,
    the last task of every lane still running. ``nested``: every fourth lane
    is a child of the lane before it (a worker's own pool)."""
    from core.model.lanes import Lane, Segment, State, TaskSpan

    rng = random.Random(seed)
    per_lane = tasks // count
    for index in range(1, count + 1):
        parent = index - 1 if nested and index % 4 == 0 else 0
        lane = Lane(index, f"worker-{index}", "process", parent=parent, pid=index)
        lane.segments = [
            Segment(State.STARTING, 0.0, 0.05),
            Segment(State.RUNNING, 0.05, None),
        ]
        # random lengths, scaled so that the lane's tasks fill the run to its end
        lengths = [rng.expovariate(1.0) for _ in range(per_lane)]
        scale = (SECONDS - 0.1) / sum(lengths)
        t = 0.05
        for task_id, length in enumerate(lengths):
            end = t + length * scale * 0.95  # 5 % idle between tasks
            phase = min(int(t / SECONDS * 4), 3)
            outcome = "error" if rng.random() < 0.01 else "ok"
            last = task_id == per_lane - 1
            lane.tasks.append(
                TaskSpan(
                    task_id,
                    LABELS[(phase + index % 2) % len(LABELS)],
                    t,
                    None if last else end,
                    "" if last else outcome,
                    f"task {task_id}",
                )
            )
            t += length * scale
        model.lanes[index] = lane


def _open_view(model: Any) -> tuple[Any, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from gui.timeline.timeline_view import TimelineView

    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    app = QApplication.instance() or QApplication(["procession-bench"])
    view = TimelineView(model)
    view.resize(1200, 800)
    view.show()
    app.processEvents()
    view.set_live(True)
    view._timer.stop()  # frames are driven here, one at a time
    return app, view


def _frames(
    app: Any,
    views: list[Any],
    frames: int,
    before: Callable[[int], None] | None = None,
) -> list[dict[str, float]]:
    """Median and p90 of ``frames`` frames of each view (after 5 warm-up
    frames), the views taking turns so that a change in the machine's load
    hits them alike; ``before`` runs ahead of each frame and is part of it
    (new events arriving)."""
    frame_ms: list[list[float]] = [[] for _ in views]
    for index in range(frames + 5):
        if index == 5:
            PAINT_MS.clear()
        turns = list(zip(views, frame_ms, strict=True))
        for view, times in turns if index % 2 else reversed(turns):  # who goes first
            began = time.perf_counter()
            if before is not None:
                before(index)
            view._on_timer_tick()
            app.processEvents()
            if index >= 5:
                times.append((time.perf_counter() - began) * 1000)
    results = []
    for view, times in zip(views, frame_ms, strict=True):
        times.sort()
        paints = sorted(PAINT_MS[id(view.item)]) or [float("nan")]
        results.append(
            {
                "paints_per_frame": len(paints) / frames,
                "frame_median_ms": times[len(times) // 2],
                "frame_p90_ms": times[int(len(times) * 0.9)],
                "item_paint_median_ms": paints[len(paints) // 2],
            }
        )
        if os.environ.get("BENCH_PAINT_PNG"):
            SHOTS.append(f"{os.environ['BENCH_PAINT_PNG']}-{len(SHOTS)}.png")
            view.grab().save(SHOTS[-1])
    return results


def tasks(lanes: int, count: int, frames: int) -> dict[str, Any]:
    """``count`` task spans on ``lanes`` lanes: the whole run on screen (spans
    under a pixel, merged), a zoom where spans are wide and labelled, and live
    frames while tasks keep finishing."""
    from core.model.lanes import TaskSpan
    from core.model.run_model import RunModel

    model = RunModel()
    model.t0_ns = time.monotonic_ns() - int(SECONDS * 1e9)
    _lanes(model, lanes, count, nested=False)
    app, view = _open_view(model)
    view.lanes_changed(set(model.lanes))
    view.set_following(False)
    result: dict[str, Any] = {"lanes": lanes, "tasks": count}
    view.show_all_rows()
    view.show_time_range(0.0, SECONDS)
    [result["whole run"]] = _frames(app, [view], frames)
    view._box.setYRange(0.0, 12.0, padding=0)
    view.show_time_range(30.0, 30.5)
    [result["0.5 s, 12 lanes"]] = _frames(app, [view], frames)

    def more(index: int) -> None:  # each frame: a task ends on 8 lanes
        changed = set()
        for lane_id in range(1 + index % 8, lanes + 1, 8):
            tasks = model.lanes[lane_id].tasks
            running = tasks[-1]
            running.end, running.outcome = running.start + 0.01, "ok"
            tasks.append(TaskSpan(len(tasks), running.label, running.end + 0.001))
            changed.add(lane_id)
        view.lanes_changed(changed)

    view.show_all_rows()
    view.show_time_range(0.0, SECONDS)
    [result["whole run, tasks arriving"]] = _frames(app, [view], frames, more)
    view.set_live(False)
    view.close()
    return result


def growth(lanes: int, count: int, frames: int) -> dict[str, Any]:
    """The same final run painted by a view that had every lane from the start
    and by one that grew lane by lane (children inserted under their parents,
    so rows below them move), plus what each growth step cost."""
    from core.model.run_model import RunModel

    result: dict[str, Any] = {"lanes": lanes, "tasks": count}
    full = RunModel()
    full.t0_ns = time.monotonic_ns() - int(SECONDS * 1e9)
    _lanes(full, lanes, count, nested=True)
    app, fixed = _open_view(full)
    model = RunModel()
    model.t0_ns = full.t0_ns
    app, grown = _open_view(model)
    step_ms: list[float] = []
    for lane_id in sorted(full.lanes, key=lambda i: (i % 4 == 0, i)):
        if lane_id == 0:
            continue  # parents first, then every child under its parent
        model.lanes[lane_id] = full.lanes[lane_id]
        began = time.perf_counter()
        grown.lanes_changed({lane_id})
        step_ms.append((time.perf_counter() - began) * 1000)
    rows = [lane.worker_id for lane in grown.item.data.lanes]
    expected = [lane.worker_id for lane in fixed.item.data.lanes]
    result["same rows"] = rows == expected
    for view in (fixed, grown):  # still: a view sliding with "now" paints twice
        view.show_all_rows()
        view.show_time_range(0.0, SECONDS)
    result["fixed"], result["grown"] = _frames(app, [fixed, grown], frames)
    step_ms.sort()
    result["add lane median ms"] = step_ms[len(step_ms) // 2]
    result["add lane max ms"] = step_ms[-1]
    for view in (fixed, grown):
        view.set_live(False)
        view.close()
    return result


def _time_item_paint() -> None:
    """Record every TimelineItem.paint in PAINT_MS. Before any item exists:
    PySide binds the Python override when it wraps the object."""
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from gui.timeline.timeline_item import TimelineItem

    original = TimelineItem.paint

    def timed(item: Any, *args: Any) -> None:
        began = time.perf_counter()
        original(item, *args)
        PAINT_MS[id(item)].append((time.perf_counter() - began) * 1000)

    TimelineItem.paint = timed  # type: ignore[method-assign]


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    _time_item_paint()
    cases = {"tasks": tasks, "growth": growth}
    if len(argv) != 4 or argv[0] not in cases:
        print("usage: paint_probe tasks|growth LANES TASKS FRAMES", file=sys.stderr)
        return 2
    print(json.dumps(cases[argv[0]](int(argv[1]), int(argv[2]), int(argv[3]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
