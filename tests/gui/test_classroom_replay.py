"""Replay in the window: lanes and details show the run at the cursor."""

from __future__ import annotations

from tests.gui.window_helpers import run_to_end, window_fixture  # noqa: F401


def signal_labels(model) -> list[str]:
    return [
        m.label
        for lane in model.worker_lanes()
        for m in lane.markers
        if m.kind == "signal"
    ]


def test_replay_plays_steps_scrubs_and_gives_the_run_back(qtbot, window):
    assert not window.actions_.replay.isEnabled()  # nothing has run yet
    window.lessons.list.setCurrentRow(4)  # lesson 5
    run_to_end(qtbot, window)
    finished = window.controller.model
    assert window.actions_.replay.isEnabled()
    window.actions_.replay.trigger()
    mode = window.replay_mode
    assert mode.active and window.pane.replay_bar.isVisible()
    assert window.timeline.model is mode.replay.model
    assert signal_labels(window.timeline.model) == []  # the cursor is at 0
    # scrub to the middle (after SIGTERM at 0.5 s, before SIGKILL at 1.5 s)
    replay = mode.replay
    middle = next(i for i in range(replay.count) if replay.time_of(i) > 1.0)
    window.pane.replay_bar.scrubbed.emit(middle)
    assert signal_labels(window.timeline.model) == ["SIGTERM", "SIGTERM"]
    window.timeline.lane_selected.emit(2)  # stubborn, at the cursor: running
    assert window.details.lane.outcome is None
    # play at 1x to the end
    window.pane.replay_bar.speed.setCurrentIndex(3)
    window.pane.replay_bar.play.click()
    qtbot.waitUntil(lambda: replay.at_end, timeout=10_000)
    qtbot.waitUntil(lambda: not mode._timer.isActive(), timeout=2000)
    assert "SIGKILL" in signal_labels(window.timeline.model)
    # one step back undoes the last event
    window.pane.replay_bar.back.click()
    assert replay.index == replay.count - 1
    window.pane.replay_bar.done.click()
    assert not mode.active and window.timeline.model is finished
    assert not window.actions_.replay.isChecked()
    # Run again from inside a replay: the replay gives way to the new run
    window.actions_.replay.trigger()
    window.pane.replay_bar.play.click()
    run_to_end(qtbot, window)
    assert not mode.active and not mode._timer.isActive()
    assert window.timeline.model is window.controller.model


def test_console_interleaves_output_and_a_click_selects_the_lane(qtbot, window):
    run_to_end(qtbot, window)  # lesson 1: each sleeper prints twice
    console = window.console
    lines = console.lines()
    assert len(lines) == 4
    assert [line.split("│ ")[1] for line in lines] == [
        "I'm going to sleep",
        "I'm going to sleep",
        "I'm awake",
        "I'm awake",
    ]
    times = [float(line.split()[0]) for line in lines]
    assert times == sorted(times)
    tints = {console.item(i).background().color().name() for i in range(4)}
    assert len(tints) == 2  # one tint per lane
    console.itemClicked.emit(console.item(3))
    lane = window.details.lane
    assert lane is not None and lane.name in lines[3]
    low, high = window.timeline.visible_time_range()
    assert low < times[3] < high


def test_print_marks_follow_the_output_as_it_grows(qtbot, window):
    from core.model.lanes import OutputLine
    from gui.timeline.print_marks import output_times

    run_to_end(qtbot, window)
    lane = window.controller.model.lanes[1]
    assert list(output_times(lane)) == [line.t for line in lane.output]
    lane.output.append(OutputLine(9.5, "stdout", "later"))  # a live run appends
    assert output_times(lane)[-1] == 9.5 and len(output_times(lane)) == 3
    window.timeline.plot_widget.grab()  # paints the marks without error
