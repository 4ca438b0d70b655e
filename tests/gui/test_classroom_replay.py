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
