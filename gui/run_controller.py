"""Owns the current run: its ConductorLink, its RunModel and the bridge between them.

Everything here returns at once. Stop and shutdown are requests the conductor
carries out on its own deadlines (flag → SIGTERM → SIGKILL); the controller
only watches for the end. Releasing a finished link waits for the events
pipe to reach EOF first (the conductor has exited by then), so the final
``ConductorLink.close()`` never waits on the GUI thread. Only a conductor that does
not answer within the caller's deadline is closed by force.
"""

from __future__ import annotations

import gc
import time
from enum import StrEnum

from PySide6.QtCore import QObject, QTimer, Signal

from core.engine.conductor_link import ConductorLink
from core.engine.program import Program, ScenarioProgram
from core.model.events import MAIN_ID, Event, EventKind
from core.model.run_model import RunModel
from core.scenario import lane_announcements
from core.scenario.definition import Scenario
from gui.event_bridge import EventBridge

RELEASE_POLL_MS = 20
RELEASE_LIMIT_S = 3.0  # after the end, wait at most this long for the pipe's EOF


class RunState(StrEnum):
    """What the window's run is doing (shown in the status bar)."""

    READY = "ready"
    """Nothing has run yet for this scenario: the timeline is a preview."""
    RUNNING = "running"
    STOPPING = "stopping"
    """Stop or shutdown was asked; the conductor is escalating."""
    FINISHED = "finished"
    BROKEN = "broken"
    """The conductor died; lanes without an outcome show 'lost'."""
    FORCED = "forced"
    """The run did not end within its deadline and the window killed it (not
    a death: "the main program died" would be false)."""
    REVIEW = "review"
    """A recording opened from a file."""


