"""How busy the machine was with work that is not ours, while a benchmark ran.

The load average counts the benchmark's own processes too (64 spawn children,
two CPU burners, a flood of printers), so it cannot say whether a figure was
taken on a quiet machine. This counts runnable processes of *other* sessions:
every process the benchmark starts (conductors, workers in their own process
groups, plain parents, Xvfb, the GUI probes) stays in the benchmark's session,
while other users' and agents' processes live in sessions of their own.

The sampler is a small separate process (a thread here would compete for the
GIL with the benchmark's own event loop), sampling once a second.

    python -m bench.background SID     (reads "mark" lines, answers averages)
"""

from __future__ import annotations

import os
import select
import subprocess
import sys

PERIOD_S = 1.0


def runnable_elsewhere(own_sid: int) -> int:
    """Processes in state R (running or ready) outside session ``own_sid``."""
    count = 0
    me = os.getpid()
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == me:
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        state, sid = fields[0], int(fields[3])
        if state == b"R" and sid not in (0, own_sid):
            count += 1
    return count


def serve(own_sid: int) -> None:
    total = samples = 0
    while True:
        ready, _, _ = select.select([sys.stdin], [], [], PERIOD_S)
        if ready:
            line = sys.stdin.readline()
            if not line or line.strip() == "stop":
                return
            average = total / samples if samples else float("nan")
            sys.stdout.write(f"{average:.3f}\n")
            sys.stdout.flush()
            total = samples = 0
        else:
            total += runnable_elsewhere(own_sid)
            samples += 1


class BackgroundLoad:
    """``mark()`` → average runnable processes of other sessions since the
    previous mark (or the start)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        if not os.path.isdir("/proc"):
            return
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.background", str(os.getsid(0))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        )

    def mark(self) -> float | None:
        process = self._process
        if process is None or process.stdin is None or process.stdout is None:
            return None
        try:
            process.stdin.write("mark\n")
            process.stdin.flush()
            return float(process.stdout.readline())
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        process = self._process
        if process is None:
            return
        self._process = None
        try:
            if process.stdin is not None:
                process.stdin.write("stop\n")
                process.stdin.close()
            process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait(timeout=5)
        if process.stdout is not None:
            process.stdout.close()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
