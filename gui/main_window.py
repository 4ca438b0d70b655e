"""The window: lessons and scenario editor on the left, the timeline and its
legend in the centre, the selected worker's details below.

MainWindow wires parts together and decides what is enabled; it holds no
lifecycle logic (core/ does) and no run plumbing (RunController does).
Closing while workers run is bounded: the first close is ignored, the run is
asked to shut down, and the window closes once every lane shows its final
state (or, at the deadline, after the session was closed by force).
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QWidget

from core.input_checks import InputError
from core.model.events import MAIN_ID
from core.model.headline import measured_text
from core.model.run_model import Lane, RunModel
from core.scenario.definition import Scenario
from core.scenario.toml_io import find_lesson, list_lessons
from gui.editor.code_confirm_dialog import CodeConfirmDialog
from gui.editor.scenario_editor import ScenarioEditor
from gui.editor.trust_store import TrustStore
from gui.export import file_commands
from gui.panels.console_view import ConsoleView
from gui.panels.details_panel import DetailsPanel
from gui.panels.hazards_view import HazardsView
from gui.panels.legend_widget import LegendWidget
from gui.panels.lessons_panel import LessonsPanel
from gui.panels.predict_box import PredictBox
from gui.panels.run_status_bar import RunStatusBar
from gui.presentation import Presentation
from gui.program_mode import ProgramMode
from gui.replay_mode import ReplayMode
from gui.run_controller import RunController
from gui.theme import set_theme
from gui.timeline.timeline_view import TimelineView
from gui.window_actions import WindowActions
from gui.window_files import WindowFiles
from gui.window_layout import WindowLayout

CLOSE_DEADLINE_S = 8.5  # + the final paint and release: well under 10 s
FINAL_PAINT_MS = 250  # let the final states show before the window goes
REFRESH_MS = 200
HAZARDS_LIVE_S = 1.0  # live: detectors take ~15 ms at 1 024 lanes; once a second


class MainWindow(WindowFiles, WindowLayout, QMainWindow):
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
        self._hazards_due = 0.0  # monotonic time of the next live hazard check
        self.controller = RunController(self)
        self.lessons = LessonsPanel()
        self.editor = ScenarioEditor()
        self.timeline = TimelineView(self.controller.model)
        self.legend = LegendWidget()
        self.predict = PredictBox()
        self.details = DetailsPanel()
        self.console = ConsoleView()
        self.hazards = HazardsView()
        self.status = RunStatusBar()
        self.setStatusBar(self.status)
        self.actions_ = WindowActions(self)
        self.actions_.build_menus(self)
        self.actions_.build_toolbar(self)
        self._build_layout()
        self.hazards.attach(self.bottom_tabs)
        self.presentation = Presentation(self)
        self.replay_mode = ReplayMode(self, self.pane.replay_bar)
        self._connect()
        self.programs = ProgramMode(self)  # after _connect: zooms first, then follows
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()
        self._fit_to_screen()
        lessons = list_lessons()
        if lessons:
            self.open_path(lessons[0].path)
        self._update_actions()

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
        a.show_helpers.toggled.connect(self.timeline.set_show_helpers)
        self.timeline.set_show_helpers(a.show_helpers.isChecked())  # hidden at first
        a.zoom_in.triggered.connect(lambda: self.presentation.zoom(+1))
        a.zoom_out.triggered.connect(lambda: self.presentation.zoom(-1))
        a.zoom_reset.triggered.connect(lambda: self.presentation.zoom(0))
        a.about.triggered.connect(self._on_about_triggered)
        a.present.toggled.connect(self.presentation.set_active)
        a.replay.toggled.connect(self.replay_mode.set_active)
        self.replay_mode.changed.connect(a.replay.setChecked)
        self.presentation.changed.connect(a.present.setChecked)
        a.leave_presentation.triggered.connect(
            lambda: self.presentation.set_active(False)
        )
        for name, action in a.themes.items():
            action.triggered.connect(lambda _=False, n=name: set_theme(self, n))
        for mode, action in a.legend_modes.items():
            action.triggered.connect(
                lambda _=False, m=mode: self.pane.set_legend_mode(m)
            )
        self.lessons.lesson_chosen.connect(self.open_path)
        self.editor.scenario_edited.connect(self._on_editor_scenario_edited)
        self.timeline.lane_selected.connect(self._on_timeline_lane_selected)
        self.console.line_clicked.connect(self._on_console_line_clicked)
        self.hazards.hazard_clicked.connect(self._on_console_line_clicked)
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
        if not self.programs.may_leave():
            return False
        if Path(ref).suffix.lower() == ".py":
            return self.programs.open_file(Path(ref))
        try:
            scenario, recorded = file_commands.open_any(ref)
        except InputError as error:
            self.open_error = error.describe()
            self.show_error("Cannot open this file", self.open_error)
            return False
        if recorded is not None and recorded.code is not None:
            self.programs.open_recording(recorded)
            return True
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
        self.replay_mode.set_active(False)
        self.programs.leave()
        self.source = source
        self.editor.set_scenario(scenario, code_locked=code_locked)
        self._fit_editor_width()
        lesson = file_commands.is_lesson(source)
        self.lessons.select_path(source if lesson else None)
        self.lessons.show_description(scenario.title, scenario.description)
        self.predict.set_lesson(scenario.question, scenario.answer)
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

    # -- replay ----------------------------------------------------------------------

    def can_replay(self) -> bool:
        return not self.controller.active and bool(self.controller.model.events)

    def show_run_model(self, model: RunModel, whole: float | None = None) -> None:
        """Show ``model`` (a replay's, or the run's again); ``whole``: keep the
        whole run's time span in view while the replayed bars grow."""
        self._show_model(model)
        if whole is not None:
            self.timeline.show_whole_run(whole)

    def refresh_run_model(self, model: RunModel) -> None:
        self.timeline.lanes_changed(set(model.lanes))
        self.console.refresh()
        self.pane.refresh_legend(model)
        self.details.show_lane(model, self.selected)
        self.timeline.item.set_hazards(self.hazards.refresh(model))

    def _show_model(self, model: RunModel) -> None:
        self.timeline.set_model(model)
        self.pane.refresh_legend(model)
        self.console.show_model(model)
        self.timeline.set_live(self.controller.live)
        selected = self.selected if self.selected in model.lanes else None
        self._select(selected)
        self.timeline.item.set_hazards(self.hazards.refresh(model))

    # -- running ---------------------------------------------------------------------

    def run(self) -> bool:
        """Run the edited scenario (after confirming custom code); False if not."""
        if self.controller.active or self.closing:
            return False
        if self.programs.active:
            return self.programs.run()
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
        self.replay_mode.set_active(False)  # the new run is what to watch
        self.status.clearMessage()  # "Opened …: nothing has run" is no longer so
        self.predict.hide_answer()
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
        self._update_title()
        self._update_status()
        self._update_actions()

    def _on_controller_run_released(self) -> None:
        self.editor.setEnabled(True)
        self.lessons.list.setEnabled(True)
        self.timeline.set_live(False)
        self.timeline.lanes_changed(set(self.controller.model.lanes))
        self.pane.refresh_legend(self.controller.model)
        self.console.refresh()
        self.timeline.item.set_hazards(self.hazards.refresh(self.controller.model))
        if self.controller.model.finished:
            self.predict.reveal(measured_text(self.controller.model))
        failed = [w for w in self.controller.model.worker_lanes() if w.error]
        if self.selected is None and failed:  # the traceback without a hunt
            self._select(failed[0].worker_id)
            self.details.tabs.setCurrentWidget(self.details.error)
        self.details.show_lane(self.controller.model, self.selected)  # in full
        self._update_status()
        self._update_actions()
        if self.closing:
            self._close_ready = True
            QTimer.singleShot(FINAL_PAINT_MS, self.close)

    def _on_timer_timeout(self) -> None:
        if not self.controller.active:  # rows appear as targets change
            self._fit_editor_width()
        if self.controller.live:
            self.pane.refresh_legend(self.controller.model)
            self.console.refresh()
            if time.monotonic() >= self._hazards_due:
                self._hazards_due = time.monotonic() + HAZARDS_LIVE_S
                model = self.controller.model
                self.timeline.item.set_hazards(self.hazards.refresh(model))
        if self._details_dirty or self.controller.live:
            self._details_dirty = False
            self.details.refresh()
        self._update_status()
        self._update_actions()

    # -- selection -------------------------------------------------------------------

    def _on_timeline_lane_selected(self, worker_id: int) -> None:
        self._select(worker_id)

    def _on_console_line_clicked(self, worker_id: int, t: float) -> None:
        self._select(worker_id)
        if not self.controller.live:
            self.timeline.center_on(t)

    def _select(self, worker_id: int | None) -> None:
        self.selected = worker_id
        self.timeline.select_lane(worker_id)
        self.details.show_lane(self.timeline.model, worker_id)  # replay: at cursor
        self._update_actions()

    def _selected_lane(self) -> Lane | None:
        if self.selected is None or self.selected == MAIN_ID:
            return None
        return self.controller.model.lanes.get(self.selected)

    # -- enabling --------------------------------------------------------------------

    def _update_actions(self) -> None:
        valid = self.programs.active or self.editor.scenario is not None
        self.actions_.update_enabled(
            self.controller,
            problems=None if valid else self.editor.problems,
            lane=self._selected_lane(),
            closing=self.closing,
            program=self.programs.active,
        )

    def _update_status(self) -> None:
        c = self.controller
        extra = ""
        if self.closing and c.active:
            n = c.alive_workers()
            extra = f" — Stopping {n} worker{'s' if n != 1 else ''}… (closing)"
        state = str(c.state)
        if not (c.active or self.programs.active) and self.editor.scenario is None:
            n = len(self.editor.problems)
            state = "invalid"
            extra = f"{n} problem{'s' if n != 1 else ''} in the scenario (in red)"
        self.status.set_state(state, extra)
        self.status.update_run(c.model)

    def _on_editor_scenario_edited(self) -> None:
        self._fit_editor_width()
        edited = self.editor.scenario
        if edited is not None and not self.controller.active:
            names = [spec.name for spec in edited.instances()]
            shown = [lane.name for lane in self.controller.model.worker_lanes()]
            if names != shown:  # e.g. Count changed: show the lanes it will have
                self.controller.preview(edited)
                self._show_model(self.controller.model)
        self._update_title()
        self._update_actions()
        self._update_status()

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
