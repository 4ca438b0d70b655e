"""Ask before running custom code: show exactly what will run, default to No.

The answer is remembered by the code's SHA-256 (gui.editor.trust_store), so the same
code is asked about once, and a one-byte change is asked about again.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.editor.code_editor import CodeEditor
from gui.editor.trust_store import code_digest

EXPLANATION = (
    "<b>This scenario runs Python code on this computer</b>, with your "
    "permissions: it can read and change your files. Procession has not run "
    "it. Run it only if you wrote it or trust where it came from."
)


class CodeConfirmDialog(QDialog):
    def __init__(
        self, codes: list[tuple[str, str]], parent: QWidget | None = None
    ) -> None:
        """``codes``: (group name, code) for every piece not yet confirmed."""
        super().__init__(parent)
        self.setWindowTitle("Run this Python code? — Procession")
        self.resize(720, 520)
        layout = QVBoxLayout(self)
        text = QLabel(EXPLANATION)
        text.setWordWrap(True)
        layout.addWidget(text)
        tabs = QTabWidget()
        self.editors: list[CodeEditor] = []
        for name, code in codes:
            editor = CodeEditor()
            editor.setPlainText(code)
            editor.setReadOnly(True)
            tabs.addTab(editor, f"group {name}")
            self.editors.append(editor)
        layout.addWidget(tabs, 1)
        digests = ", ".join(code_digest(code)[:12] for _, code in codes)
        note = QLabel(
            f"Your answer is remembered for exactly this code (SHA-256 {digests}…); "
            "any change will be asked about again."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #566573;")
        layout.addWidget(note)
        buttons = QDialogButtonBox()
        self.run_button = buttons.addButton(
            "Run this code", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        # Enter must never mean "run": Cancel is the default and has the focus.
        self.run_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus()
