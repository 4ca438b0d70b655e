"""TimelineView: clicks, hover, follow while live, fit, presentation zoom, pixels."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import QApplication

from core.model.run_model import RunModel
from core.scenario.lane_announcements import preview_model
from gui import palette
from gui.timeline.timeline_view import TimelineView, grid_step
from tests.gui.timeline_events import finish, finished_model, live_script


def make_view(qtbot, model: RunModel, height: int = 420) -> TimelineView:
    view = TimelineView(model)
    qtbot.addWidget(view)
    view.resize(1000, height)
    view.show()
    qtbot.waitExposed(view)
    view.fit()
    return view


def to_viewport(view: TimelineView, x: float, y: float) -> QPoint:
    """Viewport pixel of the data point (x seconds, lane y)."""
    box = view.plot_widget.getViewBox()
    scene = box.mapViewToScene(QPointF(x, y))
    return view.plot_widget.mapFromScene(scene)


def test_click_on_a_lane_selects_that_worker(qtbot) -> None:
    view = make_view(qtbot, finished_model())
    viewport = view.plot_widget.viewport()
    with qtbot.waitSignal(view.lane_selected, timeout=2000) as blocker:
        qtbot.mouseClick(
            viewport, Qt.MouseButton.LeftButton, pos=to_viewport(view, 0.3, 2.5)
        )
    assert blocker.args == [2]
    assert view.item._selected == 2
    # the lane label on the left selects too
    axis = view.plot_widget.getPlotItem().getAxis("left")
    label = view.plot_widget.mapFromScene(axis.mapToScene(QPointF(20, 0)))
    label.setY(to_viewport(view, 0.3, 3.5).y())
    with qtbot.waitSignal(view.lane_selected, timeout=2000) as blocker:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=label)
    assert blocker.args == [3]


def test_select_lane_highlights_without_emitting(qtbot) -> None:
    view = make_view(qtbot, finished_model())
    emitted = []
    view.lane_selected.connect(emitted.append)
    before = view.plot_widget.grab().toImage()
    view.select_lane(1)
    after = view.plot_widget.grab().toImage()
    assert before != after
    view.select_lane(99)  # unknown: clears
    assert view.item._selected is None
    assert emitted == []


def test_hovering_a_segment_sets_its_tooltip(qtbot) -> None:
    view = make_view(qtbot, finished_model())
    viewport = view.plot_widget.viewport()
    qtbot.mouseMove(viewport, to_viewport(view, 0.2, 1.5))
    qtbot.waitUntil(lambda: "a-1" in view.item.toolTip(), timeout=2000)
    assert "running the target from 0.060 s" in view.item.toolTip()


def test_set_model_shows_another_run(qtbot) -> None:
    from core.model.events import Event, EventKind
    from tests.helpers import scenario

    view = make_view(qtbot, finished_model())
    view.select_lane(2)
    other = preview_model(scenario([{"name": "solo", "target": "noop"}]))
    other.apply(
        [
            Event.make(
                EventKind.RUN_STARTED,
                0,
                {"pid": 1},
                sender=0,
                seq=0,
                t_ns=time.monotonic_ns(),
            )
        ]
    )
    view.set_model(other)
    assert view.model is other
    assert [lane.name for lane in view.item.data.lanes] == ["main program", "solo"]
    assert view.item._selected is None
    assert view.visible_time_range()[1] < 5.0  # fitted to the new, young run
    view.plot_widget.grab()  # paints without the old lanes


def test_hovering_a_lane_label_explains_the_ending(qtbot) -> None:
    view = make_view(qtbot, finished_model())
    axis = view.plot_widget.getPlotItem().getAxis("left")
    point = view.plot_widget.mapFromScene(axis.mapToScene(QPointF(30, 0)))
    point.setY(to_viewport(view, 0.3, 2.5).y())
    qtbot.mouseMove(view.plot_widget.viewport(), point)
    qtbot.waitUntil(lambda: "SIGTERM" in axis.toolTip(), timeout=2000)
    assert "a-2" in axis.toolTip()


def test_fit_shows_the_whole_run(qtbot) -> None:
    model = finished_model()
    view = make_view(qtbot, model)
    view.show_time_range(0.2, 0.3)
    assert view.visible_time_range() == pytest.approx((0.2, 0.3))
    view.fit()
    low, high = view.visible_time_range()
    assert -0.02 < low <= 0.0
    assert 0.62 < high < 0.62 * 1.5  # the end plus room for its outcome badge
    assert view.following()


def wheel(view: TimelineView, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    viewport = view.plot_widget.viewport()
    centre = QPointF(viewport.rect().center())
    event = QWheelEvent(
        centre,
        viewport.mapToGlobal(centre),
        QPoint(),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        modifiers,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)


def test_wheel_zooms_time_and_shift_wheel_zooms_lanes(qtbot) -> None:
    view = make_view(qtbot, finished_model())
    box = view.plot_widget.getViewBox()
    times, lanes = box.viewRange()
    wheel(view)
    assert box.viewRange()[1] == pytest.approx(lanes)
    assert box.viewRange()[0][1] - box.viewRange()[0][0] < times[1] - times[0]
    times = box.viewRange()[0]
    wheel(view, Qt.KeyboardModifier.ShiftModifier)
    assert box.viewRange()[0] == pytest.approx(times)
    assert box.viewRange()[1][1] - box.viewRange()[1][0] < lanes[1] - lanes[0]


def test_follows_the_present_until_the_user_zooms(qtbot) -> None:
    script = live_script(elapsed=0.85)
    view = make_view(qtbot, script.model)
    view.set_live(True)
    assert view.following()
    # now ≈ 0.85 s: the 1 s page is nearly full, so the view soon steps to 2 s
    qtbot.waitUntil(lambda: view.visible_time_range()[1] > 1.5, timeout=3000)
    assert view.visible_time_range()[0] <= 0.0
    viewport = view.plot_widget.viewport()
    centre = QPointF(viewport.rect().center())
    wheel = QWheelEvent(
        centre,
        viewport.mapToGlobal(centre),
        QPoint(),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, wheel)
    assert not view.following()
    zoomed = view.visible_time_range()
    for _ in range(4):  # several live frames later the range has not moved
        with qtbot.waitSignal(view._timer.timeout, timeout=1000):
            pass
    assert view.visible_time_range() == pytest.approx(zoomed)
    view.fit()
    assert view.following()
    assert view.visible_time_range()[1] > script.model.now()
    view.set_live(False)


def test_live_now_line_and_growing_bars_then_fit_at_the_end(qtbot) -> None:
    script = live_script(elapsed=0.3)
    view = make_view(qtbot, script.model)
    view.set_live(True)
    assert view._now_line.isVisible()
    first = view._now_line.value()
    qtbot.waitUntil(lambda: view._now_line.value() > first + 0.05, timeout=2000)
    finish(script)  # events arrive, then the run is over
    view.lanes_changed(set(script.model.lanes))
    view.set_live(False)
    assert not view._now_line.isVisible()
    low, high = view.visible_time_range()
    assert low <= 0.0 and high > script.model.now()


def test_presentation_zoom_scales_lanes_and_text(qtbot) -> None:
    view = make_view(qtbot, finished_model(), height=700)
    box = view.plot_widget.getViewBox()

    def lane_px() -> float:
        low, high = box.viewRange()[1]
        return box.height() / (high - low)

    normal = lane_px()
    axis_width = view.plot_widget.getPlotItem().getAxis("left").width()
    view.zoom_presentation(+1)
    view.zoom_presentation(+1)
    assert view.presentation_scale() == 1.5
    assert lane_px() == pytest.approx(normal * 1.5, rel=0.02)
    axis = view.plot_widget.getPlotItem().getAxis("left")
    qtbot.waitUntil(lambda: axis.width() > axis_width * 1.3, timeout=2000)
    view.zoom_presentation(0)
    assert view.presentation_scale() == 1.0
    assert lane_px() == pytest.approx(normal, rel=0.02)
    for _ in range(20):
        view.zoom_presentation(-1)
    assert view.presentation_scale() == min(palette.PRESENTATION_SCALES)


def test_pixels_show_state_colours(qtbot) -> None:
    view = make_view(qtbot, finished_model())
    image = view.plot_widget.grab().toImage()

    def colour_at(x: float, y: float) -> str:
        point = to_viewport(view, x, y)
        return QColor(image.pixel(point)).name().upper()

    assert colour_at(0.55, 2.5) == palette.SKY_BLUE  # a-2 running, idle
    assert colour_at(0.3, 1.62) == palette.CPU_FILL  # a-1 busy: shaded
    # b exited, not joined (right of its ending badge, which now carries "exit 1")
    assert colour_at(0.6, 3.5) == palette.YELLOW
    assert colour_at(0.04, 3.5) == palette.ORANGE  # b starting


def test_a_thousand_lanes_paint_without_labels_turning_to_mush(qtbot) -> None:
    from core.model.events import Event, EventKind
    from tests.helpers import scenario

    model = preview_model(scenario([{"name": "w", "target": "noop", "count": 1023}]))
    model.apply(
        [Event.make(EventKind.RUN_STARTED, 0, {"pid": 1}, sender=0, seq=0, t_ns=10**12)]
    )
    view = make_view(qtbot, model)
    assert view.item.data.row_count == 1024
    axis = view.plot_widget.getPlotItem().getAxis("left")
    low, high = view.plot_widget.getViewBox().viewRange()[1]
    assert high - low >= 1024  # fit: every lane in view, each under a pixel tall
    view.plot_widget.grab()  # paints (labels every k-th lane, no glyphs)
    assert axis.width() < 400


def test_grid_step_is_round_and_far_enough_apart() -> None:
    assert grid_step(1.0, 1000) == 0.1
    assert grid_step(0.62, 1000) == 0.1
    assert grid_step(60.0, 1000) == 10.0
    assert grid_step(0.001, 1000) == pytest.approx(0.0001)
