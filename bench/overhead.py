"""Benchmark 1: observation overhead, Procession against plain multiprocessing.

The same workload (an empty target, or print + ``sleep(0.1)`` + print) in N
workers, started back to back and then joined in order, once by a plain
``multiprocessing`` script and once by Procession's engine (ConductorLink + RunModel,
as ``python main.py run`` does, with 5 Hz sampling). Trials of both kinds are
interleaved so that a change in the machine's load hits both alike.

Two figures per case:
* span: first ``start()`` → last ``join()`` returned. Procession: START_CALLED
  of the first worker → the last JOIN_RETURNED (conductor timestamps); plain:
  the plain parent's clock around the same calls.
* first line: each worker's ``start()`` → its first own line. Procession:
  START_CALLED → BOOTED; plain: the parent's clock before ``start()`` → the
  child's first timestamp. The median over workers of a trial, then the median
  over trials.
"""

from __future__ import annotations

import random
from typing import Any

from bench import common
from bench.plain import run_plain

TARGET = 1.10
METHODS = ("spawn", "fork", "forkserver")
WORKLOADS: dict[str, tuple[str, dict[str, Any]]] = {
    "noop": ("noop", {}),
    "sleep(0.1)": ("sleep", {"seconds": 0.1}),
}


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


def _plain(target: str, args: dict[str, Any], count: int, method: str) -> dict:
    data = run_plain(target, args, count, method)
    if any(code != 0 for code in data["exitcodes"]):
        raise RuntimeError(f"plain workers failed: {data['exitcodes']}")
    return {
        "span": data["t_last_join"] - data["t_first_start"],
        "first_line": common.median(
            [f - s for s, f in zip(data["starts"], data["first_lines"], strict=True)]
        ),
    }


def run(quick: bool = False) -> common.Report:
    report = common.Report("1", "Observation overhead (Procession / plain)")
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
        case: {"plain": [], "procession": []} for case in cases
    }
    rounds = 1 if quick else max(_trials(m, n) for m, n, _ in cases)
    rng = random.Random(5)
    for round_index in range(rounds):
        for case in cases:
            method, count, name = case
            if not quick and round_index >= _trials(method, count):
                continue
            target, args = workloads[name]
            order = [("plain", _plain), ("procession", _procession)]
            rng.shuffle(order)
            for kind, runner in order:
                samples[case][kind].append(runner(target, args, count, method))
    rows = []
    worst_span = worst_first = 0.0
    by_method: dict[str, list[float]] = {m: [] for m in METHODS}
    for case in cases:
        method, count, name = case
        plain, proc = samples[case]["plain"], samples[case]["procession"]
        p_span = common.median([s["span"] for s in plain])
        q_span = common.median([s["span"] for s in proc])
        p_first = common.median([s["first_line"] for s in plain])
        q_first = common.median([s["first_line"] for s in proc])
        r_span, r_first = common.ratio(q_span, p_span), common.ratio(q_first, p_first)
        worst_span, worst_first = max(worst_span, r_span), max(worst_first, r_first)
        by_method[method] += [r_span, r_first]
        rows.append(
            [
                method,
                count,
                name,
                len(plain),
                common.ms(p_span),
                common.ms(q_span),
                r_span,
                common.ms(p_first),
                common.ms(q_first),
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
                "plain span ms",
                "Procession span ms",
                "ratio",
                "plain 1st line ms",
                "Procession 1st line ms",
                "ratio",
            ],
            rows,
        )
    )
    report.data["rows"] = rows
    for method in METHODS:
        ratios = by_method[method]
        value = max(ratios)
        report.check(
            f"overhead {method}: worst Procession/plain (span, first line)",
            f"≤ {TARGET:.2f}",
            f"{value:.2f}",
            value <= TARGET,
            f"median of the {len(ratios)} ratios {common.median(ratios):.2f}",
        )
    return report
