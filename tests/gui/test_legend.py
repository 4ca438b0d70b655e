"""LegendWidget: complete, wraps to its width, paints what it promises."""

from __future__ import annotations

from PySide6.QtGui import QColor

from core.model.outcomes import Outcome
from core.model.run_model import State
from gui import palette
from gui.panels.legend_widget import LegendWidget


def test_every_state_ending_and_mark_is_explained(qtbot) -> None:
    legend = LegendWidget()
    qtbot.addWidget(legend)
    texts = legend.texts()
    for state in palette.LEGEND_STATES:
        assert palette.STATE_STYLES[state].label in texts
    for outcome in Outcome:
        assert palette.OUTCOME_STYLES[outcome].legend in texts
    for caption in palette.LEGEND_MARKERS.values():
        assert caption in texts
    assert "exited, not joined" in texts and "main: waiting in join()" in texts
    assert palette.STATE_STYLES[State.MAIN_FINISHED].label in texts


def test_wraps_to_narrow_widths_and_grows_with_presentation_zoom(qtbot) -> None:
    legend = LegendWidget()
    qtbot.addWidget(legend)
    wide, narrow = legend.heightForWidth(2400), legend.heightForWidth(500)
    assert narrow > wide > 0
    legend.set_presentation_scale(2.0)
    assert legend.heightForWidth(2400) > wide


def test_paints_the_outcome_colours(qtbot) -> None:
    legend = LegendWidget()
    qtbot.addWidget(legend)
    legend.resize(1600, legend.heightForWidth(1600))
    image = legend.grab().toImage()
    colours = {
        QColor(image.pixel(x, y)).name().upper()
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
    }
    for needed in (
        palette.BLUISH_GREEN,
        palette.VERMILLION,
        palette.ORANGE,
        palette.SKY_BLUE,
        palette.YELLOW,
    ):
        assert needed in colours
