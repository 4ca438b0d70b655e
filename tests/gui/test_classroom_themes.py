"""Light (default), dark and high-contrast themes, for the window and exports."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage

from gui import palette
from gui.export.image_export import export_png
from gui.theme import set_theme
from tests.gui.window_helpers import run_to_end, window_fixture  # noqa: F401


@pytest.fixture
def themed(window):
    yield window
    set_theme(window, "light")  # palette is process-wide: leave it as found


def corner(image: QImage) -> str:
    return QColor(image.pixel(5, 5)).name().upper()


@pytest.mark.parametrize("name", ["dark", "contrast"])
def test_theme_changes_the_window_and_the_export(qtbot, themed, tmp_path, name):
    window = themed
    assert palette.theme == "light"
    run_to_end(qtbot, window)
    light_png = tmp_path / "light.png"
    export_png(window.controller.model, light_png)
    window.actions_.themes[name].trigger()
    assert palette.theme == name
    assert palette.THEMES[name]["BACKGROUND"] == palette.BACKGROUND
    plot = window.timeline.plot_widget.grab().toImage()
    colours = {
        QColor(plot.pixel(x, y)).name().upper()
        for x in range(0, plot.width(), 9)
        for y in range(0, plot.height(), 9)
    }
    assert palette.BACKGROUND in colours
    assert palette.THEMES[name]["MAIN_PALE"] in colours  # main program, in join()
    themed_png = tmp_path / "themed.png"
    export_png(window.controller.model, themed_png)
    assert corner(QImage(str(light_png))) == "#FFFFFF"
    assert corner(QImage(str(themed_png))) == palette.BACKGROUND
    window.actions_.themes["light"].trigger()
    assert palette.BACKGROUND == "#FFFFFF"
    assert palette.STATE_STYLES[palette.State.MAIN_RUNNING].colour == "#3A3A3A"
