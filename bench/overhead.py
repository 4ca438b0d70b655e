"""Benchmark 1: observation overhead, Procession against a student's script.

The same workload (an empty target, or print + ``sleep(0.1)`` + print) in N
workers, started back to back and then joined in order, three ways:

* **script** (the baseline the targets are checked against): the standalone
  file ``bench/student_script.py`` run as ``python FILE.py`` with the real
  interpreter binary. Its workers import only that file and do only the
  workload.
* **pipe** (second, labelled column): ``bench/plain.py``, whose children also
  report their first line over a pipe of their own; it gives a plain
  counterpart of Procession's "first line" figure, and shows what reporting
  alone costs.
* **Procession**: its engine (ConductorLink + RunModel, as ``python main.py run``
  does, with 5 Hz sampling).

Trials of the three are interleaved in random order, so a change in the
machine's load hits all alike; medians over trials.

* span: first ``start()`` → last ``join()`` returned. Procession: START_CALLED
  of the first worker → the last JOIN_RETURNED (conductor timestamps); the
  script and the pipe baseline: their parent's clock around the same calls.
* first line (Procession and pipe only): each worker's ``start()`` → its first
  own line, the median over workers of a trial.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from typing import Any

from bench import common
from bench.plain import run_plain

TARGETS = {"spawn": 1.05, "forkserver": 1.05, "fork": 1.10}  # empty targets
SLEEP_TARGET = 1.02
METHODS = ("spawn", "fork", "forkserver")
WORKLOADS: dict[str, tuple[str, dict[str, Any]]] = {
    "noop": ("noop", {}),
    "sleep(0.1)": ("sleep", {"seconds": 0.1}),
}
SCRIPT = common.ROOT / "bench" / "student_script.py"


def real_python() -> str:
    """The interpreter Procession's workers run: the binary, never a shim.

    ``sys.executable`` (here the venv's ``python``, a symlink to the binary),
    not its resolved path: the base installation's ``site`` differs from the
    venv's (on the reference machine it imports ``certifi`` from a ``.pth``
    file, +28 ms per interpreter start), and a spawn baseline paying for
    another ``site`` would compare two installations, not Procession with
    plain ``multiprocessing``.
    """
    with open(os.path.realpath(sys.executable), "rb") as binary:
        if binary.read(2) == b"#!":
            raise RuntimeError(f"{sys.executable} is a script (a shim?), not Python")
    return sys.executable


def _trials(method: str, count: int) -> int:
    if count >= 64:
        return 3 if method == "spawn" else 5
    return 7


def _procession(target: str, args: dict[str, Any], count: int, method: str) -> dict:
    spec = common.scenario(
        [{"name": "w", "target": target, "args": args, "count": count}],
        start_method=method,
    )
    model = common.run_engine(spec, sample_hz=5.0)
    first, last = common.span_start_to_join(model)
    called = common.worker_times(model, "start_called")
    booted = common.worker_times(model, "booted")
    lost = [lane.name for lane in model.worker_lanes() if lane.outcome != "ok"]
    if lost:
        raise RuntimeError(f"workers did not end ok: {lost[:5]}")
    return {
        "span": last - first,
        "first_line": common.median([booted[w] - called[w] for w in called]),
    }


def _pipe(target: str, args: dict[str, Any], count: int, method: str) -> dict:
    data = run_plain(target, args, count, method)
    if any(code != 0 for code in data["exitcodes"]):
        raise RuntimeError(f"plain workers failed: {data['exitcodes']}")
    return {
        "span": data["t_last_join"] - data["t_first_start"],
        "first_line": common.median(
            [f - s for s, f in zip(data["starts"], data["first_lines"], strict=True)]
        ),
    }


def run_script(target: str, args: dict[str, Any], count: int, method: str) -> dict:
    """One run of ``python student_script.py``; its span in ns."""
    command = [real_python(), str(SCRIPT), method, str(count), target]
    if target == "sleep":
        command.append(repr(args["seconds"]))
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=120, check=False
    )
    last = (done.stdout.strip().splitlines() or [""])[-1].split()
    if done.returncode != 0 or len(last) != 4 or last[0] != "span_ns":
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:]
        raise RuntimeError(f"the student script failed: {tail}")
    if any(code != "0" for code in last[3].split(",")):
        raise RuntimeError(f"the student script's workers failed: {last[3]}")
    return {"span": int(last[1])}


SIDES = {"script": run_script, "pipe": _pipe, "procession": _procession}


def run(quick: bool = False) -> common.Report:
    report = common.Report("1", "Observation overhead (Procession / student script)")
    counts = (1, 2) if quick else (1, 8, 64)
    workloads = dict(WORKLOADS)
    if quick:
        workloads = {"noop": ("noop", {}), "sleep(0.01)": ("sleep", {"seconds": 0.01})}
    cases = [
        (method, count, name)
        for method in METHODS
        for count in counts
        for name in workloads
    ]
    samples: dict[tuple[str, int, str], dict[str, list[dict]]] = {
        case: {side: [] for side in SIDES} for case in cases
    }
    rounds = 1 if quick else max(_trials(m, n) for m, n, _ in cases)
    rng = random.Random(5)
    for round_index in range(rounds):
        for case in cases:
            method, count, name = case
            if not quick and round_index >= _trials(method, count):
                continue
            target, args = workloads[name]
            order = list(SIDES.items())
            rng.shuffle(order)
            for side, runner in order:
                samples[case][side].append(runner(target, args, count, method))
    rows = []
    worst: dict[tuple[str, str], float] = {}
    where: dict[tuple[str, str], str] = {}
    for case in cases:
        method, count, name = case
        med = {
            (side, figure): common.median([s[figure] for s in samples[case][side]])
            for side in SIDES
            for figure in ("span", "first_line")
            if figure == "span" or side != "script"
        }
        r_span = common.ratio(med["procession", "span"], med["script", "span"])
        r_pipe = common.ratio(med["procession", "span"], med["pipe", "span"])
        r_first = common.ratio(
            med["procession", "first_line"], med["pipe", "first_line"]
        )
        key = (method, "noop" if name == "noop" else "sleep")
        if r_span >= worst.get(key, 0.0):
            worst[key] = r_span
            where[key] = (
                f"N = {count}: script {common.ms(med['script', 'span']):.1f} ms, "
                f"Procession {common.ms(med['procession', 'span']):.1f} ms"
            )
        rows.append(
            [
                method,
                count,
                name,
                len(samples[case]["procession"]),
                common.ms(med["script", "span"]),
                common.ms(med["procession", "span"]),
                r_span,
                common.ms(med["pipe", "span"]),
                r_pipe,
                common.ms(med["pipe", "first_line"]),
                common.ms(med["procession", "first_line"]),
                r_first,
            ]
        )
    report.tables.append(
        common.table(
            [
                "method",
                "N",
                "target",
                "trials",
                "script span ms",
                "Procession span ms",
                "ratio",
                "pipe-baseline span ms",
                "ratio",
                "pipe 1st line ms",
                "Procession 1st line ms",
                "ratio",
            ],
            rows,
        )
    )
    report.data["rows"] = rows
    for method in METHODS:
        for kind, target in (("noop", TARGETS[method]), ("sleep", SLEEP_TARGET)):
            value = worst[method, kind]
            report.check(
                f"span {method}, {kind}: worst Procession/script over N",
                f"≤ {target:.2f}",
                f"{value:.2f}",
                value <= target,
                where[method, kind],
            )
    return report
