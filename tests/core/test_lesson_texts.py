"""A lesson's question, answer and takeaway: optional, validated, saved."""

from __future__ import annotations

import pytest

from core.input_checks import InputError
from core.scenario import toml_io
from core.scenario.rules import scenario_from_dict


def test_lesson_texts_survive_save_and_reopen(tmp_path):
    lesson = toml_io.load_scenario_or_lesson("5")
    assert lesson.question and lesson.answer and lesson.takeaway
    path = tmp_path / "copy.toml"
    toml_io.save_scenario(lesson, path)
    assert toml_io.load_scenario(path) == lesson


def test_a_wrong_type_is_named_with_its_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('title = "x"\nquestion = 3\n[[workers]]\ntarget = "noop"\n')
    with pytest.raises(InputError) as caught:
        toml_io.load_scenario(path)
    text = caught.value.describe()
    assert "question" in text and "line 2" in text


def test_they_are_optional_and_left_out_when_empty():
    plain = scenario_from_dict({"workers": [{"target": "noop"}]})
    assert (plain.question, plain.answer, plain.takeaway) == ("", "", "")
    assert "question" not in plain.to_dict()
