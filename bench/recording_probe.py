"""Open a recording in the real window, in a process of its own (offscreen Qt).

    python -m bench.recording_probe open PATH     benchmark 10

Times ``MainWindow.open_path(PATH)`` (what File > Open calls) until the
timeline has painted, split into phases (read + JSON, events checked and
replayed into the model, the window's views built, the first paint), and
prints one JSON object with them and the process's peak RSS on its last line.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from bench.gui_probe import _peak_mb, _rss_mb, offscreen_window


def _timed(owner: Any, name: str, phases: dict[str, float], label: str) -> None:
    """Add the time of every call of ``owner.name`` to ``phases[label]``."""
    original = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            phases[label] = phases.get(label, 0.0) + time.perf_counter() - began

    setattr(owner, name, timed)


def open_recording(path: str) -> dict[str, Any]:
    app, window = offscreen_window((1400, 900))
    from core.export import recording
    from core.model.run_model import RunModel

    phases: dict[str, float] = {}
    _timed(recording, "from_data", phases, "checked + replayed")
    _timed(RunModel, "apply", phases, "replayed (model.apply)")
    _timed(window, "_show_model", phases, "views built")
    rss_before = _rss_mb()
    began, cpu = time.perf_counter(), time.process_time()
    if not window.open_path(path):
        raise RuntimeError(f"the window refused {path}: {window.open_error}")
    opened = time.perf_counter()
    window.timeline.plot_widget.viewport().repaint()  # the first frame, synchronously
    app.processEvents()
    painted, cpu = time.perf_counter(), time.process_time() - cpu
    load = opened - began - phases.get("views built", 0.0)
    phases = {
        "read + JSON": load - phases.get("checked + replayed", 0.0),
        **phases,
        "first paint": painted - opened,
    }
    model = window.controller.model
    result = {
        "seconds": painted - began,
        "cpu_seconds": cpu,  # less sensitive than wall time to others' load
        "phases": phases,
        "lanes": len(model.lanes),
        "events": len(model.events),
        "missing": model.events_missing(),
        "outcomes": sum(1 for lane in model.worker_lanes() if lane.outcome),
        "rss_before_mb": rss_before,
        "rss_mb": _rss_mb(),
        "peak_rss_mb": _peak_mb(),
    }
    window.close()
    return result


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    if len(argv) != 2 or argv[0] != "open":
        print("usage: python -m bench.recording_probe open PATH", file=sys.stderr)
        return 2
    print(json.dumps(open_recording(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
