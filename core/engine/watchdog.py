"""The app's watchdog: a tiny process that ends a run its app can no longer end.

The conductor notices the app's death itself (its commands pipe reaches EOF)
and cleans up; but a conductor that is frozen (SIGSTOP), stuck behind a thread
that holds the GIL, or busy in a long loop notices nothing. So every link
starts one watchdog, in a session of its own (a signal to the app's terminal
group does not reach it), holding the read end of a pipe whose write end only
the app holds. When that pipe reaches EOF (the app closed the link, or died
in any way, SIGKILL included) the watchdog gives the run ``GRACE`` seconds to
end by itself, then SIGKILLs every process that carries the run's token in
its environment (:func:`core.engine.process_tree.kill_run`) and exits.
Worst case from the app's death to the last process gone: ``GRACE`` plus the
kill rounds (bounded by ``KILL_LIMIT``).

While the app lives, the watchdog also holds the run's process cap where the
conductor's census (every 0.25 s) cannot: a fork bomb outgrows any sampled
check. Every ``CAP_POLL`` it reads the machine's task count (one small read);
when that grew by ``cap // 2`` since its lowest point, it counts the run's
processes, and if they are over the cap it freezes them (SIGSTOP) at once.
The conductor's census then kills them and says so on the lanes; what it does
not kill within ``FREEZE_LIMIT`` (a process that left every group it counts)
the watchdog kills itself. Copies of the conductor that a thread worker forked
are killed at once: the thread cannot be stopped and would fork on. Root
ignores RLIMIT_NPROC, so this check is the bound everywhere;
docs/RELIABILITY.md gives the count a bomb reached.

It imports only the standard library and ``process_tree``, and starts with
``python -I -S`` (about 15 ms).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

GRACE = 1.5  # seconds for the conductor's own cleanup after the app is gone
KILL_LIMIT = 2.0
POLL = 0.05
CAP_POLL = 0.005  # seconds between two reads of the machine's task count
FREEZE_LIMIT = 1.0  # frozen and still alive after this: killed by the watchdog

_ROOT = str(Path(__file__).resolve().parents[2])
_CODE = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from core.engine.watchdog import main; main(sys.argv[2:])"
)


def start(token: str, cap: int) -> tuple[subprocess.Popen[bytes], int]:
    """Start the watchdog of the run ``token`` with process cap ``cap``;
    (process, the lifeline's write end). Write ``conductor PID`` lines to it;
    closing it (or dying) tells it the app is gone."""
    reader, writer = os.pipe()  # both non-inheritable; pass_fds hands one over
    command = [sys.executable, "-I", "-S", "-c", _CODE, _ROOT, str(reader)]
    try:
        process = subprocess.Popen(
            [*command, token, str(cap)],
            pass_fds=(reader,),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except BaseException:
        os.close(writer)
        raise
    finally:
        os.close(reader)
    return process, writer


def main(argv: list[str]) -> None:
    from core.engine import process_tree

    fd, token, cap = int(argv[0]), argv[1], int(argv[2])
    for name in ("SIGINT", "SIGHUP"):  # a closing terminal must not end us first
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    # A fork bomb makes hundreds of runnable processes; at a fair share of the
    # CPU the guard would wake too late to matter. Real-time priority where
    # allowed (root, or RLIMIT_RTPRIO), else the highest nice we may take; it
    # sleeps between its small reads, so it takes almost nothing from the run.
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
    except (OSError, AttributeError):
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, 0, -10)
    guard = CapGuard(cap)
    pending = b""
    while True:
        try:
            ready, _, _ = select.select([fd], [], [], CAP_POLL)
            if ready:
                data = os.read(fd, 4096)
                if not data:
                    break  # the app is gone, or done
                pending += data
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    if line.startswith(b"conductor "):
                        guard.conductor = int(line.split()[1])
        except InterruptedError:
            continue
        except (OSError, ValueError):
            break
        guard.check()
    deadline = time.monotonic() + GRACE
    while process_tree.run_members(token) and time.monotonic() < deadline:
        time.sleep(POLL)
    process_tree.kill_run(token, limit=KILL_LIMIT)


class CapGuard:
    """The fast half of the process cap (see the module docstring)."""

    def __init__(self, cap: int) -> None:
        from core.engine import process_tree

        self.tree = process_tree
        self.cap = cap
        self.step = max(4, cap // 2)
        self.conductor: int | None = None
        self.low = process_tree.system_task_count() or 0
        self.frozen: list[int] = []
        self.frozen_at = 0.0

    def check(self) -> None:
        if self.frozen and time.monotonic() > self.frozen_at + FREEZE_LIMIT:
            for pid in self.frozen:  # the conductor did not end them
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, self.tree.sigkill())
            self.frozen = []
        tasks = self.tree.system_task_count()
        if tasks is None or self.conductor is None:
            return
        self.low = min(self.low, tasks)
        if tasks - self.low < self.step:
            return
        self.low = tasks
        counted = self._count()
        if len(counted) <= self.cap:
            return
        # A whole worker group at once (what it forks meanwhile included),
        # frozen for the conductor to kill and report. In the conductor's own
        # group are copies of the conductor forked by a thread worker, which
        # cannot be stopped and forks on: those are killed at once.
        own = self.tree.group_of(self.conductor)
        for pid, pgid in counted:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                if pgid == own:
                    os.kill(pid, self.tree.sigkill())
                else:
                    os.killpg(pgid, signal.SIGSTOP)
                    os.kill(pid, signal.SIGSTOP)
        self.frozen = [pid for pid, _ in counted]
        self.frozen_at = time.monotonic()

    def _count(self) -> list[tuple[int, int]]:
        """The run's processes that the cap counts, as (pid, pgid): every
        descendant of the conductor (a subreaper: orphans come back to it)
        but multiprocessing's helpers, its forkserver and resource tracker."""
        assert self.conductor is not None
        return [
            (pid, pgid)
            for pid, ppid, pgid in self.tree.descendants(self.conductor)
            if not (ppid == self.conductor and _is_helper(pid))
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