class RunController(QObject):
    run_started = Signal(object)
    """RunModel: a new run began (the timeline should show this model)."""
    events_applied = Signal(object)
    """set[int]: lanes that changed."""
    state_changed = Signal(str)
    run_released = Signal()
    """The link is closed: nothing of the run is left running."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.link: ConductorLink | None = None
        self.bridge: EventBridge | None = None
        self.model: RunModel = RunModel()
        self.state = RunState.READY
        self._release_timer = QTimer(self)
        self._release_timer.setInterval(RELEASE_POLL_MS)
        self._release_timer.timeout.connect(self._on_release_timer_timeout)
        self._release_deadline = 0.0
        self._force_deadline: float | None = None

    # -- queries ---------------------------------------------------------------

    @property
    def active(self) -> bool:
        """A link exists that is not closed yet (workers may be alive)."""
        return self.link is not None

    @property
    def live(self) -> bool:
        return self.state in (RunState.RUNNING, RunState.STOPPING)

    def alive_workers(self) -> int:
        """Workers started and not ended yet, as far as the model knows."""
        return sum(1 for lane in self.model.worker_lanes() if lane.alive)

    # -- starting ---------------------------------------------------------------

    def preview(self, scenario: Scenario) -> RunModel:
        """Show ``scenario`` un-run (lanes without segments)."""
        if self.active:
            raise RuntimeError("a run is still active")
        self.model = lane_announcements.preview_model(scenario)
        self._set_state(RunState.READY)
        return self.model

    def review(self, model: RunModel) -> None:
        """Show a recorded run."""
        if self.active:
            raise RuntimeError("a run is still active")
        self.model = model
        self._set_state(RunState.REVIEW)

    def preview_program(self, program: Program | None) -> None:
        """Show a program un-run (``None``: nothing is known before it runs)."""
        if self.active:
            raise RuntimeError("a run is still active")
        self.model = RunModel() if program is None else program.preview()
        self._set_state(RunState.READY)

    def start(self, scenario: Scenario) -> None:
        """Start a run; raises InputError (pre-flight) or OSError, starting nothing."""
        self.start_program(ScenarioProgram(scenario))

    def start_program(self, program: Program) -> None:
        """Start a run of any Program (a scenario, a traced script)."""
        if self.active:
            raise RuntimeError("a run is still active")
        link = ConductorLink(program)
        model = program.preview()
        link.start()  # on failure it leaves nothing open behind it
        # Everything alive now (the window, Qt's wrappers, pyqtgraph, the
        # previous run's model) outlives this run: keep it out of the full
        # collections the run's allocations trigger. Unfrozen, a 1 024-worker
        # run met one such collection of ~50 ms on this thread. The link
        # freezes the run's own events as they pile up, and unfreezes at close.
        gc.freeze()
        self.link = link
        self.model = model
        self.bridge = EventBridge(link, model, self)
        self.bridge.events_applied.connect(self.events_applied)
        self.bridge.run_ended.connect(self._on_bridge_run_ended)
        self._set_state(RunState.RUNNING)
        self.run_started.emit(model)

    # -- commands ---------------------------------------------------------------

    def send(self, verb: str, ref: str | int = "all") -> bool:
        """stop / terminate / kill a worker id, name, group or "all"."""
        if self.link is None or not self.live:
            return False
        return self.link.send(verb, ref)

    def stop(self) -> None:
        """Stop the whole run: no more starts, every worker asked to stop
        (the conductor escalates to SIGTERM and SIGKILL on its deadlines)."""
        if self.link is not None and self.live:
            self.link.request_shutdown()
            self._set_state(RunState.STOPPING)

    def kill_all(self) -> None:
        if self.link is not None and self.live:
            self.link.request_shutdown()  # no more starts
            self.link.send("kill", "all")
            self._set_state(RunState.STOPPING)

    def shutdown(self, deadline_s: float = 10.0) -> None:
        """Bounded shutdown for closing the window: ask now, force at the deadline.

        Returns at once; ``run_released`` is emitted when nothing is left.
        """
        if self.link is None:
            self.run_released.emit()
            return
        self._force_deadline = time.monotonic() + deadline_s
        if self.live:
            self.stop()
        if not self._release_timer.isActive():
            self._release_deadline = self._force_deadline
            self._release_timer.start()

    def close_now(self) -> None:
        """Blocking, bounded (~6 s) shutdown for when no event loop runs any
        more (the application is exiting): the last safety net."""
        bridge, link = self.bridge, self.link
        if link is None:
            return
        self._release_timer.stop()
        if bridge is not None:
            bridge.stop()
        self.model.apply(link.shutdown())
        self.bridge = None
        self.link = None
        self._set_state(RunState.BROKEN if self.model.broken else RunState.FINISHED)

    # -- the end ----------------------------------------------------------------

    def _on_bridge_run_ended(self) -> None:
        self._set_state(RunState.BROKEN if self.model.broken else RunState.FINISHED)
        self._release_deadline = time.monotonic() + RELEASE_LIMIT_S
        if self._force_deadline is not None:
            self._release_deadline = min(self._release_deadline, self._force_deadline)
        self._release_timer.start()
        self._on_release_timer_timeout()

    def _on_release_timer_timeout(self) -> None:
        bridge, link = self.bridge, self.link
        if bridge is None or link is None:
            self._release_timer.stop()
            return
        now = time.monotonic()
        if self._force_deadline is not None and now >= self._force_deadline:
            self._release(force=True)
            return
        if not bridge.ended:
            bridge.pump()
            return
        if bridge.pipe_open and now < self._release_deadline:
            bridge.pump()  # reads the EOF once the conductor has exited
            return
        self._release(force=False)

    def _release(self, force: bool) -> None:
        self._release_timer.stop()
        bridge, link = self.bridge, self.link
        if bridge is None or link is None:
            return
        bridge.pump()
        bridge.stop()
        if force and not link.finished:
            link.close()  # SIGKILLs the conductor and every known group
            changed = self.model.apply(link.read_events())
            self._mark_forced()
            changed.add(MAIN_ID)
            self.events_applied.emit(changed)
        else:
            link.close()
        self.bridge = None
        self.link = None
        bridge.deleteLater()
        if self.state in (RunState.RUNNING, RunState.STOPPING):
            self._set_state(RunState.FORCED if force else RunState.FINISHED)
        self._force_deadline = None
        self.run_released.emit()

    def _mark_forced(self) -> None:
        """The conductor did not finish in time and was killed: say so on the
        lanes, exactly as a lost conductor is shown."""
        if not self.model.finished:
            self.model.apply(
                [
                    Event.make(
                        EventKind.CONDUCTOR_LOST,
                        MAIN_ID,
                        {"exitcode": -9},
                        t_ns=time.monotonic_ns(),
                    )
                ]
            )

    def _set_state(self, state: RunState) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(str(state))
