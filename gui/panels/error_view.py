"""The Error tab: the traceback a student can read, large, with the option to
see every frame (issue 11, defect 7), then what the process wrote below Python.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFontDatabase, QMouseEvent
from PySide6.QtWidgets import QCheckBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from core.model.run_model import Lane
from core.model.student_traceback import student_view

TRACEBACK_PX = 15
FRAME = re.compile(r'^\s*File "(?P<file>.+)", line (?P<line>\d+)')


class ErrorView(QWidget):
    frame_clicked = Signal(str, int)
    """A click on a frame of the traceback (its ``File "…", line N`` or the
    code line under it): the file and the line, for the program editor."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lane: Lane | None = None
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setToolTip("Click a line of the traceback to see it in the code")
        self.text.viewport().installEventFilter(self)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPixelSize(TRACEBACK_PX)
        self.text.setFont(mono)
        self.all_frames = QCheckBox("show all frames")
        self.all_frames.setToolTip(
            "Also show the frames of multiprocessing and of Procession itself"
        )
        self.all_frames.toggled.connect(lambda _: self.show_lane(self._lane))
        self.note = QLabel()
        self.note.setStyleSheet("color: #5a5a5a;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.all_frames)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.text.viewport()
            and event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
        ):
            block = self.text.cursorForPosition(event.position().toPoint()).block()
            # The frame's own line, or the code line printed under it.
            for candidate in (block, block.previous()):
                found = FRAME.match(candidate.text()) if candidate.isValid() else None
                if found:
                    self.frame_clicked.emit(found["file"], int(found["line"]))
                    break
        return False

    def toPlainText(self) -> str:
        return self.text.toPlainText()

    def show_lane(self, lane: Lane | None) -> bool:
        """Show ``lane``'s error; True if it has one."""
        self._lane = lane
        error = lane.error if lane is not None else None
        parts = []
        hidden = 0
        if error:
            full = as_python_prints(error.traceback.rstrip(), error.type, error.message)
            if full and not self.all_frames.isChecked():
                view = student_view(full)
                full, hidden = view.text, view.hidden
            parts.append(full or f"{error.type}: {error.message}")
        if lane is not None and lane.log_tail.strip():
            parts.append(
                "The end of what it wrote below Python (fd 1 and 2: C code, "
                "child processes, crash reports):\n" + lane.log_tail.rstrip()
            )
        text = "\n\n".join(parts)
        if self.text.toPlainText() != text:
            self.text.setPlainText(text)
        self.note.setText(
            f"{hidden} frame{'s' if hidden != 1 else ''} of Python's and "
            "Procession's own code hidden"
            if hidden
            else ""
        )
        self.note.setVisible(bool(hidden))
        self.all_frames.setVisible(bool(error))
        return bool(error)


def as_python_prints(frames: str, kind: str, message: str) -> str:
    """A traceback the way Python prints it: a traced child's comes as its
    frames only (the Error tab then lacked the very line that names the
    error); the header and the ``Type: message`` line are added if missing."""
    if not frames or not frames.lstrip().startswith("File "):
        return frames  # already whole, or nothing to frame
    last = f"{kind}: {message}" if message else kind
    return f"Traceback (most recent call last):\n{frames}\n{last}"
