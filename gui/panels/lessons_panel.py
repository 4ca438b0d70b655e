"""The built-in lessons: a numbered list and the chosen lesson's description.

Descriptions are Markdown (they ask the class to predict before pressing Run).
The same text area shows the description of a scenario opened from a file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.scenario.toml_io import Lesson, list_lessons


class LessonsPanel(QWidget):
    lesson_chosen = Signal(object)
    """Path of the lesson file the user picked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lessons: list[Lesson] = list_lessons()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("<b>Lessons</b>")
        layout.addWidget(heading)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.list = QListWidget()
        self.list.setAlternatingRowColors(True)
        for number, lesson in enumerate(self.lessons, start=1):
            item = QListWidgetItem(f"{number}. {lesson.title}")
            item.setData(Qt.ItemDataRole.UserRole, str(lesson.path))
            item.setToolTip(lesson.name)
            self.list.addItem(item)
        # Selection, not the current row: a list that gets keyboard focus
        # makes its first row current on its own (without selecting it), and
        # that must not replace what the window has open.
        self.list.itemSelectionChanged.connect(self._on_list_item_selection_changed)
        self.description = QTextBrowser()
        self.description.setOpenExternalLinks(True)
        splitter.addWidget(self.list)
        splitter.addWidget(self.description)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        rows = max(1, self.list.count())
        list_height = (
            self.list.sizeHintForRow(0) * rows + 2 * self.list.frameWidth() + 4
        )
        splitter.setSizes([list_height, 240])
        layout.addWidget(splitter)
        self._layout = layout

    def hold(self, widget: QWidget) -> None:
        """Show ``widget`` under the description (the predict box, when the
        window is not presenting)."""
        self._layout.addWidget(widget)

    def select_path(self, path: Path | str | None) -> None:
        """Highlight the lesson at ``path`` (none if it is not a lesson)."""
        self.list.blockSignals(True)
        try:
            row = next(
                (
                    i
                    for i, lesson in enumerate(self.lessons)
                    if path is not None and lesson.path == Path(path).resolve()
                ),
                -1,
            )
            self.list.setCurrentRow(row)
            if row < 0:
                self.list.clearSelection()
        finally:
            self.list.blockSignals(False)

    def show_description(self, title: str, markdown: str) -> None:
        text = f"## {title}\n\n{markdown.strip()}" if title else markdown
        self.description.setMarkdown(text)

    def _on_list_item_selection_changed(self) -> None:
        selected = self.list.selectedIndexes()
        if selected and 0 <= selected[0].row() < len(self.lessons):
            self.lesson_chosen.emit(self.lessons[selected[0].row()].path)
