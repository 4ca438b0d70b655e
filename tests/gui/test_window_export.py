"""Exports from the window, and a recording that reopens exactly as it ran."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QFileDialog

from core.model.outcomes import Outcome
from gui.run_controller import RunState
from tests.gui.window_helpers import (  # noqa: F401  (fixture)
    choose,
    run_to_end,
    window_fixture,
)


def lanes_seen(model):
    return [
        (
            lane.name,
            lane.outcome,
            lane.exitcode,
            lane.explanation.sentence if lane.explanation else None,
            [
                (s.state, round(s.start, 6), s.end and round(s.end, 6))
                for s in lane.segments
            ],
            [(m.kind, m.label) for m in lane.markers],
        )
        for lane in model.lanes.values()
    ]


def test_exports_and_a_reopened_recording(qtbot, window, tmp_path, monkeypatch):
    window.lessons.list.setCurrentRow(8)  # 9. Exit codes explained
    choose(window.editor.start_method, "fork")
    run_to_end(qtbot, window)
    model = window.controller.model
    assert window.actions_.export.isEnabled()

    png = window.export_to("png", tmp_path / "run.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = window.export_to("svg", tmp_path / "run")
    assert svg.name == "run.svg" and "<svg" in svg.read_text()
    assert "showing" not in svg.read_text()  # the whole run
    # Zoomed in, the pictures show what the teacher sees, and say so.
    window.timeline.show_time_range(0.1, 0.3)
    zoomed = window.export_to("svg", tmp_path / "zoomed.svg").read_text()
    assert "showing 0.10–0.30 s" in zoomed
    window.timeline.fit()
    trace = json.loads(window.export_to("trace", tmp_path / "t.json").read_text())
    assert trace["traceEvents"]
    summary = json.loads(window.export_to("summary", tmp_path / "s.json").read_text())
    assert [w["outcome"] for w in summary["workers"]] == [
        "ok",
        "error",
        "exit",
        "terminated",
        "killed",
        "crashed",
    ]

    # Through the menu, as a user does (the file dialog answered for them).
    chosen = tmp_path / "rec.procession.json"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(chosen), "Procession recording (*.json)"),
    )
    window.actions_.export_kinds["recording"].trigger()
    assert chosen.exists()

    before = lanes_seen(model)
    assert window.open_path(chosen)
    assert window.controller.state == RunState.REVIEW
    assert "(recording)" in window.windowTitle()
    assert window.timeline.model is window.controller.model
    assert lanes_seen(window.controller.model) == before
    assert window.controller.model.lanes[6].outcome is Outcome.CRASHED
    window.timeline.lane_selected.emit(2)
    assert "something went wrong" in window.details.outcome_text()
    # and it can be run again from there
    assert window.actions_.run.isEnabled()


def test_save_scenario_through_the_menu(qtbot, window, tmp_path, monkeypatch):
    target = tmp_path / "copy.toml"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(target), "Scenario (*.toml)"),
    )
    window.editor.groups[0].count.set_text("3")
    window.actions_.save.trigger()  # a lesson: always asks where
    assert "count = 3" in target.read_text()
    assert window.source == target.resolve()
    assert window.open_path(target)
    assert window.editor.groups[0].count.text() == "3"
    assert window.editor.code_locked is False  # no custom code in it


def test_unreadable_file_changes_nothing_and_says_why(qtbot, window, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "x"\n[[workers]]\ntarget = "sleep"\ncount = " 12 "\n')
    title = window.windowTitle()
    assert window.open_path(bad) is False
    assert window.windowTitle() == title
    assert "line 4" in window.last_error.text() and "count" in window.last_error.text()
    assert window.open_path(tmp_path / "missing.json") is False
    assert "cannot read" in window.last_error.text()
    window.last_error.close()
