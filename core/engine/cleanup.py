"""The conductor's process hygiene: nothing a worker starts outlives the run.

Each worker leads its own process group. When a worker ends, what is left in
its group is killed and counted; the conductor is a child subreaper, so what
escaped the group (a session of its own) comes back to it and is killed at the
end; a census enforces the scenario's total process cap (fork bombs); and if
the forkserver dies, its still-running children are adopted and watched.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from core.engine import process_tree
from core.engine.worker_handle import Emit, WorkerHandle, notice
from core.model.kinds import MAIN_ID

PRECISE_EVERY = 1.0  # seconds between two precise counts, whatever the trigger


class Reaper:
    """Kills and reaps what workers leave behind; enforces the process cap.

    ``stop_launching(reason)`` is called when the cap is reached, so that no
    further worker starts.
    """

    def __init__(
        self,
        handles: Mapping[int, WorkerHandle],
        emit: Emit,
        max_processes: int,
        stop_launching: Callable[[str], None],
        cap_file: Path,
    ) -> None:
        self.handles = handles
        self.emit = emit
        self.max_processes = max_processes
        self.stop_launching = stop_launching
        self.cap_file = cap_file  # what the watchdog's cap guard counted
        self.guard_reported = 0
        self.cap_noticed = False  # one notice a run: later rounds only kill
        self.orphans: set[int] = set()  # our children left by ended workers
        self.task_baseline = process_tree.system_task_count()
        self.next_precise = 0.0

    def outlived_forkserver(self, handle: WorkerHandle) -> bool:
        """True if the worker runs on after the forkserver that started it died.

        multiprocessing reads a forkserver child's status from the server, so
        the moment the server dies every child it started "exits" with 255,
        running or not. The worker is re-parented to the conductor (a child
        subreaper), which keeps watching it and reads its real status itself;
        multiprocessing never waits for a forkserver child, so nothing is
        stolen from it (DESIGN §4 promise 6).
        """
        if (
            handle.exitcode != 255
            or handle.start_method != "forkserver"
            or handle.pid is None
        ):
            return False
        ended, code = process_tree.reap_status(handle.pid)
        if ended:
            if code is not None:  # it died too, and we could read how
                handle.exitcode = code
            return False  # else its status is lost: 255 is explained as such
        handle.adopted = True
        notice(
            self.emit,
            "the forkserver that started it died, so multiprocessing now "
            "reports exit code 255 for it whatever happens; it is still "
            "running, and Procession reads its real exit status itself",
            "warning",
            handle.spec.worker_id,
        )
        return True

    def poll_adopted(self, handle: WorkerHandle) -> None:
        assert handle.pid is not None
        ended, code = process_tree.reap_status(handle.pid)
        if not ended:
            return
        if code is not None:
            handle.exitcode = code
        handle.ended_at = time.monotonic()
        handle.cleaned_up += self.clean_group(handle)

    def reap_orphans(self) -> None:
        if self.orphans:
            self.orphans = process_tree.reap(self.orphans)

    def clean_group(self, handle: WorkerHandle) -> int:
        """Kill what the ended worker left in its group; return how many."""
        pgid = handle.pid
        if pgid is None or not process_tree.group_alive(pgid):
            return 0
        members = process_tree.group_members({pgid}).get(pgid, [])
        process_tree.signal_group(pgid, process_tree.sigkill())
        me = os.getpid()
        living = [
            pid for pid, _ppid, state in members if state != "Z" and pid != handle.pid
        ]
        self.orphans.update(pid for pid, ppid, _ in members if ppid == me)
        return len(living)

    def census(self) -> None:
        """Enforce the run's process cap: count every worker's group, and what
        thread workers forked (in the conductor's own group, helpers aside)."""
        groups = {
            h.pid
            for h in self.handles.values()
            if h.alive and h.pid and not h.is_thread
        }
        threads = any(h.alive and h.is_thread for h in self.handles.values())
        guarded = self._guard_count()  # reported even if its workers are gone
        if not groups and not threads and not guarded:
            return
        tasks = process_tree.system_task_count()
        cap = self.max_processes
        now = time.monotonic()
        if (
            not guarded
            and now < self.next_precise
            and tasks is not None
            and self.task_baseline is not None
            and (tasks - self.task_baseline <= cap)
        ):
            return  # cannot be over the cap: skip the precise count
        # The machine's task count drifts with other work: count precisely at
        # least once a second anyway.
        self.next_precise = now + PRECISE_EVERY
        own = os.getpgrp()
        members = process_tree.group_members(groups | {own})
        ours = {os.getpid()} | process_tree.multiprocessing_helpers()
        forked = [
            pid
            for pid, _ppid, state in members.pop(own, [])
            if pid not in ours and state != "Z"
        ]
        total = max(guarded, sum(len(m) for m in members.values()) + len(forked))
        if total <= cap:
            return
        if not self.cap_noticed:
            # The guard may write a higher count after this census already
            # acted on a lower one (seen in CI): the first count is the one
            # that fired the cap, and one notice is what the user needs.
            self.cap_noticed = True
            notice(
                self.emit,
                f"process cap reached: {total} processes in this run (limit "
                f"{cap}); every process the run's code started was killed",
                "error",
            )
        self.stop_launching("the process cap was reached")
        for handle in self.handles.values():
            if handle.alive and not handle.is_thread and handle.pid:
                self.emit(
                    "signal_sent",
                    handle.spec.worker_id,
                    caller=MAIN_ID,
                    signal="SIGKILL",
                    action="process_cap",
                    by="the process cap",
                    group=True,
                )
                process_tree.signal_worker(handle.pid, process_tree.sigkill())
        for pid in forked:  # a thread worker's children: ours to kill one by one
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, process_tree.sigkill())
        self.orphans.update(forked)

    def _guard_count(self) -> int:
        """A count the cap guard wrote since the last census, or 0."""
        try:
            count = int(self.cap_file.read_text())
        except (OSError, ValueError):
            return 0
        if count <= self.guard_reported:
            return 0
        self.guard_reported = count
        return count

    def kill_strays(self) -> None:
        """Kill what left its worker's process group and outlived the run.

        A grandchild that starts a session of its own (setsid, a daemon,
        ``start_new_session=True``) escapes the group cleanup. Once its parent
        is gone it is re-parented to the conductor (a child subreaper), so when
        every worker has ended, any child of ours that is not a worker or a
        multiprocessing helper is such a stray. Killing one may orphan its own
        escaped children in turn: they come back to us, hence the rounds.
        """
        me = os.getpid()
        ours = {h.pid for h in self.handles.values() if h.pid}
        ours |= process_tree.multiprocessing_helpers()
        killed: set[int] = set()
        for _ in range(5):
            strays = [
                (pid, pgid)
                for pid, state, pgid in process_tree.children(me)
                if pid not in ours and pid not in killed and state != "Z"
            ]
            if not strays:
                break
            for pid, pgid in strays:
                if pgid == pid:
                    process_tree.signal_group(pgid, process_tree.sigkill())
                else:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, process_tree.sigkill())
                killed.add(pid)
            remaining = set(killed)
            deadline = time.monotonic() + 1.0
            while remaining and time.monotonic() < deadline:
                remaining = process_tree.reap(remaining)
                if remaining:
                    time.sleep(0.005)
        if killed:
            if any(h.is_thread for h in self.handles.values()):
                who = (
                    "started by thread workers (a thread's children are the "
                    "conductor's: the threads run in its process), or that left "
                    "their worker's process group,"
                )
            else:
                who = "that left their worker's process group (a session of their own)"
            notice(
                self.emit,
                f"{len(killed)} process(es) {who} were still running at the end of "
                "the run and were killed",
                "warning",
            )

    def emergency_cleanup(self) -> None:
        """SIGKILL every worker group; used when no one can watch a stop."""
        for handle in self.handles.values():
            # Only groups of workers not yet reported: a finished worker's pid
            # may already belong to someone else.
            if (
                handle.started
                and not handle.finished
                and not handle.is_thread
                and handle.pid
            ):
                if handle.alive:  # not reaped yet: the pid is still its own
                    process_tree.signal_worker(handle.pid, process_tree.sigkill())
                else:  # ended: only what is left in its group
                    process_tree.signal_group(handle.pid, process_tree.sigkill())
