"""Benchmark 9: what tracing a user's program costs (issues 10 and 14).

Every figure compares the same program run two ways in the same minute,
trials interleaved one by one, with the same interpreter (the venv's
``python``, a symlink to the CPython binary: not a pyenv shim, which adds
100-150 ms per launch, and not the binary outside the venv, whose
``site-packages`` runs a ``.pth`` that imports certifi, +28 ms per launch):

* plain: ``python PROGRAM``;
* traced: ``python main.py run --quiet --sample-hz 0 --python PYTHON
  PROGRAM`` (the whole command: the CLI, its conductor, the launcher and the
  hook in every process).

1. The span from the first ``start()`` to the last ``join()`` of 8 empty
   processes, measured inside the program, under spawn, fork and forkserver
   (target <= 1.10x).
2. The whole-process time of the tutorial's two 1-s sleepers (<= 1.05x).
3. The whole-process time of a ``Pool.map`` of 10 000 tiny tasks (<= 1.25x),
   and how many of its tasks the recording holds (TASK_STARTED/TASK_ENDED;
   a pool task is a chunk of items: the items its spans cover are counted).
4. The hook's own cost per interpreter (3.11, 3.12, 3.13): ``python -c
   pass`` and ``python -c "import multiprocessing"`` with the hook and a
   listening collector socket, against the same without (informative).
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, Report, describe_machine, machine, median, table
from core.tracer.hook import HOOK_DIR
from core.tracer.script_program import load_script

PROGRAMS = Path(__file__).resolve().parent / "tracer_programs"
PYTHON = sys.executable
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
POOL_ITEMS = 10_000


def _installed(version: str) -> str:
    """pyenv's interpreter for ``version`` (the real binary, not the shim)."""
    pattern = os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python")
    found = sorted(glob.glob(pattern))
    return found[-1] if found else ""


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


def _pairs(plain: list[str], traced: list[str], trials: int) -> list[tuple[float, str]]:
    """``trials`` runs of each command, interleaved in a random order per
    pair: [(seconds, stdout)], plain runs at even indexes."""
    found: list[tuple[float, str]] = []
    for _ in range(trials):
        pair = {0: plain, 1: traced}
        order = random.sample([0, 1], 2)
        done = {side: _timed(pair[side]) for side in order}
        found += [done[0], done[1]]
    return found


def spans(trials: int, python: str = PYTHON) -> dict[str, tuple[float, float]]:
    """Median span in ms (plain, traced) of 8 empty processes per method."""
    found: dict[str, tuple[float, float]] = {}
    program = str(PROGRAMS / "eight_empty.py")
    traced = [*TRACED[:-1], python]
    for method in ("spawn", "fork", "forkserver"):
        runs = _pairs([python, program, method], [*traced, program, method], trials)
        plain = [_span(out) for _, out in runs[0::2]]
        hooked = [_span(out) for _, out in runs[1::2]]
        found[method] = (median(plain), median(hooked))
    return found


def whole_process(program: str, trials: int) -> tuple[float, float]:
    """Median wall seconds (plain, traced) of ``program``, whole process."""
    path = str(PROGRAMS / program)
    runs = _pairs([PYTHON, path], [*TRACED, path], trials)
    return median([t for t, _ in runs[0::2]]), median([t for t, _ in runs[1::2]])


def pool_tasks_recorded() -> tuple[int, int, int]:
    """(items covered by recorded task spans, spans started, spans ended) of
    one traced run of the Pool.map program, from its recording."""
    folder = tempfile.mkdtemp(prefix="procession-bench-")
    record = os.path.join(folder, "pool.json")
    try:
        _timed([*TRACED, "--record", record, str(PROGRAMS / "pool_map.py")])
        events = json.loads(Path(record).read_text())["events"]
    finally:
        with contextlib.suppress(OSError):
            os.unlink(record)
        os.rmdir(folder)
    # A recording's event: [kind, lane, ..., data] (data last in every version).
    started = [e for e in events if e[0] == "task_started"]
    ended = {(e[1], e[-1].get("task_id")) for e in events if e[0] == "task_ended"}
    items = 0
    for event in started:
        if (event[1], event[-1].get("task_id")) in ended:
            chunk = re.search(r"a chunk of (\d+) item", str(event[-1].get("detail")))
            items += int(chunk.group(1)) if chunk else 1
    return items, len(started), len(ended)


def hook_cost(trials: int, python: str) -> dict[str, tuple[float, float]]:
    """Median ms (plain, hooked) of an interpreter's launch, with and without
    importing multiprocessing (the hook patches it then)."""
    folder = tempfile.mkdtemp(prefix="procession-bench-")
    script = Path(folder, "empty.py")
    script.write_text("")
    load_script(str(script), [], python)  # what a traced run does first: the
    script.unlink()  # hook compiled for this Python where no bytecode is written
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
                plain.append(_timed([python, "-c", code])[0] * 1000)
                traced.append(_timed([python, "-c", code], hooked)[0] * 1000)
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
    trials = 1 if quick else 9  # quick: does it run?
    report = Report("9", "Tracing a user's program")
    rows = []
    for method, (plain, traced) in spans(trials).items():
        factor = traced / plain
        rows.append([f"8 empty processes, {method}: span ms", plain, traced, factor])
        report.check(
            f"traced, 8 empty processes, {method}: first start() to last join()",
            "<= 1.10x",
            f"{factor:.2f}x ({plain:.1f} -> {traced:.1f} ms)",
            factor <= 1.10,
        )
    for program, name, target in (
        ("two_sleepers.py", "two 1-s sleepers", 1.05),
        ("pool_map.py", f"Pool.map of {POOL_ITEMS:,} tiny tasks", 1.25),
    ):
        plain_s, traced_s = whole_process(program, 1 if quick else 5)
        factor = traced_s / plain_s
        row = [f"{name}: whole process ms", plain_s * 1e3, traced_s * 1e3, factor]
        rows.append(row)
        report.check(
            f"traced, {name}, whole process",
            f"<= {target:.2f}x",
            f"{factor:.3f}x ({plain_s * 1e3:.0f} -> {traced_s * 1e3:.0f} ms)",
            factor <= target,
        )
    items, started, ended = pool_tasks_recorded()
    report.check(
        "traced Pool.map: every task recorded",
        f"{POOL_ITEMS:,}/{POOL_ITEMS:,}",
        f"tasks recorded: {items}/{POOL_ITEMS} ({started} spans started, "
        f"{ended} ended)",
        items == POOL_ITEMS,
        "" if started else "no TASK events: the pool task tracer is not merged",
    )
    report.tables.append(table(["traced program", "plain", "traced", "ratio"], rows))
    hook_rows = []
    for version in ("3.11", "3.12", "3.13"):
        python = PYTHON if version == "3.11" else _installed(version)
        if not python:
            continue
        for label, (plain, hooked) in hook_cost(2 * trials, python).items():
            launch = f"python -c {label!r}"
            hook_rows.append([version, launch, plain, hooked, hooked - plain])
            report.check(
                f"hook cost per interpreter, {version} ({label})",
                "informative",
                f"{hooked - plain:+.1f} ms ({plain:.1f} -> {hooked:.1f})",
                None,
            )
    report.tables.append(
        table(["python", "launch", "plain ms", "hooked ms", "cost ms"], hook_rows)
    )
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
