"""Editor defects from issue 11: arguments follow the target; auto-indent."""

from __future__ import annotations

import pytest

from tests.gui.window_helpers import choose, window_fixture  # noqa: F401

OTHER_TARGETS = [
    "raise_error",
    "countdown",
    "exit_with",
    "forever",
    "crash",
    "print_lines",
    "noop",
]


@pytest.mark.parametrize("target", OTHER_TARGETS)
def test_switching_target_drops_the_old_arguments(qtbot, window, target):
    group = window.editor.groups[0]  # lesson 1: sleep(seconds=1.0)
    assert group.target.value() == "sleep"
    choose(group.target, target)
    assert window.editor.problems == []
    assert window.editor.scenario is not None
    assert "seconds" not in window.editor.scenario.workers[0].args
    assert window.actions_.run.isEnabled()


def test_code_editor_indents_like_a_python_editor(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from core.scenario.custom_code_rules import custom_code_problem
    from gui.editor.code_editor import CodeEditor

    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.show()
    # The tutorial's function, typed key by key with no indentation of its own.
    QTest.keyClicks(editor, "def work(seconds=1.0):")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClicks(editor, "for i in range(3):")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClicks(editor, "print(i)")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClick(editor, Qt.Key.Key_Backspace)  # out of the loop
    QTest.keyClicks(editor, "return seconds")
    assert editor.toPlainText() == (
        "def work(seconds=1.0):\n"
        "    for i in range(3):\n"
        "        print(i)\n"
        "    return seconds"
    )
    assert custom_code_problem(editor.toPlainText(), "work") is None
    # Room for a line of the tutorial without scrolling sideways.
    columns = (editor.viewport().width()) / editor.fontMetrics().horizontalAdvance("m")
    assert columns >= 40
