"""Shared helpers for tests that drive the real MainWindow."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.scenario.toml_io import LESSONS_DIR
from gui.editor.trust_store import TrustStore
from gui.main_window import MainWindow

RUN_TIMEOUT_MS = 30_000


def lesson(name: str) -> Path:
    return next(LESSONS_DIR.glob(f"{name}*.toml"))


def choose(field, value) -> None:
    """Pick ``value`` in a choice FieldEdit the way a user does (emits edits)."""
    index = field.input.findData(value)
    assert index >= 0, f"{value!r} is not offered"
    field.input.setCurrentIndex(index)


def run_to_end(qtbot, window: MainWindow) -> None:
    """Press Run and wait until the run is over and released."""
    assert window.actions_.run.isEnabled(), window.editor.problems
    with qtbot.waitSignal(window.controller.run_released, timeout=RUN_TIMEOUT_MS):
        window.actions_.run.trigger()
        assert window.controller.active
    qtbot.waitUntil(lambda: window.controller.model.all_final(), timeout=1_000)


def close_and_wait(qtbot, window: MainWindow, timeout_ms: int = 12_000) -> None:
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=timeout_ms)
    qtbot.waitUntil(lambda: not window.controller.active, timeout=timeout_ms)


@pytest.fixture(name="window")
def window_fixture(qtbot, tmp_path):
    """The real window, opened on the first lesson, with a temporary trust store.

    Closed here, not by pytest-qt (no ``addWidget``): pytest-qt closes and
    deletes its widgets before fixtures end, so a test that failed during a
    run left the run's processes to the next test's leftover check."""
    win = MainWindow(TrustStore(tmp_path / "trusted-code.json"))
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.controller.active or win.isVisible():
        close_and_wait(qtbot, win)
    win.deleteLater()
