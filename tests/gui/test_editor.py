"""The scenario editor: every lesson round-trips, hostile input is refused
field by field, and the engine's own validation lands on the right widget."""

from __future__ import annotations

import pytest

from core.scenario import target_catalog
from core.scenario.definition import Scenario
from core.scenario.rules import scenario_from_dict
from core.scenario.toml_io import list_lessons, load_scenario, parse_scenario
from gui.editor.scenario_editor import ScenarioEditor
from tests.gui.window_helpers import choose

HOSTILE_NUMBERS = (
    " 12 ",
    "1_000",
    "١٢",
    "nan",
    "inf",
    "-inf",
    "1e999",
    "abc",
    "",
    "0x10",
)


@pytest.fixture
def editor(qtbot):
    widget = ScenarioEditor()
    qtbot.addWidget(widget)
    return widget


def normalised(scenario: Scenario) -> dict:
    """to_dict with every library target's default arguments filled in (the
    form shows, and so writes, every argument)."""
    data = scenario.to_dict()
    for group in data["workers"]:
        target = target_catalog.LIBRARY.get(group["target"])
        if target is not None:
            group["args"] = {**target.defaults(), **group["args"]}
    return data


@pytest.mark.parametrize("lesson", list_lessons(), ids=lambda lesson: lesson.name)
def test_every_lesson_round_trips_through_the_form(editor, lesson):
    scenario = load_scenario(lesson.path)
    editor.set_scenario(scenario)
    assert editor.problems == []
    assert editor.scenario is not None
    assert normalised(editor.scenario) == normalised(scenario)


@pytest.mark.parametrize("text", HOSTILE_NUMBERS)
def test_hostile_numbers_are_refused_in_every_numeric_field(editor, text):
    editor.set_scenario(load_scenario(list_lessons()[3].path))  # has an action
    group = editor.groups[0]
    fields = {
        "count": group.count,
        "start_delay": group.start_delay,
        "seconds": group._params.fields["seconds"],
        "join_timeout": editor.join_timeout,
        "action at": editor.actions.rows[0]["at"],
    }
    for name, field in fields.items():
        before = field.text()
        field.set_text(text)
        if name == "join_timeout" and text == "":
            assert field.problem is None  # empty means "no timeout"
            continue
        assert field.problem, (name, text)
        assert not field.message.isHidden()
        assert editor.scenario is None
        assert not editor.summary.isHidden()
        field.set_text(before)
        assert field.problem is None, (name, field.problem)
    assert editor.scenario is not None


def test_out_of_range_names_the_range(editor):
    group = editor.groups[0]
    group.count.set_text("5000")
    assert "from 1 to 1024" in group.count.problem
    group._params.fields["seconds"].set_text("-1")
    assert "from 0 to 3600" in group._params.fields["seconds"].problem


def test_engine_problems_land_on_their_fields(editor):
    editor.set_scenario(
        scenario_from_dict(
            {
                "workers": [
                    {"name": "a", "target": "sleep"},
                    {"name": "b", "target": "crash"},
                ]
            }
        )
    )
    choose(editor.mode, "thread")  # crash cannot run as a thread
    target = editor.groups[1].target
    assert "cannot run as a thread" in target.problem
    assert (
        not editor.mode_note.isHidden() and "force-stopped" in editor.mode_note.text()
    )
    choose(editor.mode, "process")
    assert target.problem is None and editor.scenario is not None
    editor.groups[1].name.set_text("a")  # duplicate group name
    assert "used by another group" in editor.groups[1].name.problem


def test_force_stopping_a_thread_is_refused_on_the_action(editor):
    editor.set_scenario(load_scenario(list_lessons()[3].path))  # terminate at 1 s
    choose(editor.groups[0].mode, "thread")
    action = editor.actions.rows[0]["action"]
    assert "threads cannot be force-stopped" in action.problem
    choose(action, "stop")
    assert action.problem is None and editor.scenario is not None


def test_fork_carries_its_warning(editor):
    assert not editor.method_note.text().startswith("fork")
    choose(editor.start_method, "fork")
    assert "multi-threaded" in editor.method_note.text()
    assert "single-threaded conductor" in editor.method_note.text()
    assert not editor.method_note.isHidden()
    # With thread workers the conductor is no longer single-threaded: the note
    # must not promise that it is.
    choose(editor.mode, "thread")
    assert "single-threaded" not in editor.method_note.text()
    assert "runs threads in the main program" in editor.method_note.text()


def test_custom_code_syntax_error_is_shown_with_its_line(editor):
    group = editor.groups[0]
    choose(group.target, "custom")
    assert editor.scenario is not None  # the template is valid
    group.code.setPlainText("def work():\n    return (\n")
    assert editor.scenario is None
    assert "SyntaxError at code line 2" in group.code_message.text()
    assert group.code.error_line == 2
    group.code.setPlainText("def other():\n    pass\n")
    assert "no top-level function 'work'" in group.code_message.text()
    group.function.set_text("other")
    assert editor.scenario is not None and group.code.error_line is None
    group.custom_args.set_text("seconds = ")
    assert "name = value" in group.custom_args.problem


def test_groups_and_actions_can_be_added_and_removed(editor):
    editor.add_group_button.click()
    assert len(editor.groups) == 2 and editor.groups[1].name.text() == "worker2"
    editor.groups[1].count.set_text("3")
    editor.actions.add_button.click()
    worker = editor.actions.rows[0]["worker"]
    offered = [worker.input.itemData(i) for i in range(worker.input.count())]
    assert offered == [
        "all",
        "worker",
        "worker2",
        "worker2-1",
        "worker2-2",
        "worker2-3",
    ]
    choose(worker, "worker2-2")
    scenario = editor.scenario
    assert scenario is not None and scenario.actions[0].worker == "worker2-2"
    editor.groups[0].remove_button.click()
    assert [g.name.text() for g in editor.groups] == ["worker2"]
    assert editor.groups[0].heading.text().startswith("<b>Group 1</b>")
    editor.actions.rows[0]["worker"]  # still there, still valid
    assert editor.scenario is not None
    editor.groups[0].remove_button.click()
    assert editor.scenario is None and "[[workers]]" in editor.summary.text()


def test_saved_scenario_reads_back_equal(editor, tmp_path):
    from gui.export import file_commands

    lesson = list_lessons()[8]
    before = lesson.path.read_bytes()
    editor.set_scenario(load_scenario(lesson.path))
    editor.groups[0].count.set_text("2")
    path = file_commands.save_scenario(editor.scenario, tmp_path / "mine")
    assert path.suffix == ".toml"
    again = parse_scenario(path.read_text())
    assert normalised(again) == normalised(editor.scenario)
    assert lesson.path.read_bytes() == before
    from core.input_checks import InputError

    with pytest.raises(InputError, match="read-only"):
        file_commands.save_scenario(editor.scenario, lesson.path)
    assert lesson.path.read_bytes() == before
