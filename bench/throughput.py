"""Benchmark 4 (engine half): event throughput with zero loss.

1 and 8 workers run ``print_lines`` with no pause, so every line becomes an
OUTPUT event that travels worker pipe → conductor → session → model. The
scenario's ``max_output_lines`` is raised so that nothing is capped. Rate =
lines applied to the model / (first TARGET_STARTED → last line applied in the
parent). Zero loss = every line arrived, every worker's ``seq`` is contiguous,
no OUTPUT_DROPPED and no problem on any lane.

The baseline is the bare channel in the same invocation: plain children that
send each line's (kind, seq, t_ns, data) tuple over one Pipe each to a parent
that unpickles them: what the transport could carry with no engine at all.
"""

from __future__ import annotations

import multiprocessing
import pickle
import time
from multiprocessing.connection import wait
from typing import Any

from bench import common

TARGET_RATE = 100_000


def _procession(workers: int, lines: int, method: str = "fork") -> dict[str, Any]:
    spec = common.scenario(
        [
            {
                "name": "printer",
                "target": "print_lines",
                "args": {"count": lines, "interval": 0.0},
                "count": workers,
            }
        ],
        start_method=method,
        max_output_lines=lines,
    )
    seen = {"outputs": 0, "last_applied": 0, "first_line": 0}

    def on_batch(model: Any, events: list[Any]) -> None:
        outputs = sum(1 for e in events if e.kind == "output")
        if outputs:
            if not seen["first_line"]:
                seen["first_line"] = next(e.t_ns for e in events if e.kind == "output")
            seen["outputs"] += outputs
            seen["last_applied"] = time.monotonic_ns()

    model = common.run_engine(spec, sample_hz=5.0, on_batch=on_batch)
    began = min(common.worker_times(model, "target_started").values())
    produced = max(e.t_ns for e in model.events if e.kind == "output")
    expected = workers * lines
    lanes = model.worker_lanes()
    lost = (
        expected
        - seen["outputs"]
        + sum(lane.missing for lane in lanes)
        + sum(1 for e in model.events if e.kind == "output_dropped")
    )
    problems = [p for lane in lanes for p in lane.problems]
    window = (seen["last_applied"] - began) / 1e9
    return {
        "events": seen["outputs"],
        "lost": lost,
        "problems": problems,
        "rate": seen["outputs"] / window if window > 0 else 0.0,
        "produce_rate": seen["outputs"] / ((produced - began) / 1e9),
        "lag_ms": (seen["last_applied"] - produced) / 1e6,
        "all_ok": all(lane.outcome == "ok" for lane in lanes),
    }


def _plain_child(conn: Any, index: int, lines: int) -> None:
    for i in range(1, lines + 1):
        data = {"stream": "stdout", "text": f"line {i} of {lines}"}
        conn.send_bytes(pickle.dumps(("output", i, time.monotonic_ns(), data), 5))
    conn.close()


def _plain(workers: int, lines: int) -> dict[str, Any]:
    """The bare channel: one Pipe per child, parent reads and unpickles all."""
    ctx = multiprocessing.get_context("fork")
    readers, children = [], []
    began = time.monotonic_ns()
    for index in range(workers):
        reader, writer = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_plain_child, args=(writer, index, lines))
        child.start()
        writer.close()
        readers.append(reader)
        children.append(child)
    received = 0
    last = began
    try:
        open_readers = list(readers)
        while open_readers:
            for reader in wait(open_readers, 10.0):
                try:
                    pickle.loads(reader.recv_bytes())
                    received += 1
                except EOFError:
                    open_readers.remove(reader)
        last = time.monotonic_ns()
    finally:
        for reader in readers:
            reader.close()
        for child in children:
            child.join(timeout=5)
            if child.exitcode is None:
                child.kill()
                child.join()
    return {"events": received, "rate": received / ((last - began) / 1e9)}


def run(quick: bool = False) -> common.Report:
    report = common.Report("4", "Event throughput (print_lines, interval 0, fork)")
    total = 4_000 if quick else 200_000
    trials = 1 if quick else 3
    rows = []
    for workers in (1, 8):
        lines = total // workers
        proc = [_procession(workers, lines) for _ in range(trials)]
        plain = [_plain(workers, lines) for _ in range(trials)]
        rate = common.median([p["rate"] for p in proc])
        plain_rate = common.median([p["rate"] for p in plain])
        lost = max(p["lost"] for p in proc)
        problems = sorted({x for p in proc for x in p["problems"]})
        rows.append(
            [
                workers,
                lines,
                trials,
                plain_rate,
                rate,
                common.ratio(rate, plain_rate),
                common.median([p["produce_rate"] for p in proc]),
                common.median([p["lag_ms"] for p in proc]),
                lost,
            ]
        )
        report.check(
            f"throughput, {workers} worker{'s' * (workers > 1)}, zero loss",
            f"≥ {TARGET_RATE:,} events/s, 0 lost",
            f"{rate:,.0f}/s, {lost} lost",
            rate >= TARGET_RATE and lost == 0 and not problems,
            "; ".join(problems[:2]),
        )
    report.tables.append(
        common.table(
            [
                "workers",
                "lines each",
                "trials",
                "bare pipe events/s",
                "Procession events/s",
                "ratio",
                "worker produce/s",
                "final lag ms",
                "lost",
            ],
            rows,
        )
    )
    report.data["rows"] = rows
    _window(report, quick, total)
    return report


def _window(report: common.Report, quick: bool, total: int) -> None:
    """The same floods in the real window (offscreen): heartbeat and rate."""
    rows = []
    worst_gap = 0.0
    for workers in (1, 8):
        runs = [
            common.run_probe(["flood", str(workers), str(total // workers)])
            for _ in range(1 if quick else 3)
        ]
        gap = max(r["max_gap_ms"] for r in runs)
        worst_gap = max(worst_gap, gap)
        lost = max(r["expected"] - r["lines"] + r["missing"] for r in runs)
        rate = common.median([r.get("rate", 0.0) for r in runs])
        rows.append(
            [
                workers,
                total // workers,
                len(runs),
                rate,
                common.median([r["max_gap_ms"] for r in runs]),
                gap,
                lost,
                max(r["peak_rss_mb"] for r in runs),
            ]
        )
        report.check(
            f"window ingests the flood of {workers} worker{'s' * (workers > 1)}",
            "(informative)",
            f"{rate:,.0f}/s, {lost} lost",
            None,
            "offscreen MainWindow, Run pressed",
        )
    report.tables.append(
        common.table(
            [
                "workers (window)",
                "lines each",
                "runs",
                "applied events/s",
                "heartbeat max gap ms (median)",
                "worst ms",
                "lost",
                "peak RSS MB",
            ],
            rows,
        )
    )
    report.data["window"] = rows
    report.check(
        "GUI heartbeat during the floods (worst gap)",
        "≤ 100 ms",
        f"{worst_gap:.0f} ms",
        worst_gap <= 100.0,
        "10 ms QTimer in the real window",
    )
