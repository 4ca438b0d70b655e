"""Custom code from a file: shown read-only, never run on open, run only after
an explicit yes that is remembered by the code's SHA-256."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui.editor.code_confirm_dialog import CodeConfirmDialog
from gui.editor.trust_store import TrustStore
from tests.gui.window_helpers import (  # noqa: F401  (fixture)
    RUN_TIMEOUT_MS,
    window_fixture,
)

SCENARIO = '''title = "my code"
start_method = "fork"

[[workers]]
name = "mine"
target = "custom"
function = "work"
args = {{ marker = "{marker}" }}
code = """
def work(marker):
    with open(marker, "w") as handle:
        handle.write("ran")
    return "wrote it"
"""
'''


def answer_next_dialog(qtbot, accept: bool, seen: list) -> None:
    """Click the confirmation dialog's button once it is shown."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, CodeConfirmDialog):
            QTimer.singleShot(20, poll)
            return
        try:
            seen.append(dialog.editors[0].toPlainText())
            assert dialog.cancel_button.isDefault()
            if accept:
                dialog.run_button.click()
            else:  # Enter, the careless answer, must mean "no"
                QTest.keyClick(dialog, Qt.Key.Key_Return)
                assert dialog.result() == CodeConfirmDialog.DialogCode.Rejected
        except AssertionError as error:
            seen.append(f"FAILED: {error!r}")
        finally:
            if dialog.isVisible():  # never leave the test hanging in exec()
                seen.append("FAILED: the dialog was still open")
                dialog.reject()

    QTimer.singleShot(20, poll)


def test_code_from_a_file_is_shown_locked_and_runs_only_after_yes(
    qtbot, window, tmp_path
):
    marker = tmp_path / "ran.txt"
    path = tmp_path / "mine.toml"
    path.write_text(SCENARIO.format(marker=marker))
    assert window.open_path(path)
    group = window.editor.groups[0]
    assert group.code.isReadOnly() and group.code_locked
    assert not group.code_notice.isHidden()
    assert "It has not been run" in group.code_notice.text()
    assert not marker.exists()  # opening ran nothing

    seen: list[str] = []
    answer_next_dialog(qtbot, accept=False, seen=seen)
    assert window.run() is False
    assert seen and "def work(marker)" in seen[0]
    assert not window.controller.active and not marker.exists()

    answer_next_dialog(qtbot, accept=True, seen=seen)
    with qtbot.waitSignal(window.controller.run_released, timeout=RUN_TIMEOUT_MS):
        assert window.run() is True
    assert marker.read_text() == "ran"
    assert window.controller.model.lanes[1].outcome == "ok"
    assert TrustStore(window.trust.path).is_trusted(
        window.editor.scenario.workers[0].code
    )

    # The same code again: no question (a dialog would block this call).
    marker.unlink()
    with qtbot.waitSignal(window.controller.run_released, timeout=RUN_TIMEOUT_MS):
        assert window.run() is True
    assert len(seen) == 2 and marker.exists()

    # One byte changed: asked again.
    group.unlock_button.click()
    assert not group.code.isReadOnly()
    group.code.setPlainText(group.code.toPlainText().replace("wrote it", "wrote It"))
    answer_next_dialog(qtbot, accept=False, seen=seen)
    assert window.run() is False
    assert len(seen) == 3 and "wrote It" in seen[2]
    assert not [entry for entry in seen if entry.startswith("FAILED")], seen


def test_a_lesson_never_locks_and_plain_scenarios_ask_nothing(qtbot, window):
    assert not window.editor.code_locked
    assert window._confirm_code(window.editor.scenario) is True  # no custom code
