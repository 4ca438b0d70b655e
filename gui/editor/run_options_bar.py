"""How the window runs a program: its command-line arguments and the default
start method, as ``procession run --start-method M SCRIPT.py ARGS…`` takes
them on the command line.

The arguments are written as in a terminal (``-n 4 "two words"``) and split
the way a POSIX shell splits them, without running a shell: no variables, no
globbing. An unbalanced quote is a problem named in the field, and nothing
runs.
"""

from __future__ import annotations

import shlex

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from core.input_checks import InputError, Problem

PROGRAM_CHOOSES = "as the program chooses"
START_METHODS = (PROGRAM_CHOOSES, "fork", "spawn", "forkserver")
ERROR_STYLE = "QLineEdit { border: 2px solid #c62828; }"


class RunOptionsBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addWidget(QLabel("Arguments:"))
        self.arguments_edit = QLineEdit()
        self.arguments_edit.setPlaceholderText("sys.argv[1:]")
        self.arguments_edit.setToolTip(
            "Given to the program as sys.argv[1:], as typed after python FILE.py "
            "in a terminal: quote an argument that holds spaces."
        )
        self.arguments_edit.textChanged.connect(self._on_arguments_text_changed)
        layout.addWidget(self.arguments_edit, 1)
        layout.addWidget(QLabel("Start method:"))
        self.method_box = QComboBox()
        self.method_box.addItems(START_METHODS)
        self.method_box.setToolTip(
            "The default start method, set before the program runs; a program "
            "that calls set_start_method() or get_context() keeps its choice."
        )
        layout.addWidget(self.method_box)

    def arguments(self) -> list[str]:
        """The arguments as the program will see them; InputError naming the
        field if they cannot be split (the field turns red)."""
        try:
            return shlex.split(self.arguments_edit.text())
        except ValueError as error:  # "No closing quotation", "No escaped character"
            self.arguments_edit.setStyleSheet(ERROR_STYLE)
            reason = str(error)[:1].lower() + str(error)[1:]
            problem = Problem("", f"{reason} in {self.arguments_edit.text()!r}")
            raise InputError([problem], "Arguments") from None

    def start_method(self) -> str:
        """ "" (the program's own or Python's default) or a method's name."""
        chosen = self.method_box.currentText()
        return "" if chosen == PROGRAM_CHOOSES else chosen

    def reset(self) -> None:
        """Another program: its own arguments, not the last one's."""
        self.arguments_edit.clear()
        self.method_box.setCurrentIndex(0)

    def _on_arguments_text_changed(self) -> None:
        self.arguments_edit.setStyleSheet("")
