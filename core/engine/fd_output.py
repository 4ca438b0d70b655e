"""Output written below Python: what a worker's C code, child processes and
crash dumps write to fd 1 and 2 lands in its log file (a file never blocks the
writer); the conductor tails it into output notices, with the same cap as
Python-level output and a visible count of what the cap dropped.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.engine.worker_handle import Emit, WorkerHandle

LOG_POLL = 0.1
LOG_SKIP_BYTES = 16 * 1024 * 1024  # past the output cap: bytes skipped per log poll


class FdOutputReader:
    """Tails every worker's fd-level log into events, up to ``max_lines`` each."""

    def __init__(
        self, handles: Mapping[int, WorkerHandle], emit: Emit, max_lines: int
    ) -> None:
        self.handles = handles
        self.emit = emit
        self.max_lines = max_lines

    def poll(self) -> None:
        for handle in self.handles.values():
            if handle.alive or (handle.ended_at is not None and not handle.finished):
                self._read(handle, LOG_SKIP_BYTES)

    def drain(self, handle: WorkerHandle) -> None:
        """All of an ended worker's log, not one more chunk: a worker may write
        at fd level faster than the periodic reads take it in."""
        while handle.fd_lines_kept < self.max_lines and (
            lines := handle.read_log_lines()
        ):
            for line in lines:
                self._line(handle, line)
        self._read(handle, None)
        for line in handle.flush_log_partial():
            self._line(handle, line)
        self._report_dropped(handle)  # the final count

    def _read(self, handle: WorkerHandle, skip_limit: int | None) -> None:
        """New fd-level lines become output; past the cap they are only counted."""
        if handle.fd_lines_kept < self.max_lines:
            for line in handle.read_log_lines(skip_limit):
                self._line(handle, line)
        if handle.fd_lines_kept >= self.max_lines:
            handle.fd_lines_dropped += handle.skip_log_lines(skip_limit)
        self._report_dropped(handle)

    def _line(self, handle: WorkerHandle, line: str) -> None:
        if handle.fd_lines_kept < self.max_lines:
            handle.fd_lines_kept += 1
            self.emit("fd_output", handle.spec.worker_id, text=line)
        else:
            handle.fd_lines_dropped += 1

    def _report_dropped(self, handle: WorkerHandle) -> None:
        """Say how many fd-level lines were dropped: a cap must never be silent
        (at most once per log poll, with the running count)."""
        if handle.fd_lines_dropped == handle.fd_dropped_reported:
            return
        handle.fd_dropped_reported = handle.fd_lines_dropped
        self.emit(
            "fd_output_dropped", handle.spec.worker_id, count=handle.fd_lines_dropped
        )
