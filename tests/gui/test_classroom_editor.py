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
