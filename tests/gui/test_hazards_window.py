"""Hazards in the real window: the tab lists them, a click selects the lane
and centres the moment, and a badge is painted on the lane."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from gui.panels.hazards_view import EMPTY
from gui.timeline.hazard_badges import FILL
from tests.gui.window_helpers import (  # noqa: F401  (fixture)
    run_to_end,
    window_fixture,
)

DAEMON = """
title = "A daemon cut off at exit"
start_method = "fork"
join = false

[[workers]]
name = "logger"
target = "print_lines"
daemon = true
args = { count = 100, interval = 0.05 }

[[workers]]
name = "worker"
target = "sleep"
args = { seconds = 0.4 }
"""


def _amber_pixels(window) -> int:
    image = window.timeline.grab().toImage()
    amber = QColor(FILL).rgb()
    step = 2
    return sum(
        1
        for y in range(0, image.height(), step)
        for x in range(0, image.width(), step)
        if image.pixel(x, y) == amber
    )


def test_a_daemon_cut_off_shows_in_the_tab_and_on_its_lane(qtbot, window, tmp_path):
    path = tmp_path / "daemon.toml"
    path.write_text(DAEMON)
    assert window.open_path(path), window.open_error
    assert window.hazards.empty.text() == EMPTY and window.hazards.list.count() == 0
    assert _amber_pixels(window) == 0
    run_to_end(qtbot, window)
    model = window.controller.model
    logger = next(lane for lane in model.worker_lanes() if lane.name == "logger")
    tabs = window.bottom_tabs
    assert tabs.tabText(tabs.indexOf(window.hazards)) == "Hazards (1) ⚠"
    [hazard] = window.hazards.hazards
    assert (hazard.kind, hazard.lane) == ("daemon_ended_at_exit", logger.worker_id)
    assert "daemon" in window.hazards.text.toPlainText()
    assert "Python documentation" in window.hazards.text.toPlainText()
    # the badge: painted on the lane, and named by the tooltip over it
    window.timeline.fit()
    # a 16 px triangle, sampled every 2 px (painted once the view has settled)
    qtbot.waitUntil(lambda: _amber_pixels(window) > 3, timeout=5000)
    item = window.timeline.item
    row = item.row_of(logger.worker_id)
    tip = item.describe_at(hazard.at, row + 0.1, 0.001, 0.01)
    assert tip.startswith("⚠ Daemon process cut off")
    # a click in the tab selects the lane and centres its moment
    tabs.setCurrentWidget(window.hazards)
    entry = window.hazards.list.item(0)
    rect = window.hazards.list.visualItemRect(entry)
    qtbot.mouseClick(
        window.hazards.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
    )
    assert window.selected == logger.worker_id
    low, high = window.timeline._box.viewRange()[0]
    assert abs((low + high) / 2 - hazard.at) < 0.05 * max(high - low, 1e-3)
