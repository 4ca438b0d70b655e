"""The Hazards tab: every trap the detectors found in the run, each with its
lanes and time; clicking one selects its lane and centres the timeline on the
moment, and the text below explains it (what happened, the evidence, the fix
and a link to the Python documentation)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.hazards import Hazard, detect
from core.hazards.report import lane_names
from core.model.run_model import RunModel

EMPTY = "No hazard found in this run (so far)."
TEXT_PX = 15


class HazardsView(QWidget):
    hazard_clicked = Signal(int, float)
    """(lane id, seconds) of the chosen hazard."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model: RunModel | None = None
        self._shown: list[Hazard] = []
        self._tabs: QTabWidget | None = None
        self.list = QListWidget()
        self.list.setToolTip("Click a hazard to see its lane and moment")
        # Titles wrap instead of hiding behind a horizontal scrollbar (the list
        # is narrow beside the explanation).
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentRowChanged.connect(self._on_row_changed)
        self.list.itemClicked.connect(self._on_item_clicked)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.text.setStyleSheet(f"font-size: {TEXT_PX}px;")
        self.empty = QLabel(EMPTY)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(self.text)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        self.split = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(split, 1)
        self.show_hazards(None, [])

    @property
    def hazards(self) -> list[Hazard]:
        return list(self._shown)

    def attach(self, tabs: QTabWidget) -> None:
        """Become a tab of ``tabs``, whose title then counts the hazards."""
        self._tabs = tabs
        tabs.addTab(self, "Hazards")

    def refresh(self, model: RunModel) -> list[Hazard]:
        """Run the detectors on ``model`` and show what they found."""
        hazards = detect(model)
        if self.show_hazards(model, hazards) and self._tabs is not None:
            title = f"Hazards ({len(hazards)}) ⚠" if hazards else "Hazards"
            self._tabs.setTabText(self._tabs.indexOf(self), title)
        return hazards

    def show_hazards(self, model: RunModel | None, hazards: list[Hazard]) -> bool:
        """Show these hazards; True if the list changed (a new one appeared)."""
        if model is self._model and hazards == self._shown:
            return False
        self._model = model
        current = self.list.currentRow()
        self._shown = list(hazards)
        self.list.blockSignals(True)
        self.list.clear()
        for hazard in hazards:
            names = ", ".join(lane_names(model, hazard)) if model else ""
            item = QListWidgetItem(f"⚠  {hazard.at:.2f} s  {names}: {hazard.title}")
            item.setToolTip(hazard.text)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.empty.setVisible(not hazards)
        self.split.setVisible(bool(hazards))
        if hazards:
            self.list.setCurrentRow(min(max(current, 0), len(hazards) - 1))
            self._on_row_changed(self.list.currentRow())
        return True

    def _on_row_changed(self, row: int) -> None:
        if 0 <= row < len(self._shown):
            self.text.setHtml(describe(self._model, self._shown[row]))

    def _on_item_clicked(self, item: QListWidgetItem) -> None:
        row = self.list.row(item)
        if 0 <= row < len(self._shown):
            hazard = self._shown[row]
            self.hazard_clicked.emit(hazard.lane, hazard.at)


def describe(model: RunModel | None, hazard: Hazard) -> str:
    """The hazard as a short page: title, paragraph, evidence, fix, link."""
    names = ", ".join(lane_names(model, hazard)) if model else ""
    where = f"{escape(names)} at {hazard.at:.2f} s"
    if hazard.site:
        where += f" — your code: <code>{escape(hazard.site)}</code>"
    evidence = "".join(f"<li>{escape(line)}</li>" for line in hazard.evidence)
    return (
        f"<h3>⚠ {escape(hazard.title)}</h3>"
        f"<p><i>{where}</i></p>"
        f"<p>{escape(hazard.text)}</p>"
        f"<p><b>What we saw:</b></p><ul>{evidence}</ul>"
        f"<p><b>Fix:</b> {escape(hazard.fix)}</p>"
        f'<p><a href="{escape(hazard.url)}">Read more in the Python '
        "documentation</a></p>"
    )
