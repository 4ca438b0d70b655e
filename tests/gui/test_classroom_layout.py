"""Layout at a projector's 1024×768 (issue 11, defects 1 and 4; presentation mode)."""

from __future__ import annotations

import pytest

from tests.gui.window_helpers import run_to_end, window_fixture  # noqa: F401


@pytest.fixture
def small(window, qtbot):
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.height() == 768, timeout=2000)
    return window


def holds(qtbot, check, timeout=5000):
    """Wait until ``check`` (a function of asserts) passes: a relayout comes
    from the event loop, later on a busy machine; it fails with the last
    assertion if the layout never gets there."""
    qtbot.waitUntil(check, timeout=timeout)


def test_larger_text_keeps_the_lanes_and_the_legend_in_bounds(qtbot, small):
    run_to_end(qtbot, small)
    pane = small.pane

    def in_bounds() -> None:
        assert small.legend.height() <= 0.3 * pane.height()
        assert small.timeline.height() >= 0.6 * pane.height()
        assert small.timeline.lane_height_px() >= 40
        # the legend is never cut: it gets the height it needs for its width
        assert small.legend.heightForWidth(small.legend.width()) <= (
            small.legend.height() + 1
        )

    for _ in range(4):  # Ctrl+= four times
        small.actions_.zoom_in.trigger()
        holds(qtbot, in_bounds)


def test_seven_lanes_fit_at_1024x768_with_the_form_uncut(qtbot, small):
    small.lessons.list.setCurrentRow(8)  # 9. Exit codes: seven lanes
    scroll = small.editor_scroll

    def fits() -> None:  # the form's size is re-checked every 200 ms
        assert small.timeline.item.data.row_count == 7
        assert small.timeline.lane_height_px() >= 24  # room for name and pid
        assert small.timeline.height() > small.legend.height()
        assert scroll.viewport().width() >= small.editor.minimumSizeHint().width()

    holds(qtbot, fits)


def test_presentation_mode_shows_the_timeline_alone_and_comes_back(qtbot, small):
    small.lessons.list.setCurrentRow(8)
    qtbot.waitUntil(lambda: small.timeline.item.data.row_count == 7, timeout=5000)
    run_to_end(qtbot, small)
    small.actions_.present.trigger()

    def presented() -> None:
        assert small.presentation.active
        assert not small.details.isVisible() and not small.lessons.isVisible()
        assert small.timeline.height() >= 0.6 * small.height()
        assert small.timeline.lane_height_px() >= 40
        assert small.timeline.smallest_text_px() >= 16

    holds(qtbot, presented)
    assert "signal sent" in small.legend.texts()  # explains what is shown…
    assert "SIGSEGV" not in " ".join(small.legend.texts())  # …and only that
    small.actions_.leave_presentation.trigger()

    def back() -> None:
        assert not small.presentation.active
        assert small.details.isVisible() and small.lessons.isVisible()
        assert small.timeline.presentation_scale() == 1.0

    holds(qtbot, back)


def test_editing_count_shows_the_new_lanes_at_once(qtbot, window):
    assert window.timeline.item.data.row_count == 3  # main + 2 sleepers
    window.editor.groups[0].count.set_text("4")
    qtbot.waitUntil(lambda: window.timeline.item.data.row_count == 5, timeout=2000)
    names = [lane.name for lane in window.timeline.model.worker_lanes()]
    assert names == [f"sleeper-{i}" for i in range(1, 5)]


def test_lane_zoom_stops_before_one_lane_fills_the_view(qtbot, small):
    small.lessons.list.setCurrentRow(8)  # seven lanes
    qtbot.waitUntil(lambda: small.timeline.item.data.row_count == 7, timeout=5000)
    box = small.timeline.plot_widget.getPlotItem().getViewBox()
    for _ in range(6):  # six wheel steps of lane zoom
        box.scaleBy(y=0.7)
        qtbot.wait(20)
    low, high = box.viewRange()[1]
    assert high - low >= 2.0  # still more than one lane in view
