"""The fast half of the process cap, run by the app's watchdog.

The conductor's census counts the run's processes every 0.25 s, and a fork
bomb outgrows any such sampled check (one reached 402 processes against a cap
of 16). Root ignores RLIMIT_NPROC, and no cgroup is ours to use, so the bound
is a check as fast as the forks: every ``CAP_POLL`` (``CAP_POLL_FAST`` for a
while once a bomb was seen) the guard reads the machine's task count, one
small read. When it grew by ``cap // 2`` since its lowest point, the guard
counts the conductor's descendants (it is a subreaper:
orphans come back to it) and, if they are over the cap, stops the conductor's
own process group for a moment and
* freezes each worker's process group (SIGSTOP: what it forks meanwhile is in
  the group too), for the conductor to kill and report on the lanes;
* kills the copies of the conductor that a thread worker forked (a thread
  cannot be stopped and forks on);
* writes the count to ``cap_file``, which the conductor's census reads, so the
  notice says what was reached even if nothing is left to count.

What stays frozen past ``FREEZE_LIMIT`` (it left every group the census
counts) the guard kills itself. docs/RELIABILITY.md gives the counts reached.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

from core.engine import process_tree

CAP_POLL = 0.005  # seconds between two reads of the machine's task count
CAP_POLL_FAST = 0.001  # the same, for FAST_FOR seconds after the cap was exceeded
FAST_FOR = 2.0
FREEZE_LIMIT = 1.0  # frozen and still alive after this: killed by the guard
CAP_FILE = "process-cap"  # in the run directory: the most the guard counted


class CapGuard:
    def __init__(self, cap: int, cap_file: Path) -> None:
        self.cap = cap
        self.cap_file = cap_file
        self.step = max(4, cap // 2)
        self.conductor: int | None = None
        self.low = process_tree.system_task_count() or 0
        self.frozen: list[int] = []
        self.frozen_at = 0.0
        self.fast_until = 0.0
        self.reached = 0

    def poll_interval(self) -> float:
        return CAP_POLL_FAST if time.monotonic() < self.fast_until else CAP_POLL

    def check(self) -> None:
        if self.frozen and time.monotonic() > self.frozen_at + FREEZE_LIMIT:
            for pid in self.frozen:  # the conductor did not end them
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, process_tree.sigkill())
            self.frozen = []
        tasks = process_tree.system_task_count()
        if tasks is None or self.conductor is None:
            return
        self.low = min(self.low, tasks)
        if tasks - self.low < self.step:
            return
        self.low = tasks
        if len(self._count(self.conductor)) > self.cap:
            self._enforce(self.conductor)

    def _enforce(self, conductor: int) -> None:
        """Over the cap: stop the conductor's whole group first (the conductor,
        its helpers and every copy a thread worker forked, all at once), so
        that nothing in it forks while the copies are killed."""
        own = process_tree.group_of(conductor)
        if own is None or own == os.getpgrp():
            return
        try:
            os.killpg(own, signal.SIGSTOP)
        except ProcessLookupError:
            return
        try:
            counted = self._count(conductor)
            for pid, pgid in counted:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    if pgid == own:
                        os.kill(pid, process_tree.sigkill())
                    else:
                        os.killpg(pgid, signal.SIGSTOP)
                        os.kill(pid, signal.SIGSTOP)
                        self.frozen.append(pid)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(own, signal.SIGCONT)
        self.frozen_at = time.monotonic()
        self.fast_until = self.frozen_at + FAST_FOR
        if len(counted) > self.reached:
            self.reached = len(counted)
            with contextlib.suppress(OSError):
                self.cap_file.write_text(str(self.reached))

    def _count(self, conductor: int) -> list[tuple[int, int]]:
        """The processes the cap counts, as (pid, pgid): the conductor's
        descendants but multiprocessing's forkserver and resource tracker."""
        return [
            (pid, pgid)
            for pid, ppid, pgid in process_tree.descendants(conductor)
            if not (ppid == conductor and _is_helper(pid))
        ]


def _is_helper(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            command = handle.read()
    except OSError:
        return False
    return b"multiprocessing.forkserver" in command or (
        b"multiprocessing.resource_tracker" in command
    )
