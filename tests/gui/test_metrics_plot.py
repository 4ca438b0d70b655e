"""The CPU/memory plot of a lane says why it is empty instead of looking
broken (a child that lived 25 ms had two blank plots)."""

from __future__ import annotations

from core.model.lanes import Lane
from gui.panels.metrics_plot import MetricsPlot


def test_an_empty_plot_says_why(qtbot):
    plot = MetricsPlot()
    qtbot.addWidget(plot)
    short = Lane(worker_id=1, name="Process-1", kind="process", pid=4242)
    plot.show_lane(short, end=0.1, live=False)
    assert "ended before the first sample" in plot.empty_note.toPlainText()
    plot.show_lane(Lane(worker_id=2, name="p", kind="process"), end=0.1)
    assert "never ran" in plot.empty_note.toPlainText()
    plot.show_lane(short, end=0.1, live=True)  # a live lane may still get one
    assert plot.empty_note.toPlainText() == ""
    plot.show_lane(short, end=0.1, live=False)  # the run ended: now it says so
    assert "ended before the first sample" in plot.empty_note.toPlainText()
    short.samples.append((0.05, 90.0, 30 * 2**20))
    plot.show_lane(short, end=0.1, live=False)
    assert plot.empty_note.toPlainText() == ""
    assert plot.cpu_curve.getData()[1].tolist() == [90.0]
