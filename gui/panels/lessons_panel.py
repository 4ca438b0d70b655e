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

from core.lesson_programs import list_programs
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
        self._add_programs()
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

    def _add_programs(self) -> None:
        """The lessons as real programs, under their own heading: opening one
        shows its code (it runs only when Run is pressed)."""
        heading = QListWidgetItem("Programs: the lessons as real Python files")
        heading.setFlags(Qt.ItemFlag.NoItemFlags)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.list.addItem(heading)
        for number, program in enumerate(list_programs(), start=1):
            item = QListWidgetItem(f"P{number}. {program.title}  (.py)")
            item.setData(Qt.ItemDataRole.UserRole, str(program.path))
            item.setToolTip(f"{program.path.name}: a program, shown as code")
            self.list.addItem(item)

    def hold(self, widget: QWidget) -> None:
        """Show ``widget`` under the description (the predict box, when the
        window is not presenting)."""
        self._layout.addWidget(widget)

    def select_path(self, path: Path | str | None) -> None:
        """Highlight the lesson at ``path`` (none if it is not a lesson)."""
        self.list.blockSignals(True)
        try:
            wanted = str(Path(path).resolve()) if path is not None else None
            row = next(
                (
                    i
                    for i in range(self.list.count())
                    if wanted is not None
                    and self.list.item(i).data(Qt.ItemDataRole.UserRole) == wanted
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
        items = self.list.selectedItems()
        path = items[0].data(Qt.ItemDataRole.UserRole) if items else None
        if path:
            self.lesson_chosen.emit(Path(path))
