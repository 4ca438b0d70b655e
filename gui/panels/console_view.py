"""The console: every lane's output interleaved, like the terminal the program
would have printed to, each line tinted by its lane; clicking a line selects
its lane and shows that moment on the timeline.

It reads the model's per-lane output lists and appends what is new on each
refresh (a 20 000-line flood arrives in a few batches, not line by line), and
keeps the last MAX_LINES lines.
"""

from __future__ import annotations

import heapq
import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from core.model.run_model import RunModel

MAX_LINES = 2_000
TINTS = ("#E8F1FA", "#FDF0DC", "#E3F4EC", "#F8E9F1", "#FBF8D8", "#ECECEC")
"""Pale Okabe–Ito hues, one per lane in turn: which lane said it, at a glance."""
STREAM_MARKS = {"stdout": " ", "stderr": "!", "fd": "#"}


class ConsoleView(QListWidget):
    line_clicked = Signal(int, float)
    """(lane id, seconds) of the clicked line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.setFont(mono)
        self.setUniformItemSizes(True)
        self._model: RunModel | None = None
        self._seen: dict[int, int] = {}
        self.itemClicked.connect(self._on_item_clicked)
        self.setToolTip("Everything the run printed, in order; click a line")

    def show_model(self, model: RunModel) -> None:
        """Start over on ``model`` (a new run, a recording, a replay)."""
        if model is not self._model:
            self._model = model
            self._seen.clear()
            self.clear()
        self.refresh()

    def refresh(self) -> None:
        model = self._model
        if model is None:
            return
        fresh = []  # (index, lane, its lines not shown yet)
        for index, lane in enumerate(model.lanes.values()):
            seen = self._seen.get(lane.worker_id, 0)
            if len(lane.output) < seen:  # a replay stepped back: start over
                self._seen.clear()
                self.clear()
                return self.refresh()
            if len(lane.output) > seen:
                fresh.append((index, lane, lane.output[seen:]))
            self._seen[lane.worker_id] = len(lane.output)
        # Only the last MAX_LINES are shown: a recording with 800 000 lines
        # spent 1.5 s sorting them all; find the time they start at first.
        times = [line.t for _, _, lines in fresh for line in lines]
        if not times:
            return None
        cutoff = (
            min(heapq.nlargest(MAX_LINES, times))
            if len(times) > MAX_LINES
            else -math.inf
        )
        new = [
            (line.t, index, lane.worker_id, lane.name, line)
            for index, lane, lines in fresh
            for line in lines
            if line.t >= cutoff
        ]
        at_bottom = (
            self.verticalScrollBar().value() >= self.verticalScrollBar().maximum() - 2
        )
        for t, index, lane_id, name, line in sorted(new, key=lambda row: row[0])[
            -MAX_LINES:
        ]:
            mark = STREAM_MARKS.get(line.stream, "?")
            item = QListWidgetItem(f"{t:8.3f} {mark} {name:>12} │ {line.text}")
            item.setBackground(QColor(TINTS[index % len(TINTS)]))
            item.setForeground(QColor("#1A1A1A"))
            item.setData(Qt.ItemDataRole.UserRole, (lane_id, t))
            self.addItem(item)
        while self.count() > MAX_LINES:
            self.takeItem(0)
        if at_bottom:
            self.scrollToBottom()
        return None

    def lines(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]

    def _on_item_clicked(self, item: QListWidgetItem) -> None:
        lane_id, t = item.data(Qt.ItemDataRole.UserRole)
        self.line_clicked.emit(int(lane_id), float(t))
