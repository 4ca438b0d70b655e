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

While the app lives, the watchdog also runs the run's fast process-cap guard
(core/engine/cap_guard.py), at real-time priority where it may.

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

_ROOT = str(Path(__file__).resolve().parents[2])
_CODE = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from core.engine.watchdog import main; main(sys.argv[2:])"
)


def start(token: str, cap: int, cap_file: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Start the watchdog of the run ``token`` with process cap ``cap``;
    (process, the lifeline's write end). Write ``conductor PID`` lines to it;
    closing it (or dying) tells it the app is gone. When the cap guard acts it
    writes the count it saw to ``cap_file``, for the conductor to report."""
    reader, writer = os.pipe()  # both non-inheritable; pass_fds hands one over
    command = [sys.executable, "-I", "-S", "-c", _CODE, _ROOT, str(reader)]
    try:
        process = subprocess.Popen(
            [*command, token, str(cap), str(cap_file)],
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
    from core.engine.cap_guard import CapGuard

    fd, token, cap, cap_file = int(argv[0]), argv[1], int(argv[2]), argv[3]
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
    guard = CapGuard(cap, Path(cap_file))
    pending = b""
    while True:
        try:
            ready, _, _ = select.select([fd], [], [], guard.poll_interval())
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
        try:
            guard.check()
        except Exception:  # the cap guard must never cost the run its watchdog
            continue
    deadline = time.monotonic() + GRACE
    while process_tree.run_members(token) and time.monotonic() < deadline:
        time.sleep(POLL)
    process_tree.kill_run(token, limit=KILL_LIMIT)
