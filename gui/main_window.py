"""The window: lessons and scenario editor on the left, the timeline and its
legend in the centre, the selected worker's details below.

MainWindow wires parts together and decides what is enabled; it holds no
lifecycle logic (core/ does) and no run plumbing (RunController does).
Closing while workers run is bounded: the first close is ignored, the run is
asked to shut down, and the window closes once every lane shows its final
state (or, at the deadline, after the session was closed by force).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.input_checks import InputError
from core.model.events import MAIN_ID
from core.model.run_model import Lane, RunModel
from core.scenario.definition import Scenario
from core.scenario.toml_io import find_lesson, list_lessons
from gui.editor.code_confirm_dialog import CodeConfirmDialog
from gui.editor.scenario_editor import ScenarioEditor
from gui.editor.trust_store import TrustStore
from gui.export import file_commands
from gui.panels.details_panel import DetailsPanel
from gui.panels.legend_widget import LegendWidget
from gui.panels.lessons_panel import LessonsPanel
from gui.panels.run_status_bar import RunStatusBar
from gui.run_controller import RunController, RunState
from gui.timeline.timeline_view import TimelineView
from gui.window_actions import EXPORT_KINDS, WindowActions

CLOSE_DEADLINE_S = 8.5  # + the final paint and release: well under 10 s
FINAL_PAINT_MS = 250  # let the final states show before the window goes
REFRESH_MS = 200


class MainWindow(QMainWindow):
    def __init__(
        self, trust_store: TrustStore | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.trust = trust_store if trust_store is not None else TrustStore()
        self.source: Path | None = None  # the file the scenario came from
        self.selected: int | None = None
        self.closing = False
        self.open_error = ""  # why the last open_path() failed
        self._close_ready = False
        self._details_dirty = False
        self.controller = RunController(self)
        self.lessons = LessonsPanel()
        self.editor = ScenarioEditor()
        self.timeline = TimelineView(self.controller.model)
        self.legend = LegendWidget()
        self.details = DetailsPanel()
        self.status = RunStatusBar()
        self.setStatusBar(self.status)
        self.actions_ = WindowActions(self)
        self.actions_.build_menus(self)
        self.actions_.build_toolbar(self)
        self._build_layout()
        self._connect()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()
        self._fit_to_screen()
        lessons = list_lessons()
        if lessons:
            self.open_path(lessons[0].path)
        self._update_actions()

    def _fit_to_screen(self) -> None:
        """Big enough for a projector, never larger than the screen."""
        screen = self.screen()
        area = screen.availableGeometry() if screen is not None else None
        width, height = 1600, 1000
        if area is not None:
            width, height = min(width, area.width()), min(height, area.height())
        self.resize(width, height)

    def _build_layout(self) -> None:
        editor_scroll = QScrollArea()
        editor_scroll.setWidgetResizable(True)
        editor_scroll.setWidget(self.editor)
        self.editor_scroll = editor_scroll
        editor_scroll.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.lessons)
        left.addWidget(editor_scroll)
        left.setStretchFactor(0, 2)
        left.setStretchFactor(1, 3)
        left.setSizes([400, 560])
        centre_top = QWidget()
        top_layout = QVBoxLayout(centre_top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(2)
        top_layout.addWidget(self.timeline, 1)
        top_layout.addWidget(self.legend)
        # The legend's minimumSizeHint is its height at its narrowest width
        # (625 px), which would make the whole window taller than a 1000 px
        # screen; the layout still gives it heightForWidth at the real width.
        self.legend.setMinimumHeight(40)
        centre = QSplitter(Qt.Orientation.Vertical)
        centre.addWidget(centre_top)
        centre.addWidget(self.details)
        centre.setStretchFactor(0, 3)
        centre.setStretchFactor(1, 2)
        centre.setSizes([640, 300])
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(left)
        main.addWidget(centre)
        main.setStretchFactor(0, 0)
        main.setStretchFactor(1, 1)
        main.setSizes([400, 1100])
        self.splitter = main
        self.setCentralWidget(main)

    def _connect(self) -> None:
        a = self.actions_
        a.run.triggered.connect(self.run)
        a.stop.triggered.connect(self.controller.stop)
        a.terminate.triggered.connect(lambda: self._signal_selected("terminate"))
        a.kill.triggered.connect(lambda: self._signal_selected("kill"))
        a.kill_all.triggered.connect(self.controller.kill_all)
        a.open.triggered.connect(self._on_open_triggered)
        a.save.triggered.connect(lambda: self._on_save_triggered(False))
        a.save_as.triggered.connect(lambda: self._on_save_triggered(True))
        a.export.triggered.connect(lambda: self._on_export_triggered(None))
        for kind, action in a.export_kinds.items():
            action.triggered.connect(
                lambda _=False, k=kind: self._on_export_triggered(k)
            )
        a.quit.triggered.connect(self.close)
        a.fit.triggered.connect(self.timeline.fit)
        a.zoom_in.triggered.connect(lambda: self._zoom(+1))
        a.zoom_out.triggered.connect(lambda: self._zoom(-1))
        a.zoom_reset.triggered.connect(lambda: self._zoom(0))
        a.about.triggered.connect(self._on_about_triggered)
        self.lessons.lesson_chosen.connect(self.open_path)
        self.editor.scenario_edited.connect(self._on_editor_scenario_edited)
        self.timeline.lane_selected.connect(self._on_timeline_lane_selected)
        self.controller.run_started.connect(self._on_controller_run_started)
        self.controller.events_applied.connect(self._on_controller_events_applied)
        self.controller.state_changed.connect(self._on_controller_state_changed)
        self.controller.run_released.connect(self._on_controller_run_released)

    # -- opening ---------------------------------------------------------------------

    def open_path(self, ref: Path | str) -> bool:
        """Open a lesson, a scenario file or a recording; False (and a message)
        if it cannot be read. Nothing in it is run."""
        if self.controller.active:
            self.status.showMessage("Stop the run before opening something else", 5000)
            return False
        try:
            scenario, recorded = file_commands.open_any(ref)
        except InputError as error:
            self.open_error = error.describe()
            self.show_error("Cannot open this file", self.open_error)
            return False
        path = Path(ref)
        source = path.resolve() if path.exists() else None
        if source is None and recorded is None:  # a lesson by name or number
            found = find_lesson(str(ref))
            source = found.path if found is not None else None
        # Custom code from anywhere but the built-in lessons starts locked.
        lesson = file_commands.is_lesson(source)
        self.load_scenario(scenario, source, code_locked=not lesson, recorded=recorded)
        return True

    def load_scenario(
        self,
        scenario: Scenario,
        source: Path | None = None,
        code_locked: bool = True,
        recorded: RunModel | None = None,
    ) -> None:
        """Show ``scenario`` (or a recorded run of it) ready to Run."""
        if self.controller.active:
            raise RuntimeError("a run is still active")
        self.source = source
        self.editor.set_scenario(scenario, code_locked=code_locked)
        lesson = file_commands.is_lesson(source)
        self.lessons.select_path(source if lesson else None)
        self.lessons.show_description(scenario.title, scenario.description)
        if recorded is not None:
            self.controller.review(recorded)
        else:
            self.controller.preview(scenario)
        self._show_model(self.controller.model)
        self._update_title()
        self._update_actions()
        locked = [g for g in self.editor.groups if g.is_custom and g.code_locked]
        if locked:
            self.status.showMessage(
                "This scenario contains Python code. It has not been run.", 10000
            )
            self.editor_scroll.ensureWidgetVisible(locked[0].code_notice, 0, 40)

    def _show_model(self, model: RunModel) -> None:
        self.timeline.set_model(model)
        self.timeline.set_live(self.controller.live)
        selected = self.selected if self.selected in model.lanes else None
        self._select(selected)

    # -- running ---------------------------------------------------------------------

    def run(self) -> bool:
        """Run the edited scenario (after confirming custom code); False if not."""
        if self.controller.active or self.closing:
            return False
        scenario = self.editor.validate()
        if scenario is None:
            self.status.showMessage("Fix the scenario's problems before Run", 5000)
            self._update_actions()
            return False
        if not self._confirm_code(scenario):
            self.status.showMessage("Not run: the code was not confirmed", 5000)
            return False
        try:
            self.controller.start(scenario)
        except (InputError, OSError) as error:
            text = error.describe() if isinstance(error, InputError) else str(error)
            self.show_error("Cannot start the run", text)
            return False
        return True

    def _confirm_code(self, scenario: Scenario) -> bool:
        pieces = [(g.name, g.code) for g in scenario.workers if g.code]
        untrusted = [
            (name, code) for name, code in pieces if not self.trust.is_trusted(code)
        ]
        if not untrusted:
            return True
        dialog = CodeConfirmDialog(untrusted, self)
        if dialog.exec() != CodeConfirmDialog.DialogCode.Accepted:
            return False
        self.trust.trust([code for _, code in untrusted])
        return True

    def _signal_selected(self, verb: str) -> None:
        lane = self._selected_lane()
        if lane is not None and lane.kind == "process":
            self.controller.send(verb, lane.worker_id)

    # -- run updates -----------------------------------------------------------------

    def _on_controller_run_started(self, model: RunModel) -> None:
        self._show_model(model)
        self.timeline.set_live(True)
        self._update_actions()

    def _on_controller_events_applied(self, changed: set[int]) -> None:
        self.timeline.lanes_changed(changed)
        if self.selected in changed:
            self._details_dirty = True

    def _on_controller_state_changed(self, state: str) -> None:
        live = self.controller.live
        if self.timeline.is_live() != live:
            self.timeline.set_live(live)
        self.editor.setEnabled(not self.controller.active)
        self.lessons.list.setEnabled(not self.controller.active)
        self._details_dirty = True
        self._update_status()
        self._update_actions()

    def _on_controller_run_released(self) -> None:
        self.editor.setEnabled(True)
        self.lessons.list.setEnabled(True)
        self.timeline.set_live(False)
        self.timeline.lanes_changed(set(self.controller.model.lanes))
        self.details.show_lane(self.controller.model, self.selected)  # in full
        self._update_status()
        self._update_actions()
        if self.closing:
            self._close_ready = True
            QTimer.singleShot(FINAL_PAINT_MS, self.close)

    def _on_timer_timeout(self) -> None:
        if self._details_dirty or self.controller.live:
            self._details_dirty = False
            self.details.refresh()
        self._update_status()
        self._update_actions()

    # -- selection -------------------------------------------------------------------

    def _on_timeline_lane_selected(self, worker_id: int) -> None:
        self._select(worker_id)

    def _select(self, worker_id: int | None) -> None:
        self.selected = worker_id
        self.timeline.select_lane(worker_id)
        self.details.show_lane(self.controller.model, worker_id)
        self._update_actions()

    def _selected_lane(self) -> Lane | None:
        if self.selected is None or self.selected == MAIN_ID:
            return None
        return self.controller.model.lanes.get(self.selected)

    # -- enabling --------------------------------------------------------------------

    def _update_actions(self) -> None:
        valid = self.editor.scenario is not None
        self.actions_.update_enabled(
            self.controller,
            problems=None if valid else self.editor.problems,
            lane=self._selected_lane(),
            closing=self.closing,
        )

    def _update_status(self) -> None:
        c = self.controller
        extra = ""
        if self.closing and c.active:
            n = c.alive_workers()
            extra = f" — Stopping {n} worker{'s' if n != 1 else ''}… (closing)"
        state = str(c.state)
        if not c.active and self.editor.scenario is None:
            n = len(self.editor.problems)
            state = "invalid"
            extra = f"{n} problem{'s' if n != 1 else ''} in the scenario (in red)"
        self.status.set_state(state, extra)
        self.status.update_run(c.model)

    def _update_title(self) -> None:
        title = self.controller.model.info.title
        if self.editor.scenario is not None and not self.controller.active:
            title = self.editor.scenario.title
        suffix = " (recording)" if self.controller.state == RunState.REVIEW else ""
        self.setWindowTitle(f"Procession — {title}{suffix}")

    def _on_editor_scenario_edited(self) -> None:
        self._update_title()
        self._update_actions()
        self._update_status()

    def _zoom(self, step: int) -> None:
        self.timeline.zoom_presentation(step)
        self.legend.set_presentation_scale(self.timeline.presentation_scale())

    # -- files -----------------------------------------------------------------------

    def save_scenario(self, path: Path | str) -> Path | None:
        scenario = self.editor.validate()
        if scenario is None:
            self.show_error("Cannot save", "Fix the scenario's problems first.")
            return None
        try:
            saved = file_commands.save_scenario(scenario, path)
        except (InputError, OSError) as error:
            text = error.describe() if isinstance(error, InputError) else str(error)
            self.show_error("Cannot save the scenario", text)
            return None
        self.source = saved.resolve()
        self.status.showMessage(f"Saved {saved}", 5000)
        return saved

    def export_to(self, kind: str, path: Path | str) -> Path | None:
        try:
            written = file_commands.export(
                kind, self.controller.model, path, self._zoomed_range()
            )
        except (OSError, ValueError) as error:
            self.show_error("Cannot export", str(error))
            return None
        self.status.showMessage(f"Exported {written}", 5000)
        return written

    def _zoomed_range(self) -> tuple[float, float] | None:
        """The visible stretch if the user zoomed into part of the run (the
        picture then shows what they see), else None (the whole run)."""
        model = self.controller.model
        if not model.started:
            return None
        whole = model.now()
        low, high = self.timeline.visible_time_range()
        start, end = max(low, 0.0), min(high, whole)
        if end <= start or (start <= 0.01 * whole and end >= 0.99 * whole):
            return None
        return start, end

    def _on_open_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Open a scenario or a recording",
            str(self._dialog_dir()),
            "Scenarios and recordings (*.toml *.json);;All files (*)",
        )
        if path:
            self.open_path(path)

    def _on_save_triggered(self, ask: bool) -> None:
        path: str | Path | None = self.source
        if (
            ask
            or path is None
            or file_commands.is_lesson(path)
            or path.suffix != ".toml"
        ):
            title = self.editor.scenario.title if self.editor.scenario else ""
            path, _ = QFileDialog.getSaveFileName(
                self,
                "Save the scenario",
                str(self._dialog_dir() / file_commands.suggested_name(title, "toml")),
                "Scenario (*.toml)",
            )
        if path:
            self.save_scenario(path)

    def _on_export_triggered(self, kind: str | None) -> None:
        kinds = [kind] if kind else list(EXPORT_KINDS)
        filters = [EXPORT_KINDS[k][1] for k in kinds]
        title = self.controller.model.info.title
        path, chosen = QFileDialog.getSaveFileName(
            self,
            "Export the run",
            str(self._dialog_dir() / file_commands.suggested_name(title, kinds[0])),
            ";;".join(filters),
        )
        if path:
            self.export_to(
                kinds[filters.index(chosen)] if chosen in filters else kinds[0], path
            )

    def _dialog_dir(self) -> Path:
        if self.source is not None and not file_commands.is_lesson(self.source):
            return self.source.parent
        return Path.home()

    def show_error(self, title: str, text: str) -> None:
        """A non-blocking message box (and the status bar)."""
        self.status.showMessage(
            f"{title}: {text.splitlines()[0] if text else ''}", 8000
        )
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_error = box

    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            "About Procession",
            "<b>Procession</b><br>See the lifecycle of Python processes and threads, "
            "live: created → start() → starting → running → exiting → exited → joined.",
        )

    # -- closing ---------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._close_ready or not self.controller.active:
            self._timer.stop()
            self.timeline.set_live(False)
            event.accept()
            return
        event.ignore()
        if not self.closing:
            self.closing = True
            self.controller.shutdown(CLOSE_DEADLINE_S)
            self._update_status()
            self._update_actions()
