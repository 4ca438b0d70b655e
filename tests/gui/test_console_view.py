"""ConsoleView: every lane's output in time order, the last MAX_LINES of it."""

from __future__ import annotations

from core.model.run_model import OutputLine
from core.scenario.lane_announcements import preview_model
from core.scenario.rules import scenario_from_dict
from gui.panels.console_view import MAX_LINES, ConsoleView


def _model_with_lines(count: int):
    model = preview_model(
        scenario_from_dict(
            {"title": "t", "workers": [{"name": "w", "target": "noop", "count": 2}]}
        )
    )
    first, second = model.worker_lanes()
    for k in range(count):  # the two lanes take turns: even and odd times
        lane = first if k % 2 == 0 else second
        lane.output.append(OutputLine(k / 1000, "stdout", f"line {k}"))
    return model, second


def test_more_lines_than_it_keeps_shows_the_latest_in_time_order(qtbot) -> None:
    model, second = _model_with_lines(MAX_LINES + 1_001)
    console = ConsoleView()
    qtbot.addWidget(console)
    console.show_model(model)
    lines = console.lines()
    assert len(lines) == MAX_LINES
    # the oldest 1 001 are left out; the rest alternate between the lanes
    assert [line.rsplit(" ", 1)[1] for line in lines] == [
        str(k) for k in range(1_001, MAX_LINES + 1_001)
    ]
    assert "w-2" in lines[0] and "w-1" in lines[1]
    # later lines are added after them, the oldest dropped
    second.output.append(OutputLine(10.0, "stderr", "late"))
    console.refresh()
    assert console.lines()[-1].endswith("│ late") and len(console.lines()) == MAX_LINES
    assert console.lines()[0].endswith("line 1002")
