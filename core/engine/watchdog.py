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
the watchdog kills itself. Root ignores RLIMIT_NPROC, so this check is the
bound everywhere; docs/RELIABILITY.md gives the count a bomb reached.

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
    guard = CapGuard(token, cap)
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

    def __init__(self, token: str, cap: int) -> None:
        from core.engine import process_tree

        self.tree = process_tree
        self.token = token
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
        if len(counted) > self.cap:
            for pid in counted:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGSTOP)
            self.frozen, self.frozen_at = counted, time.monotonic()

    def _count(self) -> list[int]:
        """The run's processes that the cap counts: all but the conductor and
        multiprocessing's helpers (its forkserver and resource tracker)."""
        found = []
        for pid in self.tree.run_members(self.token):
            if pid == self.conductor or _is_helper(pid):
                continue
            found.append(pid)
        return found


def _is_helper(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            command = handle.read()
    except OSError:
        return False
    return b"multiprocessing.forkserver" in command or (
        b"multiprocessing.resource_tracker" in command
    )
