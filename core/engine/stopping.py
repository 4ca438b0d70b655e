"""How the conductor stops workers: cooperatively first, then by signals.

Stop raises the worker's cooperative flag; after ``STOP_GRACE`` the worker's
whole process group gets SIGTERM, after ``TERM_GRACE`` more SIGKILL, each step
reported as it happens. Terminate and kill are exactly ``Process.terminate()``
and ``Process.kill()``. Threads can only be asked: a thread that ignores Stop
is reported as still running, never as stopped.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Mapping

from core.engine import process_tree
from core.engine.worker_handle import Emit, WorkerHandle, notice
from core.model.kinds import MAIN_ID

STOP_GRACE = 1.0
TERM_GRACE = 2.0


class Stopper:
    """Stop, terminate and kill workers; escalate stops on their deadlines.

    ``shutting_down()`` tells whether the whole run is being shut down: then a
    thread that ignores Stop is abandoned rather than waited for.
    """

    def __init__(
        self,
        handles: Mapping[int, WorkerHandle],
        emit: Emit,
        shutting_down: Callable[[], bool],
    ) -> None:
        self.handles = handles
        self.emit = emit
        self.shutting_down = shutting_down

    def stop(self, handle: WorkerHandle, reason: str) -> None:
        if not handle.alive or handle.stop_deadline or handle.term_deadline:
            return
        self.emit(
            "stop_requested", handle.spec.worker_id, caller=MAIN_ID, reason=reason
        )
        handle.request_stop()
        handle.stop_deadline = time.monotonic() + STOP_GRACE

    def send_signal(self, handle: WorkerHandle, action: str, by: str) -> None:
        """``terminate()`` or ``kill()`` exactly as multiprocessing does it."""
        if handle.is_thread and handle.alive:
            # Say no out loud: a silently ignored Terminate looks like a bug.
            notice(
                self.emit,
                f"cannot {action} {handle.spec.name}: threads cannot be "
                f"force-stopped (Python has no Thread.{action}()); use Stop, "
                "which the thread's code must check",
                "warning",
                handle.spec.worker_id,
            )
            return
        if not handle.alive or handle.process is None:
            return
        name = "SIGTERM" if action == "terminate" else "SIGKILL"
        self.emit(
            "signal_sent",
            handle.spec.worker_id,
            caller=MAIN_ID,
            signal=name,
            action=action,
            by=by,
            group=False,
        )
        if handle.adopted and handle.pid:  # multiprocessing thinks it has ended
            os.kill(
                handle.pid,
                signal.SIGTERM if name == "SIGTERM" else process_tree.sigkill(),
            )
        elif action == "terminate":
            handle.process.terminate()
        else:
            handle.process.kill()

    def escalate(self, now: float) -> None:
        for handle in self.handles.values():
            if not handle.alive:
                continue
            if handle.stop_deadline and now >= handle.stop_deadline:
                handle.stop_deadline = None
                if handle.is_thread:
                    self._thread_ignored_stop(handle, now)
                    continue
                self._escalate_to(
                    handle,
                    signal.SIGTERM,
                    f"stop (no reaction within {STOP_GRACE:g} s)",
                )
                handle.term_deadline = now + TERM_GRACE
            elif handle.term_deadline and now >= handle.term_deadline:
                handle.term_deadline = None
                self._escalate_to(
                    handle,
                    process_tree.sigkill(),
                    f"stop (SIGTERM ignored for {TERM_GRACE:g} s)",
                )

    def _escalate_to(self, handle: WorkerHandle, sig: int, by: str) -> None:
        """One step of Stop's escalation: report it, then signal the group."""
        name = signal.Signals(sig).name
        self.emit(
            "signal_sent",
            handle.spec.worker_id,
            caller=MAIN_ID,
            signal=name,
            action="escalate",
            by=by,
            group=True,
        )
        if handle.pid:
            process_tree.signal_worker(handle.pid, sig)

    def _thread_ignored_stop(self, handle: WorkerHandle, now: float) -> None:
        if not handle.stop_ignored_noted:
            handle.stop_ignored_noted = True
            notice(
                self.emit,
                f"{handle.spec.name} ignored the stop request and is still "
                "running: threads cannot be force-stopped",
                "warning",
                handle.spec.worker_id,
            )
        if self.shutting_down():
            self.abandon(handle, now, "ignored_stop")

    def abandon(self, handle: WorkerHandle, now: float, why: str) -> None:
        """Give up on a thread that will not stop: it ends with the conductor.

        ``why``: "ignored_stop", "daemon" (the main program exited without
        joining it) or "app_closed"; the ending is explained from it.
        """
        if handle.alive:
            handle.abandoned = why
            handle.ended_at = now
