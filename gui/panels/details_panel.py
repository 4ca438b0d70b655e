"""Everything known about the selected lane, in words.

Header (name, kind, pid, start method), the outcome sentence from the model
(e.g. "terminated by SIGTERM (−15), sent by the main program … at 0.50 s"),
then tabs: the history of states and events with times, captured output, the
error (traceback, or what a crashed process wrote to stderr), notices and
problems; on the right the psutil CPU / memory plot. Refreshing is incremental
where it matters (output can be tens of thousands of lines).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QResizeEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.model.headline import duration
from core.model.payloads import TargetReturned
from core.model.run_model import Lane, OutputLine, RunModel, State
from gui.palette import OUTCOME_STYLES, STATE_STYLES
from gui.panels.error_view import ErrorView
from gui.panels.metrics_plot import MetricsPlot
from gui.panels.run_overview import overview_html
from gui.timeline.tooltips import STATE_WORDS

KIND_WORDS = {
    "main": "main program",
    "process": "process",
    "thread": "thread",
    "helper": "helper process",
    "untracked": "process started without multiprocessing",
}

STREAM_MARKS = {"stdout": " ", "stderr": "!", "fd": "#"}
"""How each output line says where it went: print() to stdout or stderr, or
written below Python to fd 1/2 (C code, child processes, crash dumps)."""

OUTPUT_BLOCKS = 2_000  # lines in the widget; the model keeps more
METRICS_MIN_WIDTH = 800
LIVE_BLOCKS = 500  # during a run, a burst shows only its last lines


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


class DetailsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model: RunModel | None = None
        self.lane_id: int | None = None
        self._output_lane: Lane | None = None
        self._output_count = 0
        self._history_key: tuple[int, int, int] | None = None
        self._open_row: int | None = None  # the history row of an open segment
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        self.heading = QLabel()
        self.heading.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.outcome.setTextFormat(Qt.TextFormat.RichText)
        self.outcome.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setStyleSheet("color: #444;")
        layout.addWidget(self.heading)
        layout.addWidget(self.outcome)
        layout.addWidget(self.facts)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.tabs = QTabWidget()
        self.history = QTableWidget(0, 4)
        self.history.setHorizontalHeaderLabels(
            ["At (s)", "Until (s)", "What", "Detail"]
        )
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setWordWrap(False)
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.output = QPlainTextEdit(readOnly=True)
        self.output.setFont(mono)
        self.output.setMaximumBlockCount(OUTPUT_BLOCKS)
        self.output.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.output_note = QLabel()
        self.output_note.setStyleSheet("color: #8a5a00;")
        output_box = QWidget()
        output_layout = QVBoxLayout(output_box)
        output_layout.setContentsMargins(0, 0, 0, 0)
        output_layout.addWidget(self.output_note)
        output_layout.addWidget(self.output)
        self.error = ErrorView()
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tabs.addTab(self.history, "History")
        self.tabs.addTab(output_box, "Output")
        self.tabs.addTab(self.error, "Error")
        self.tabs.addTab(self.notes, "Notes")
        self.metrics = MetricsPlot()
        splitter.addWidget(self.tabs)
        splitter.addWidget(self.metrics)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)
        self.parts = splitter
        layout.addStretch(0)  # takes the room when the parts are hidden
        self.show_lane(None, None)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Narrow (a 1024 px screen): the CPU/memory plot gives its room to the
        tabs, which were clipped to "istory" and "No" (issue 11, defect 4)."""
        super().resizeEvent(event)
        self.metrics.setVisible(self.width() >= METRICS_MIN_WIDTH)

    # -- public ------------------------------------------------------------------------

    @property
    def lane(self) -> Lane | None:
        if self.model is None or self.lane_id is None:
            return None
        return self.model.lanes.get(self.lane_id)

    def show_lane(self, model: RunModel | None, lane_id: int | None) -> None:
        """Show ``lane_id`` of ``model`` (None: a hint to click a lane)."""
        self.model = model
        self.lane_id = lane_id
        self._output_lane = None
        self._output_count = 0
        self._history_key = None
        self.output.clear()
        self.refresh()

    def refresh(self) -> None:
        """Bring the view up to date with the model (call at a few Hz)."""
        lane = self.lane
        if lane is None:
            self.heading.setText(
                "<b>Run overview</b> · click a lane in the timeline for its details"
            )
            self.outcome.setText(overview_html(self.model))
            self.parts.hide()  # nothing per-lane to show: room for the overview
            self.facts.hide()
            self.facts.setText("")
            self.history.setRowCount(0)
            self.error.show_lane(None)
            self.notes.setText("")
            self.output_note.hide()
            self.metrics.show_lane(None)
            return
        self.parts.show()
        self.facts.show()
        self._refresh_header(lane)
        self._refresh_history(lane)
        self._refresh_output(lane)
        self._refresh_error(lane)
        self._refresh_notes(lane)
        model = self.model
        live = model is not None and model.started and not model.finished
        self.metrics.show_lane(lane, model.now() if model else 1.0, live)

    def outcome_text(self) -> str:
        return self.outcome.text()

    # -- parts -----------------------------------------------------------------------

    def _refresh_header(self, lane: Lane) -> None:
        kind = KIND_WORDS.get(lane.kind, lane.kind)
        if lane.helper:
            kind = f"helper {kind}"
        bits = [f"<b style='font-size: 125%'>{html.escape(lane.name)}</b>", kind]
        if lane.kind == "process" and lane.start_method:
            bits.append(html.escape(lane.start_method))
        if lane.pid:
            bits.append(f"pid {lane.pid}")
        if lane.kind == "thread" and lane.tid:
            bits.append(f"thread id {lane.tid}")
        self.heading.setText(" · ".join(bits))
        self.outcome.setText(self._outcome_html(lane))
        self.facts.setText(self._facts(lane))

    def _outcome_html(self, lane: Lane) -> str:
        if lane.kind == "main":
            model = self.model
            if model is not None and model.main_finished is not None:
                done = duration(model.main_finished)  # 7 ms, not "0.00 s"
                text = f"The main program's code finished at {done}."
            elif model is not None and model.started:
                text = "The main program is running."
            else:
                text = "Not run yet: press Run (F5)."
            return html.escape(text)
        if lane.explanation is not None and lane.outcome is not None:
            style = OUTCOME_STYLES.get(lane.outcome)
            fill = style.fill if style else "#000000"
            ink = style.text if style else "#ffffff"
            label = html.escape(lane.explanation.label)
            return (
                f"<span style='background:{fill}; color:{ink};'>&nbsp;{label}&nbsp;"
                f"</span> {html.escape(lane.explanation.sentence, quote=False)}"
            )
        state = lane.state
        if state is None:
            return "Not run yet: press Run (F5)."
        return f"Now: <b>{html.escape(STATE_WORDS.get(state, str(state)))}</b>"

    def _facts(self, lane: Lane) -> str:
        facts = []
        if lane.kind != "main":
            args = ", ".join(f"{k}={v!r}" for k, v in lane.args.items())
            facts.append(f"target {lane.target}({args})")
            if lane.group and lane.group != lane.name:
                facts.append(f"group {lane.group}")
            if lane.daemon:
                facts.append("daemon")
        if lane.exitcode is not None:
            facts.append(f"exit code {lane.exitcode}")
        if isinstance(lane.report, TargetReturned):
            facts.append(f"returned {lane.report.value}")
        t = lane.times
        if "start_called" in t and "target_started" in t:
            boot_ms = 1000 * (t["target_started"] - t["start_called"])
            facts.append(f"start() to running: {boot_ms:.1f} ms")
        if lane.samples:
            last = lane.samples[-1]
            cpu = "?" if last[1] is None else f"{last[1]:.0f} %"
            facts.append(f"last sample: CPU {cpu}, {last[2] / 2**20:.1f} MiB")
            if last[4]:
                facts.append(f"{last[4]} child process(es) in its group")
        return " · ".join(html.escape(f, quote=False) for f in facts)

    def _refresh_history(self, lane: Lane) -> None:
        """Rebuild the table only when a segment or marker was added; while a
        segment is open, update just its "so far" cell (a lane may carry
        thousands of markers, and this runs five times a second)."""
        key = (id(lane), len(lane.segments), len(lane.markers))
        if key == self._history_key:
            self._refresh_open_row(lane)
            return
        self._history_key = key
        rows: list[tuple[float, str, str, State | None, str, str]] = []
        for segment in lane.segments:
            words = STATE_WORDS.get(segment.state, str(segment.state))
            detail = segment.note or self._duration_text(segment.start, segment.end)
            start, end = _seconds(segment.start), _seconds(segment.end)
            rows.append((segment.start, start, end, segment.state, words, detail))
        for marker in lane.markers:
            label = f"• {marker.label}"
            rows.append((marker.t, _seconds(marker.t), "", None, label, marker.detail))
        rows.sort(key=lambda r: r[0])
        self._open_row = None
        self.history.setRowCount(len(rows))
        for index, (_, start, end, state, what, detail) in enumerate(rows):
            for column, text in enumerate((start, end, what, detail)):
                item = QTableWidgetItem(text)
                if column == 2 and state is not None:
                    item.setData(Qt.ItemDataRole.DecorationRole, _swatch(state))
                item.setToolTip(detail if column == 3 else text)
                self.history.setItem(index, column, item)
            if state is not None and end == "" and lane.segments[-1].end is None:
                self._open_row = index

    def _refresh_open_row(self, lane: Lane) -> None:
        last = lane.segments[-1] if lane.segments else None
        if self._open_row is None or last is None or last.note:
            return
        item = self.history.item(self._open_row, 3)
        if item is not None:
            item.setText(self._duration_text(last.start, last.end))

    def _duration_text(self, start: float, end: float | None) -> str:
        now = self.model.now() if self.model is not None else start
        duration = (end if end is not None else now) - start
        return f"{duration * 1000:.1f} ms" + (" so far" if end is None else "")

    def _refresh_output(self, lane: Lane) -> None:
        """Append what is new; after a burst, show only the last lines.

        Appending thousands of lines to a full document costs ~50 ms (Qt
        removes the oldest blocks one by one); replacing the text with the
        last OUTPUT_BLOCKS lines costs ~4 ms. The model keeps many more.
        """
        lines = lane.output
        shown = self._output_count if self._output_lane is lane else 0
        new = len(lines) - shown
        model = self.model
        # While output floods in, nobody reads it: keep each refresh cheap.
        keep = (
            LIVE_BLOCKS if model is not None and not model.finished else OUTPUT_BLOCKS
        )
        if new < 0 or new >= keep // 2:
            self.output.setPlainText(_format_output(lines[-keep:]))
            self.output.moveCursor(QTextCursor.MoveOperation.End)
        elif new:
            self.output.appendPlainText(_format_output(lines[shown:]))
        self._output_lane, self._output_count = lane, len(lines)
        self.tabs.setTabText(1, f"Output ({len(lines) + lane.output_dropped})")
        notes = []
        if lane.output_dropped:
            notes.append(f"… {lane.output_dropped} lines dropped (capture cap)")
        if len(lines) > keep:
            notes.append(f"showing the last {keep} of {len(lines)} kept")
        notes.append("! = stderr, # = written below Python (fd 1/2)")
        self.output_note.setText("; ".join(notes))
        self.output_note.setVisible(bool(lines) or bool(lane.output_dropped))

    def _refresh_error(self, lane: Lane) -> None:
        has_error = self.error.show_lane(lane)
        self.tabs.setTabText(2, "Error ✗" if has_error else "Error")

    def _refresh_notes(self, lane: Lane) -> None:
        items = [f"⚠ {html.escape(p)}" for p in lane.problems]
        items += [html.escape(n) for n in lane.notices]
        if lane.missing:
            items.append(f"⚠ {lane.missing} event(s) missing")
        if lane.kind == "thread":
            items.append(
                "A thread shares its process with the main program: no isolation, "
                "and it cannot be terminated or killed, only asked to stop."
            )
        self.notes.setText("<br>".join(items) or "<i>nothing to note</i>")
        count = len(lane.problems) + len(lane.notices)
        self.tabs.setTabText(3, f"Notes ({count})" if count else "Notes")


def _format_output(lines: list[OutputLine]) -> str:
    return "\n".join(
        f"{line.t:7.3f} {STREAM_MARKS.get(line.stream, '?')} {line.text}"
        for line in lines
    )


_SWATCHES: dict[State, object] = {}


def _swatch(state: State):  # type: ignore[no-untyped-def]
    """A small square of the state's colour (one per state, reused)."""
    if state not in _SWATCHES:
        from PySide6.QtGui import QColor, QPixmap

        pixmap = QPixmap(12, 12)
        pixmap.fill(QColor(STATE_STYLES[state].colour))
        _SWATCHES[state] = pixmap
    return _SWATCHES[state]
