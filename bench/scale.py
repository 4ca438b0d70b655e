"""Benchmark 5 (engine half): many workers, and how the cost grows with them.

* 256 concurrent workers (fork, ``sleep(1)``) with 5 Hz sampling: the run
  completes, every worker has its outcome, samples keep arriving; span against
  the same plain script.
* Growth: N = 1 … 1 024 workers (fork, empty target) by plain multiprocessing
  and by Procession: span, cost per worker, events, and the parent's CPU time
  (decode + model + 5 Hz sampler), so PERFORMANCE.md can say how cost grows.
"""

from __future__ import annotations

import resource
import time
from typing import Any

from bench import common
from bench.plain import run_plain

CONCURRENT = 256
WINDOW_LIVE = 1024  # live workers in the window's heartbeat run
HEARTBEAT_TARGET_MS = 50.0
GROWTH = (1, 4, 16, 64, 256, 1024)
GROWTH_QUICK = (1, 4)


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_children() -> float:
    """CPU of reaped descendants: the conductor (or plain parent) and, through
    it, every worker it reaped."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _procession(target: str, args: dict[str, Any], count: int) -> dict[str, Any]:
    spec = common.scenario(
        [{"name": "w", "target": target, "args": args, "count": count}],
        start_method="fork",
        max_processes=max(512, 2 * count),
    )
    cpu, children = _cpu_self(), _cpu_children()
    wall = time.monotonic()
    model = common.run_engine(spec, sample_hz=5.0, timeout=300)
    wall = time.monotonic() - wall
    cpu = _cpu_self() - cpu
    children = _cpu_children() - children
    first, last = common.span_start_to_join(model)
    lanes = model.worker_lanes()
    return {
        "span": last - first,
        "outcomes": sum(1 for lane in lanes if lane.outcome is not None),
        "ok": sum(1 for lane in lanes if lane.outcome == "ok"),
        "missing": model.events_missing(),
        "events": len(model.events),
        "samples": sum(len(lane.samples) for lane in lanes),
        "parent_cpu": cpu,
        "total_cpu": cpu + children,
        "wall": wall,
    }


def _plain(target: str, args: dict[str, Any], count: int) -> dict[str, Any]:
    cpu = _cpu_self() + _cpu_children()
    data = run_plain(target, args, count, "fork", timeout=300)
    return {
        "span": data["t_last_join"] - data["t_first_start"],
        "total_cpu": _cpu_self() + _cpu_children() - cpu,
    }


def run(quick: bool = False) -> common.Report:
    report = common.Report("5", "Scale (fork, 5 Hz sampling)")
    count = 8 if quick else CONCURRENT
    # Long enough to be sampled even when quick: the sampler is spawned and
    # its first round comes after its start-up and one period (a 0.2 s run
    # on a busy CI machine ended before any round: "0 samples").
    seconds = 1.0
    plain = _plain("sleep", {"seconds": seconds}, count)
    proc = _procession("sleep", {"seconds": seconds}, count)
    complete = proc["outcomes"] == count and proc["ok"] == count
    span_ratio = common.ratio(proc["span"], plain["span"])
    report.tables.append(
        common.table(
            [
                "workers",
                "plain span ms",
                "Procession span ms",
                "ratio",
                "outcomes",
                "events",
                "samples",
                "missing",
                "parent CPU s",
            ],
            [
                [
                    count,
                    common.ms(plain["span"]),
                    common.ms(proc["span"]),
                    span_ratio,
                    f"{proc['outcomes']}/{count}",
                    proc["events"],
                    proc["samples"],
                    proc["missing"],
                    proc["parent_cpu"],
                ]
            ],
        )
    )
    report.check(
        f"{count} concurrent workers: every outcome, no event missing",
        f"{count}/{count}, 0 missing",
        f"{proc['outcomes']}/{count}, {proc['missing']} missing",
        complete and proc["missing"] == 0 and proc["samples"] > 0,
        f"span {span_ratio:.2f}× plain",
    )
    rows = []
    for n in GROWTH_QUICK if quick else GROWTH:
        trials = 1 if quick or n >= 256 else 3
        plains = [_plain("noop", {}, n) for _ in range(trials)]
        procs = [_procession("noop", {}, n) for _ in range(trials)]
        p_span = common.median([p["span"] for p in plains])
        q_span = common.median([p["span"] for p in procs])
        rows.append(
            [
                n,
                common.ms(p_span),
                common.ms(q_span),
                common.ratio(q_span, p_span),
                common.ms(q_span - p_span) / n,
                common.median([p["events"] for p in procs]),
                common.median([p["parent_cpu"] for p in procs]) * 1000,
                common.median([p["parent_cpu"] for p in procs])
                * 1e6
                / common.median([p["events"] for p in procs]),
                (
                    common.median([p["total_cpu"] for p in procs])
                    - common.median([p["total_cpu"] for p in plains])
                )
                * 1000
                / n,
            ]
        )
        if any(p["outcomes"] != n for p in procs):
            report.check(f"growth, N={n}", "every outcome", "incomplete", False)
    report.tables.append(
        common.table(
            [
                "workers",
                "plain span ms",
                "Procession span ms",
                "ratio",
                "extra ms/worker",
                "events",
                "parent CPU ms",
                "parent µs/event",
                "extra CPU ms/worker",
            ],
            rows,
        )
    )
    report.data["growth"] = rows
    _window(report, quick)
    return report


def _window(report: common.Report, quick: bool) -> None:
    """The window at scale: heartbeat with 1 024 live workers, memory with
    1 024 lanes and ~100 000 events (real runs, offscreen MainWindow)."""
    count, seconds = (8, 0.3) if quick else (WINDOW_LIVE, 2.0)
    live = common.run_probe(["scale", str(count), str(seconds)])
    lanes, lines = (16, 20) if quick else (1024, 88)
    big = common.run_probe(["memory", str(lanes), str(lines)], timeout=600)
    report.tables.append(
        common.table(
            [
                "window run",
                "lanes",
                "events",
                "outcomes",
                "heartbeat max gap ms",
                "gaps > 50 ms",
                "GUI CPU in the longest gap ms",
                "most GUI CPU in one gap ms",
                "RSS MB (before → after)",
                "peak RSS MB",
            ],
            [
                [
                    f"{count} × sleep({seconds:g})",
                    live["lanes"],
                    live["events"],
                    f"{live['outcomes']}/{count}",
                    live["max_gap_ms"],
                    live["gaps_over_50ms"],
                    live["longest_gap_cpu_ms"],
                    live["max_gap_cpu_ms"],
                    f"{live['rss_before_mb']:.0f} → {live['rss_mb']:.0f}",
                    live["peak_rss_mb"],
                ],
                [
                    f"{lanes} × print_lines({lines})",
                    big["lanes"],
                    big["events"],
                    f"{big['outcomes']}/{lanes}",
                    big["max_gap_ms"],
                    big["gaps_over_50ms"],
                    big["longest_gap_cpu_ms"],
                    big["max_gap_cpu_ms"],
                    f"{big['rss_before_mb']:.0f} → {big['rss_mb']:.0f}",
                    big["peak_rss_mb"],
                ],
            ],
        )
    )
    report.data["window"] = {"live": live, "memory": big}
    report.check(
        f"GUI heartbeat, {count} live workers, 5 Hz sampling",
        f"≤ {HEARTBEAT_TARGET_MS:g} ms",
        f"{live['max_gap_ms']:.0f} ms",
        live["max_gap_ms"] <= HEARTBEAT_TARGET_MS and live["outcomes"] == count,
        f"{live['outcomes']}/{count} outcomes, {live['gaps_over_50ms']} gaps > 50 ms; "
        f"GUI thread busy {live['max_gap_cpu_ms']:.0f} ms at most in one gap",
    )
    report.check(
        f"GUI memory, {big['lanes'] - 1} lanes, {big['events']:,} events",
        "≤ 400 MB",
        f"{big['peak_rss_mb']:.0f} MB",
        big["peak_rss_mb"] <= 400.0 and big["outcomes"] == lanes,
        f"heartbeat max gap {big['max_gap_ms']:.0f} ms",
    )
