"""What tracing a user's program costs (issue 10): ``python -m bench.tracer_cost``.

Every figure compares the same program run two ways in the same minute,
interleaved trial by trial, with the real interpreter binary (not a pyenv
shim, which adds 100-150 ms per launch):

* plain: ``python PROGRAM``;
* traced: ``python main.py run --quiet PROGRAM`` (the whole command: the CLI,
  its conductor, the launcher and the hook in every process).

1. The span from the first ``start()`` to the last ``join()`` of 8 empty
   processes, measured inside the program, under spawn, fork and forkserver
   (target <= 1.10x).
2. The whole-process time of the tutorial's two 1-s sleepers (target <= 1.05x).
3. The hook's own cost per interpreter: ``python -c pass`` and ``python -c
   "import multiprocessing"`` with the hook and a listening collector socket,
   against the same without (informative).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, Report, describe_machine, machine, median, table
from core.tracer.hook import HOOK_DIR

PROGRAMS = Path(__file__).resolve().parent / "tracer_programs"
PYTHON = os.path.realpath(sys.executable)
"""The real binary, for the program in both runs (the CLI itself runs in the
venv, which has psutil: ``--python`` points the script at this one)."""
MAIN = str(ROOT / "main.py")
TRACED = [
    sys.executable,
    MAIN,
    "run",
    "--quiet",
    "--sample-hz",
    "0",
    "--python",
    PYTHON,
]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PROCESSION")}


def _timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    began = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, env=env or _env(), timeout=120
    )
    took = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"{command} failed: {done.stderr[-500:]}")
    return took, done.stdout


def _span(stdout: str) -> float:
    line = next(x for x in stdout.splitlines() if x.startswith("SPAN "))
    return int(line.split()[1]) / 1e6


def spans(trials: int) -> dict[str, tuple[float, float]]:
    """Median span in ms (plain, traced) of 8 empty processes per method."""
    found: dict[str, tuple[float, float]] = {}
    program = str(PROGRAMS / "eight_empty.py")
    for method in ("spawn", "fork", "forkserver"):
        plain: list[float] = []
        traced: list[float] = []
        for _ in range(trials):
            plain.append(_span(_timed([PYTHON, program, method])[1]))
            traced.append(_span(_timed([*TRACED, program, method])[1]))
        found[method] = (median(plain), median(traced))
    return found


def whole_process(trials: int) -> tuple[float, float]:
    """Median wall seconds (plain, traced) of the two 1-s sleepers."""
    program = str(PROGRAMS / "two_sleepers.py")
    plain: list[float] = []
    traced: list[float] = []
    for _ in range(trials):
        plain.append(_timed([PYTHON, program])[0])
        traced.append(_timed([*TRACED, program])[0])
    return median(plain), median(traced)


def hook_cost(trials: int) -> dict[str, tuple[float, float]]:
    """Median ms (plain, hooked) of an interpreter's launch, with and without
    importing multiprocessing (the hook patches it then)."""
    folder = tempfile.mkdtemp(prefix="procession-bench-")
    path = os.path.join(folder, "c.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(path)
    listener.listen(1024)
    hooked = {**_env(), "PYTHONPATH": HOOK_DIR, "PROCESSION_TRACE_SOCKET": path}
    found: dict[str, tuple[float, float]] = {}
    try:
        for label, code in (("pass", "pass"), ("import mp", "import multiprocessing")):
            plain: list[float] = []
            traced: list[float] = []
            for _ in range(trials):
                plain.append(_timed([PYTHON, "-c", code])[0] * 1000)
                traced.append(_timed([PYTHON, "-c", code], hooked)[0] * 1000)
                _drain(listener)
            found[label] = (median(plain), median(traced))
    finally:
        listener.close()
        os.unlink(path)
        os.rmdir(folder)
    return found


def _drain(listener: socket.socket) -> None:
    listener.setblocking(False)
    while True:
        try:
            listener.accept()[0].close()
        except BlockingIOError:
            return


def run(quick: bool) -> Report:
    trials = 3 if quick else 9
    report = Report("8", "Tracing a user's program")
    for method, (plain, traced) in spans(trials).items():
        factor = traced / plain
        report.check(
            f"8 empty processes, {method}: first start() to last join()",
            "<= 1.10x",
            f"{factor:.2f}x ({plain:.1f} -> {traced:.1f} ms)",
            factor <= 1.10,
        )
    plain_s, traced_s = whole_process(max(3, trials // 2))
    factor = traced_s / plain_s
    report.check(
        "two 1-s sleepers, whole process",
        "<= 1.05x",
        f"{factor:.3f}x ({plain_s:.3f} -> {traced_s:.3f} s)",
        factor <= 1.05,
    )
    rows = []
    for label, (plain, hooked) in hook_cost(trials * 2).items():
        rows.append(
            [
                f"python -c {label!r}",
                f"{plain:.1f}",
                f"{hooked:.1f}",
                f"{hooked - plain:+.1f}",
            ]
        )
        report.check(
            f"hook cost per interpreter ({label})",
            "informative",
            f"{hooked - plain:+.1f} ms",
            None,
        )
    report.tables.append(table(["launch", "plain ms", "hooked ms", "cost ms"], rows))
    return report


if __name__ == "__main__":
    print(describe_machine(machine()))
    result = run("--quick" in sys.argv)
    for check in result.checks:
        mark = {True: "ok", False: "MISSED", None: "--"}[check.passed]
        print(
            f"{mark:6} {check.name}: {check.value} "
            f"(target {check.target}, load {check.load:.2f})"
        )
    for text in result.tables:
        print(text)
