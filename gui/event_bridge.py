"""The only object that moves a run's events into Qt.

::

    conductor ── events pipe ──► QSocketNotifier (readable) ─┐
    sampling process ── samples pipe ──► slow QTimer (~10 Hz) ┤
                                                              ▼
                          link.read_events() → model.apply() → events_applied

Both paths run on the GUI thread and never block: ``read_events`` only takes
what is ready. Each activation reads a bounded slice (``BATCH`` events, then at
most ``BUDGET_S`` of work) so a flood of output cannot freeze the window; the
notifier is level-triggered, so whatever is left wakes us again at once. The
timer exists because samples arrive on a pipe of their own (5 Hz: polled) and
because a conductor that dies without writing anything must still be noticed
(``read_events`` turns EOF into CONDUCTOR_LOST).

``events_applied`` is coalesced to at most one signal per ``EMIT_MS``: the model
is always current, but the views repaint from it at their own 30 Hz frame, so
telling them after every slice only bought extra repaints. With 1 024 live
workers the timeline was repainted ~100 times a second (30 % of this thread)
instead of ~30. The end of a run, and ``stop()``, deliver what is pending at
once.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from core.engine.conductor_link import ConductorLink
from core.model.run_model import RunModel

BATCH = 1_000
BUDGET_S = 0.015
POLL_MS = 100
EMIT_MS = 40  # at most one events_applied per this many ms (views paint at 30 Hz)


class EventBridge(QObject):
    """Feeds one link's events into one model; emits what changed."""

    events_applied = Signal(object)
    """set[int]: ids of the lanes that changed in this batch."""
    run_ended = Signal()
    """The link reported its end (finished or conductor lost)."""

    def __init__(
        self, link: ConductorLink, model: RunModel, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.link = link
        self.model = model
        self._ended = False
        self._notifier: QSocketNotifier | None = QSocketNotifier(
            link.fileno(), QSocketNotifier.Type.Read, self
        )
        self._notifier.activated.connect(self._on_notifier_activated)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()
        self._pending: set[int] = set()
        self._emit_timer = QTimer(self)
        self._emit_timer.setSingleShot(True)
        self._emit_timer.setInterval(EMIT_MS)
        self._emit_timer.timeout.connect(self._emit_pending)

    @property
    def ended(self) -> bool:
        return self._ended

    def _on_notifier_activated(self, *_: object) -> None:
        self.pump()

    def _on_timer_timeout(self) -> None:
        self.pump()

    def pump(self) -> None:
        """Read and apply what is ready now, within the time budget."""
        if self.link.closed:
            self.stop()
            return
        deadline = time.monotonic() + BUDGET_S
        changed: set[int] = set()
        while True:
            events = self.link.read_events(BATCH)
            if events:
                changed |= self.model.apply(events)
            if len(events) < BATCH or time.monotonic() >= deadline:
                break
        self._check_pipe()
        self._pending |= changed
        if self.link.finished and not self._ended:
            self._ended = True
            self._emit_pending()
            self.run_ended.emit()
        elif self._pending and not self._emit_timer.isActive():
            self._emit_timer.start()

    def _emit_pending(self) -> None:
        self._emit_timer.stop()
        if self._pending:
            changed, self._pending = self._pending, set()
            self.events_applied.emit(changed)

    def _check_pipe(self) -> None:
        """Drop the notifier once the pipe is closed (EOF): an fd that stays
        readable forever would spin the event loop."""
        if self._notifier is None:
            return
        try:
            self.link.fileno()
        except ValueError:
            self._drop_notifier()

    def _drop_notifier(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None

    @property
    def pipe_open(self) -> bool:
        return self._notifier is not None

    def stop(self) -> None:
        """Stop listening (the link is closed or about to be)."""
        self._timer.stop()
        self._drop_notifier()
        self._emit_pending()
