"""The answer on the picture, and predict-then-reveal (issue 11, defects 5, 6, 8)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from core.model.headline import duration
from core.scenario.toml_io import load_scenario_or_lesson
from gui.export.image_export import export_svg
from tests.gui.window_helpers import run_to_end, window_fixture  # noqa: F401
from tests.helpers import run

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(model, tmp_path) -> str:
    path = tmp_path / "picture.svg"
    export_svg(model, path)
    root = ET.parse(path).getroot()
    return " | ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


@pytest.mark.parametrize("lesson", ["1", "2"])
def test_the_key_number_is_written_on_the_picture(qtbot, tmp_path, lesson):
    model = run(load_scenario_or_lesson(lesson))
    texts = svg_texts(model, tmp_path)
    if lesson == "1":  # main program done ≈ the whole run: said once, in seconds
        assert f"main program done: {model.main_finished:.2f} s" in texts
    else:  # a 7 ms sliver becomes a callout in ms, and the total is written too
        assert f"main program done: {duration(model.main_finished)}" in texts
        assert f"run took {model.now():.2f} s" in texts
    assert texts.count("boot ") == 2  # each process's boot time
    assert texts.count("✓ exit 0") == 2  # endings carry their exit code


def test_lesson_5_picture_says_sigterm_was_ignored(qtbot, tmp_path):
    model = run(load_scenario_or_lesson("5"))
    texts = svg_texts(model, tmp_path)
    assert texts.count("SIGTERM ignored") == 1  # stubborn's, not polite's
    assert "SIGTERM · exit −15" in texts and "SIGKILL · exit −9" in texts


def test_predict_hides_the_answer_until_the_run_ends(qtbot, window):
    lesson = window.editor.scenario
    assert lesson.question and lesson.answer
    # the description no longer gives the answer away (defect 6)
    assert "1 second" not in lesson.description
    assert "1 second" not in window.lessons.description.toPlainText()
    box = window.predict
    assert box.isVisible() and lesson.question in box.text.text()
    assert not box.revealed
    box.guess.setText("2 seconds")
    run_to_end(qtbot, window)
    assert box.revealed
    shown = box.answer_text()
    assert "About 1 second" in shown and "2 seconds" in shown
    assert "the run took" in shown
    # sleepers keep no core busy: the gauge says so, without a warning
    assert "Parallelism 0.0 of" in window.status.gauge.text()
    assert not window.pane.warning.isVisible()


def test_reveal_button_shows_the_answer_before_any_run(qtbot, window):
    window.lessons.list.setCurrentRow(4)  # lesson 5
    box = window.predict
    assert not box.revealed and box.reveal_button.isEnabled()
    box.reveal_button.click()
    assert box.revealed and "SIGKILL cannot be ignored" in box.answer_text()
    window.lessons.list.setCurrentRow(8)  # lesson 9 has no question
    assert not box.isVisible()


def test_lesson_3_error_is_shown_readable_without_a_hunt(qtbot, window):
    window.lessons.list.setCurrentRow(2)  # 3. An error in the child
    run_to_end(qtbot, window)
    details = window.details
    # no lane click and no tab needed: the failing lane's traceback is up
    assert window.selected is not None
    assert details.tabs.currentWidget() is details.error
    text = details.error.toPlainText()
    assert "the lesson's target raise_error()" in text
    assert 'print(f"Hello {name}")' in text and "builtin_targets.py" not in text
    assert details.error.text.font().pixelSize() >= 14
    details.error.all_frames.setChecked(True)
    assert "builtin_targets.py" in details.error.toPlainText()


def _return_and_end(script, workers) -> None:
    """``workers`` return at 9 s, the run ends at 9.1 s."""
    for worker in workers:
        script.at(9.0, "target_returned", worker, value="None")
        script.at(9.0, "exited", worker, exitcode=0, log_tail="", cleaned_up=0)
    script.at(9.1, "main_finished")
    script.at(9.1, "run_finished")


def test_a_boot_time_is_written_only_where_the_bar_has_room(tmp_path):
    """A worker terminated before its target ended (a pool worker at the
    pool's shutdown) has a bar up to its exit, not to the run's end: its boot
    time is not written over its outcome badge."""
    from tests.gui.timeline_events import Script, begin, three_workers

    model = three_workers()
    script = Script(model)
    begin(script)  # three workers running from 0.06 s
    script.at(0.07, "signal_sent", 2, signal="SIGTERM", action="terminate", by="x")
    script.at(0.08, "exited", 2, exitcode=-15, log_tail="", cleaned_up=0)
    _return_and_end(script, (1, 3))
    texts = svg_texts(model, tmp_path)
    assert "SIGTERM · exit −15" in texts
    assert texts.count("boot ") == 2  # not on a-2's 20 ms sliver


def test_a_boot_time_is_not_written_over_a_task_label(tmp_path):
    """A pool worker's first task starts as soon as it booted: its label, not
    the boot time, is written there (they were drawn over each other)."""
    from tests.gui.timeline_events import Script, begin, three_workers

    model = three_workers()
    script = Script(model)
    begin(script)  # three workers running from 0.06 s
    script.at(0.061, "task_started", 1, task_id=1, label="work", detail="work (1)")
    script.at(5.0, "task_ended", 1, task_id=1, outcome="ok", detail="returned 1")
    _return_and_end(script, (1, 2, 3))
    texts = svg_texts(model, tmp_path)
    assert "work" in texts
    assert texts.count("boot ") == 2  # a-2 and a-3, not a-1 under its task
