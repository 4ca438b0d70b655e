"""Output written below Python: what a worker's C code, child processes and
crash dumps write to fd 1 and 2 lands in its log file (a file never blocks the
writer); the conductor tails it into output notices, with the same cap as
Python-level output and a visible count of what the cap dropped. A mixin of
:class:`core.engine.conductor.Conductor`, kept apart to keep files small.
"""

from __future__ import annotations

LOG_POLL = 0.1
LOG_SKIP_BYTES = 16 * 1024 * 1024  # past the output cap: bytes skipped per log poll

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from core.engine.worker_handle import WorkerHandle
    from core.scenario.definition import Scenario


class FdOutput:
    if TYPE_CHECKING:
        handles: dict[int, WorkerHandle]
        scenario: Scenario

        def emit(self, kind: str, worker_id: int = ..., /, **data: Any) -> None: ...

    def _poll_logs(self) -> None:
        for handle in self.handles.values():
            if handle.alive or (handle.ended_at is not None and not handle.finished):
                self._read_log(handle, LOG_SKIP_BYTES)

    def _read_log(self, handle: WorkerHandle, skip_limit: int | None) -> None:
        """New fd-level lines become output; past the cap they are only counted."""
        cap = self.scenario.max_output_lines
        if handle.fd_lines_kept < cap:
            for line in handle.read_log_lines(skip_limit):
                self._fd_output(handle, line)
        if handle.fd_lines_kept >= cap:
            handle.fd_lines_dropped += handle.skip_log_lines(skip_limit)
        self._report_fd_dropped(handle)

    def _fd_output(self, handle: WorkerHandle, line: str) -> None:
        if handle.fd_lines_kept < self.scenario.max_output_lines:
            handle.fd_lines_kept += 1
            self.emit("fd_output", handle.spec.worker_id, text=line)
        else:
            handle.fd_lines_dropped += 1

    def _report_fd_dropped(self, handle: WorkerHandle) -> None:
        """Say how many fd-level lines were dropped: a cap must never be silent
        (at most once per log poll, with the running count)."""
        if handle.fd_lines_dropped == handle.fd_dropped_reported:
            return
        handle.fd_dropped_reported = handle.fd_lines_dropped
        self.emit(
            "fd_output_dropped", handle.spec.worker_id, count=handle.fd_lines_dropped
        )
