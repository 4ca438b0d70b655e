"""Runs ``main.py`` as ``python main.py`` would, and reports its first frame.

    python -c "import bench.first_paint_hook as h; h.main()" main.py

An import hook waits for ``gui.main_window`` to be loaded by the app itself
(so nothing is imported earlier or in another order than in a normal start),
then wraps ``MainWindow.show`` to watch the application's first paint event
for that window. A zero-delay timer queued from that paint event fires once
the whole paint pass (and its flush to the screen) is done: the first painted
frame. The hook prints ``time.monotonic_ns()`` at that moment and ends the
process at once (no run was started, so nothing is left behind).

``--baseline`` instead shows a bare QMainWindow holding a pyqtgraph PlotWidget
with a curve: the floor for any PySide6 + pyqtgraph window on this machine.
"""

from __future__ import annotations

import os
import runpy
import sys
import time

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms)
if TYPE_CHECKING:
    from typing import Any


def _report_first_paint(window: Any) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    class FirstPaint(QObject):
        def eventFilter(self, watched: Any, event: Any) -> bool:
            if (
                event.type() == QEvent.Type.Paint
                and hasattr(watched, "window")
                and watched.window() is window
            ):
                QApplication.instance().removeEventFilter(self)
                QTimer.singleShot(0, _done)
            return False

    app = QApplication.instance()
    window._bench_first_paint = FirstPaint()  # kept alive by the window
    app.installEventFilter(window._bench_first_paint)


def _done() -> None:
    sys.stdout.write(f"FIRST_PAINT_NS {time.monotonic_ns()}\n")
    sys.stdout.flush()
    os._exit(0)


class _Watcher:
    """Patch MainWindow.show right after the app imports gui.main_window.

    A duck-typed meta path finder: importing importlib.abc would itself pull
    in ~20 ms of modules the app may not need."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "gui.main_window":
            return None
        sys.meta_path.remove(self)
        spec = None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find is not None else None
            if spec is not None:
                break
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        execute = loader.exec_module

        def exec_module(module: Any) -> None:
            execute(module)
            show = module.MainWindow.show

            def show_and_watch(window: Any) -> None:
                _report_first_paint(window)
                show(window)

            module.MainWindow.show = show_and_watch

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _baseline() -> None:
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(["baseline"])
    window = QMainWindow()
    plot = pg.PlotWidget()
    plot.plot(np.arange(100), np.sin(np.arange(100) / 10))
    window.setCentralWidget(plot)
    window.resize(1600, 1000)
    _report_first_paint(window)
    window.show()
    app.exec()


def main() -> None:
    if sys.argv[1:] == ["--baseline"]:
        _baseline()
        return
    script = sys.argv[1]
    sys.argv = [script]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    sys.meta_path.insert(0, _Watcher())
    runpy.run_path(script, run_name="__main__")
