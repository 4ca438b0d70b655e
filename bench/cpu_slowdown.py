"""Benchmark 2: does watching slow down a CPU-bound worker?

A fixed amount of pure-Python work (``countdown``) in 1 and 2 workers (fork),
run by a plain script and by Procession with its reporting and 5 Hz sampling
on. With 2 workers both cores are busy, so any CPU the observer takes (the
conductor, the sampler, the parent reading events) comes out of the workers.

Two figures: the span (first start() → last join()) and the target's own run
time (Procession: TARGET_STARTED → TARGET_RETURNED; plain: timed in the child).
Trials are interleaved in random order and the medians compared.
"""

from __future__ import annotations

import random

from bench import common
from bench.plain import run_plain

TARGET = 0.03  # at most 3 % slower
N_FULL = 30_000_000  # about 0.8 s of work on this machine class
N_QUICK = 300_000


def _procession(n: int, count: int) -> dict[str, float]:
    spec = common.scenario(
        [{"name": "cpu", "target": "countdown", "args": {"n": n}, "count": count}],
        start_method="fork",
    )
    model = common.run_engine(spec, sample_hz=5.0)
    first, last = common.span_start_to_join(model)
    began = common.worker_times(model, "target_started")
    ended = common.worker_times(model, "target_returned")
    if len(ended) != count:
        raise RuntimeError("a countdown worker did not return")
    samples = sum(len(lane.samples) for lane in model.worker_lanes())
    return {
        "span": last - first,
        "target": common.median([ended[w] - began[w] for w in began]),
        "samples": samples,
    }


def _plain(n: int, count: int) -> dict[str, float]:
    data = run_plain("countdown", {"n": n}, count, "fork")
    return {
        "span": data["t_last_join"] - data["t_first_start"],
        "target": common.median(data["target_ns"]),
    }


def run(quick: bool = False) -> common.Report:
    report = common.Report("2", "CPU-bound slowdown (countdown, fork, 5 Hz sampling)")
    n = N_QUICK if quick else N_FULL
    trials = 1 if quick else 7
    rng = random.Random(2)
    rows = []
    worst = 0.0
    for count in (1, 2):
        plain: list[dict[str, float]] = []
        proc: list[dict[str, float]] = []
        # one warm-up of each, not counted: page cache, CPU frequency
        if not quick:
            _plain(n // 10, count), _procession(n // 10, count)
        for _ in range(trials):
            order = [(plain, _plain), (proc, _procession)]
            rng.shuffle(order)
            for store, runner in order:
                store.append(runner(n, count))
        p_span = common.median([s["span"] for s in plain])
        q_span = common.median([s["span"] for s in proc])
        p_target = common.median([s["target"] for s in plain])
        q_target = common.median([s["target"] for s in proc])
        slow_span = common.ratio(q_span, p_span) - 1
        slow_target = common.ratio(q_target, p_target) - 1
        worst = max(worst, slow_span, slow_target)
        samples = common.median([s["samples"] for s in proc])
        rows.append(
            [
                count,
                trials,
                common.ms(p_span),
                common.ms(q_span),
                f"{slow_span:+.1%}",
                common.ms(p_target),
                common.ms(q_target),
                f"{slow_target:+.1%}",
                samples,
            ]
        )
        report.check(
            f"CPU-bound slowdown, {count} worker{'s' * (count > 1)} (span, target)",
            f"≤ +{TARGET:.0%}",
            f"{slow_span:+.1%}, {slow_target:+.1%}",
            max(slow_span, slow_target) <= TARGET,
        )
    report.tables.append(
        common.table(
            [
                "workers",
                "trials",
                "plain span ms",
                "Procession span ms",
                "slower",
                "plain target ms",
                "Procession target ms",
                "slower",
                "samples/run",
            ],
            rows,
        )
    )
    report.data["rows"] = rows
    report.data["worst"] = worst
    return report
