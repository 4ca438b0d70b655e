"""Code <-> timeline: a mark's line in the editor, a line's marks on the lanes.

Every mark a traced program's own code caused (start(), join(), terminate(),
kill(), is_alive(), …) carries its call site, ``file:line``. Clicking such a
mark puts the editor on that line; putting the cursor on a line rings every
mark it caused and brings the first into view. Only sites in the file that
ran count (a library's line is not the editor's). A click on a frame of an
error's traceback (the Error tab) goes to its line the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from core.model.lanes import Marker
from core.model.run_model import RunModel

if TYPE_CHECKING:
    from gui.main_window import MainWindow
    from gui.program_mode import ProgramMode


def site_line(site: str, path: Path) -> int | None:
    """The line of ``site`` ("file:line") if its file is ``path``."""
    file, _, line = site.rpartition(":")
    if not file or not line.isdigit():
        return None
    try:
        same = Path(file).resolve() == path.resolve()
    except OSError:
        return None
    return int(line) if same else None


def marks_of_line(model: RunModel, path: Path, line: int) -> list[tuple[int, Marker]]:
    """(lane id, mark) of every mark caused by ``line`` of ``path``, by time."""
    found = [
        (lane_id, marker)
        for lane_id, lane in model.lanes.items()
        for marker in lane.markers
        if marker.site and site_line(marker.site, path) == line
    ]
    return sorted(found, key=lambda pair: pair[1].t)


class CodeLinks(QObject):
    def __init__(self, window: MainWindow, programs: ProgramMode) -> None:
        super().__init__(programs)
        self.window = window
        self.programs = programs
        self.ran_path: Path | None = None
        """The file the shown run ran (the editor's file or its copy)."""
        self.ran_text = ""
        """Its text: once the editor's differs, its lines are not the run's."""
        self.selected: list[tuple[int, Marker]] = []
        window.timeline.marker_clicked.connect(self._on_timeline_marker_clicked)
        programs.editor.line_chosen.connect(self._on_editor_line_chosen)
        window.details.error.frame_clicked.connect(self._on_error_frame_clicked)

    def linked(self) -> bool:
        """The editor shows the very text whose run the timeline shows."""
        return (
            self.programs.active
            and self.ran_path is not None
            and self.programs.editor.text() == self.ran_text
        )

    def ran(self, path: Path, text: str) -> None:
        self.ran_path, self.ran_text = path, text

    def _on_timeline_marker_clicked(self, lane_id: int, marker: Marker) -> None:
        if not self.linked() or self.ran_path is None:
            return
        line = site_line(marker.site, self.ran_path)
        if line is not None:
            self.programs.editor.show_line(line)
            self._ring([(lane_id, marker)])

    def _on_error_frame_clicked(self, file: str, line: int) -> None:
        ran = self.ran_path if self.linked() else None
        if ran is not None and site_line(f"{file}:{line}", ran) is not None:
            self.programs.editor.show_line(line)

    def _on_editor_line_chosen(self, line: int) -> None:
        if not self.linked() or self.ran_path is None:
            self._ring([])
            return
        model = self.window.timeline.model
        marks = marks_of_line(model, self.ran_path, line)
        self._ring(marks)
        if marks and not self.window.controller.live:
            self.window.timeline.center_on(marks[0][1].t)

    def _ring(self, marks: list[tuple[int, Marker]]) -> None:
        self.selected = marks
        self.window.timeline.highlight_marks([(lane, m.t) for lane, m in marks])

    def clear(self) -> None:
        self.ran_path, self.ran_text = None, ""
        self._ring([])
