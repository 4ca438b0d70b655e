"""How the conductor finds each worker's end and reports it, exactly once.

Every worker gets one EXITED: when its sentinel fires (or a thread's pipe
reaches EOF, or its thread is found ended), the exit status is read, whatever
the worker left in its process group is killed, its pipe is drained until EOF
(bounded by ``DRAIN_LIMIT``, since a grandchild may hold the write end) and
its fd-level log is read to the end; only then is the end reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from core.engine.cleanup import Reaper
from core.engine.fd_output import FdOutputReader
from core.engine.worker_handle import Emit, WorkerHandle

DRAIN_LIMIT = 1.0  # seconds to wait for a dead worker's pipe to reach EOF


class Endings:
    """Handed the workers, ``emit``, the reaper and fd-output reader it uses,
    ``read(handle)`` (forward what is left in a worker's pipe) and
    ``closed(handle)`` (its descriptors are released)."""

    def __init__(
        self,
        handles: Mapping[int, WorkerHandle],
        emit: Emit,
        reaper: Reaper,
        fd_output: FdOutputReader,
        read: Callable[[WorkerHandle], None],
        closed: Callable[[WorkerHandle], None],
    ) -> None:
        self.handles = handles
        self.emit = emit
        self.reaper = reaper
        self.fd_output = fd_output
        self.read = read
        self.closed = closed

    def poll(self) -> None:
        """Catch ends whose sentinel stays silent.

        A sentinel is a pipe whose write end the worker holds, and a process
        the worker forks (a multiprocessing child started with fork) inherits
        that end: the sentinel then fires only when the grandchild ends too,
        possibly never. Asking for the exit status (multiprocessing's own
        WNOHANG waitpid) finds the end anyway, for one system call per worker
        (about 2 µs). A forkserver child's sentinel is written by the server,
        which no grandchild holds, so those are left to it (and their poll
        costs five times more). Likewise a thread's pipe stays open while a
        process it forked holds the write end, so a thread that has ended is
        also asked directly.
        """
        for handle in self.handles.values():
            process = handle.process
            if handle.alive and handle.thread is not None:
                if not handle.thread.is_alive():
                    handle.ended_at = time.monotonic()
            elif handle.adopted and handle.alive:
                self.reaper.poll_adopted(handle)
            elif (
                handle.alive
                and process is not None
                and handle.start_method != "forkserver"
                and not handle.sentinel_stale
                and process.exitcode is not None
            ):
                self.on_process_ended(handle)

    def on_process_ended(self, handle: WorkerHandle) -> None:
        process = handle.process
        assert process is not None
        # The sentinel can be ready a moment before the child is reapable (its
        # descriptors close before it becomes a zombie): retry briefly. Nap
        # 50 µs first: the woken conductor often holds the very CPU the child
        # needs to finish exiting, which then takes microseconds, so a 1 ms
        # nap would add a whole millisecond to every start → join.
        for attempt in range(70):
            process.join(0)  # reaps it: the status is multiprocessing's to read
            if process.exitcode is not None:
                break
            time.sleep(0.00005 if attempt < 20 else 0.001)
        else:
            handle.sentinel_stale = True  # poll it from the loop instead
            return
        handle.exitcode = process.exitcode
        if self.reaper.outlived_forkserver(handle):
            return
        handle.ended_at = time.monotonic()
        handle.cleaned_up += self.reaper.clean_group(handle)

    def finish(self, now: float) -> None:
        """Report every end that is due (its pipe drained, or the drain bound
        passed)."""
        self.reaper.reap_orphans()
        for handle in self.handles.values():
            if handle.sentinel_stale and handle.ended_at is None:
                self.on_process_ended(handle)
            if handle.ended_at is None or handle.finished:
                continue
            if handle.reader is not None and now < handle.ended_at + DRAIN_LIMIT:
                continue  # still draining its last events
            self._report(handle)

    def _report(self, handle: WorkerHandle) -> None:
        wid = handle.spec.worker_id
        if handle.reader is not None:  # drained as far as the bound allows
            self.read(handle)
        self.fd_output.drain(handle)
        data: dict[str, Any] = {
            "exitcode": handle.exitcode,
            "cleaned_up": handle.cleaned_up,
        }
        if handle.exitcode not in (0, None):
            data["log_tail"] = handle.log_tail()
        if handle.is_thread and handle.thread is not None:
            if not handle.abandoned:
                handle.thread.join(timeout=0.5)  # its pipe closes just before it ends
            if handle.thread.is_alive():
                data["still_running"] = True
                data["abandoned"] = handle.abandoned or "ignored_stop"
        self.emit("exited", wid, **data)
        handle.finished = True
        handle.stop_deadline = handle.term_deadline = None
        handle.close()
        self.closed(handle)
