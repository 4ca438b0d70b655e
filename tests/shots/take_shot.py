"""Open the real window (xcb, under Xvfb), run a lesson, present, screenshot.

    DISPLAY=:N python tests/shots/take_shot.py LESSON OUT.png [--no-present]
        [--export OUT_EXPORT.png] [--theme dark|contrast] [--hazards]

--hazards: after the run, show the Hazards tab with its first hazard chosen.
--console: after the run, show the Console tab.
--trust: LESSON is a program to run without asking (use a throwaway
XDG_CONFIG_HOME: the answer is remembered there).

Prints one JSON line of measurements (window, timeline area, lane heights,
smallest label font) so a test can check the layout the screenshot shows.
Used by tests/shots/test_presentation_xvfb.py and tests/shots/shots_xvfb.sh.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
RUN_TIMEOUT_MS = 30_000


def main(argv: list[str]) -> int:
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    import pyqtgraph as pg
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow

    lesson, out = argv[0], Path(argv[1])
    present = "--no-present" not in argv
    export = argv[argv.index("--export") + 1] if "--export" in argv else None
    theme = argv[argv.index("--theme") + 1] if "--theme" in argv else None
    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    _app = QApplication.instance() or QApplication(["procession"])
    window = MainWindow()
    if not window.open_path(lesson):
        print(window.open_error, file=sys.stderr)
        return 1
    if "--trust" in argv:
        window.trust.trust([Path(lesson).read_text(encoding="utf-8")])
    window.show()

    def wait(ms: int, until=None) -> None:
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(50)
        left = [ms]

        def tick() -> None:
            left[0] -= 50
            if left[0] <= 0 or (until is not None and until()):
                loop.quit()

        timer.timeout.connect(tick)
        timer.start()
        loop.exec()

    wait(1500, lambda: window.isVisible() and window.windowHandle().isExposed())
    if theme:
        window.actions_.themes[theme].trigger()
    if present:
        window.actions_.present.trigger()
    wait(500)
    window.actions_.run.trigger()
    wait(RUN_TIMEOUT_MS, lambda: not window.controller.active)
    wait(800)
    if "--hazards" in argv and window.hazards.list.count():
        window.bottom_tabs.setCurrentWidget(window.hazards)
        window.hazards.list.setCurrentRow(0)
        window.hazards._on_item_clicked(window.hazards.list.item(0))
        wait(500)
    if "--console" in argv:
        window.bottom_tabs.setCurrentWidget(window.console_tab)
        wait(300)
    screen = window.screen()
    shot = screen.grabWindow(0)
    shot.save(str(out), "PNG")
    timeline = window.timeline
    plot = timeline.plot_widget
    top_left = plot.mapTo(window, plot.rect().topLeft())
    report = {
        "screen": [screen.geometry().width(), screen.geometry().height()],
        "window": [window.width(), window.height()],
        "presenting": window.presentation.active,
        "timeline_height": timeline.height(),
        "plot": [top_left.x(), top_left.y(), plot.width(), plot.height()],
        "legend_height": window.legend.height() if window.legend.isVisible() else 0,
        "lanes": timeline.item.data.row_count,
        "lane_px": round(timeline.lane_height_px(), 1),
        "smallest_label_px": timeline.smallest_text_px(),
        "legend_px": window.legend.smallest_text_px(),
        "finished": window.controller.model.finished,
    }
    if export:
        report["export"] = str(window.export_to("png", export))
    print(json.dumps(report))
    window.close()
    wait(10_000, lambda: not window.isVisible())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
