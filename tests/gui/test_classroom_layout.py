"""Layout at a projector's 1024×768 (issue 11, defects 1 and 4; presentation mode)."""

from __future__ import annotations

import pytest

from tests.gui.window_helpers import run_to_end, window_fixture  # noqa: F401


@pytest.fixture
def small(window, qtbot):
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.height() == 768, timeout=2000)
    return window


def settle(qtbot, ms=100):
    qtbot.wait(ms)


def test_larger_text_keeps_the_lanes_and_the_legend_in_bounds(qtbot, small):
    run_to_end(qtbot, small)
    for _ in range(4):  # Ctrl+= four times
        small.actions_.zoom_in.trigger()
        settle(qtbot)
        pane = small.pane
        assert small.legend.height() <= 0.3 * pane.height()
        assert small.timeline.height() >= 0.6 * pane.height()
        assert small.timeline.lane_height_px() >= 40
        # the legend is never cut: it gets the height it needs for its width
        assert small.legend.heightForWidth(small.legend.width()) <= (
            small.legend.height() + 1
        )


def test_seven_lanes_fit_at_1024x768_with_the_form_uncut(qtbot, small):
    small.lessons.list.setCurrentRow(8)  # 9. Exit codes: seven lanes
    settle(qtbot, 500)  # the form's size is re-checked every 200 ms
    assert small.timeline.item.data.row_count == 7
    assert small.timeline.lane_height_px() >= 24  # room for name and pid
    assert small.timeline.height() > small.legend.height()
    scroll = small.editor_scroll
    assert scroll.viewport().width() >= small.editor.minimumSizeHint().width()


def test_presentation_mode_shows_the_timeline_alone_and_comes_back(qtbot, small):
    small.lessons.list.setCurrentRow(8)
    settle(qtbot)
    run_to_end(qtbot, small)
    small.actions_.present.trigger()
    settle(qtbot, 200)
    assert small.presentation.active
    assert not small.details.isVisible() and not small.lessons.isVisible()
    assert small.timeline.height() >= 0.6 * small.height()
    assert small.timeline.lane_height_px() >= 40
    assert small.timeline.smallest_text_px() >= 16
    assert "signal sent" in small.legend.texts()  # explains what is shown…
    assert "SIGSEGV" not in " ".join(small.legend.texts())  # …and only that
    small.actions_.leave_presentation.trigger()
    settle(qtbot, 200)
    assert not small.presentation.active
    assert small.details.isVisible() and small.lessons.isVisible()
    assert small.timeline.presentation_scale() == 1.0
