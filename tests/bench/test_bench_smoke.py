"""Each benchmark of ``python -m bench`` at tiny sizes, so none can rot.

These assert that every benchmark runs to its end and produces sane numbers
(positive, finite, nothing lost, every worker accounted for), never that a
performance target is met: timings on a shared CI machine are too noisy for
that. The real figures come from ``python -m bench`` (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from bench import (
    bytecode,
    cpu_slowdown,
    latency,
    overhead,
    paint,
    recording_open,
    scale,
    startup,
    task_ingest,
    throughput,
    tracer_cost,
)
from bench.common import ROOT, Report


def sane(value: float, low: float = 0.0, high: float = 1e9) -> bool:
    return (
        isinstance(value, int | float) and math.isfinite(value) and low < value < high
    )


def ran(report: Report) -> None:
    """Every check has a measured value; none says the benchmark broke."""
    assert report.checks, report.title
    for check in report.checks:
        assert check.value and "Error" not in check.value, (check.name, check.value)


def test_overhead_runs_every_start_method():
    report = overhead.run(quick=True)
    ran(report)
    rows = report.data["rows"]
    assert {row[0] for row in rows} == {"spawn", "fork", "forkserver"}
    # method, N, target, trials, script span, Procession span, ratio,
    # pipe-baseline span, ratio, pipe 1st line, Procession 1st line, ratio
    for row in rows:
        assert all(sane(v) for v in row[4:]), row
        assert row[6] < 50 and row[8] < 50 and row[11] < 50, row  # ratios, not units


def test_bytecode_compares_before_and_now():
    report = bytecode.run(quick=True)
    ran(report)
    if report.checks[0].passed is None:  # the shell writes bytecode: nothing to see
        return
    for row in report.data["rows"]:  # N, trials, spans, ratio, first lines, ratio
        assert all(sane(v) for v in row[2:]), row


def test_cpu_slowdown_runs():
    report = cpu_slowdown.run(quick=True)
    ran(report)
    for row in report.data["rows"]:
        assert sane(row[2]) and sane(row[3]) and sane(row[5]) and sane(row[6]), row


def test_latency_runs_idle_and_under_load():
    report = latency.run(quick=True)
    ran(report)
    for condition in ("idle", "2 CPU burners"):
        figures = report.data[condition]
        assert sane(figures["p50"], high=10_000), figures
        assert figures["p50"] <= figures["p99"] <= figures["max"], figures


def test_throughput_loses_nothing():
    report = throughput.run(quick=True)
    ran(report)
    for row in report.data["rows"]:  # workers, lines, trials, rates…, lost
        assert row[-1] == 0, row
        assert sane(row[3]) and sane(row[4]), row
    for row in report.data["window"]:
        assert row[6] == 0, row  # lost
        assert sane(row[3]) and sane(row[5]), row  # rate, worst gap


def test_scale_accounts_for_every_worker():
    report = scale.run(quick=True)
    ran(report)
    assert report.checks[0].passed, report.checks[0]  # every outcome, none missing
    for row in report.data["growth"]:
        assert sane(row[1]) and sane(row[2]) and row[5] > 0, row
    window = report.data["window"]
    assert window["live"]["outcomes"] == window["live"]["lanes"] - 1
    assert window["memory"]["outcomes"] == window["memory"]["lanes"] - 1
    assert sane(window["memory"]["peak_rss_mb"], high=100_000)


def test_startup_measures_the_conductor_and_the_window():
    report = startup.run(quick=True)
    ran(report)
    assert all(sane(v, high=60_000) for v in report.data["conductor_ms"])
    assert all(sane(v, high=60_000) for v in report.data["bare_ms"])
    if "first_paint_s" in report.data:  # needs Xvfb
        assert all(sane(v, high=60) for v in report.data["first_paint_s"])


def test_paint_measures_frames():
    report = paint.run(quick=True)
    ran(report)
    for view in ("all lanes", "64 lanes"):
        figures = report.data["paint"][view]
        assert sane(figures["frame_median_ms"], high=10_000), figures
        assert sane(figures["item_paint_median_ms"], high=10_000), figures


def test_tracer_cost_measures_plain_and_traced_runs():
    for plain, traced in tracer_cost.spans(1).values():  # 8 empty processes
        assert sane(plain, high=60_000) and sane(traced, high=60_000)
    plain, traced = tracer_cost.whole_process("pool_map.py", 1)
    assert sane(plain, high=60) and sane(traced, high=60)
    items, started, ended = tracer_cost.pool_tasks_recorded()
    assert 0 <= items <= tracer_cost.POOL_ITEMS and ended <= started
    for plain, hooked in tracer_cost.hook_cost(1, tracer_cost.PYTHON).values():
        assert sane(plain, high=60_000) and sane(hooked, high=60_000)


def test_task_ingestion_loses_nothing():
    result = task_ingest.ingest(senders=2, tasks=500)
    assert result["lost"] == 0 and result["damaged"] == 0, result
    assert result["spans"] == 2 * 500, result
    assert sane(result["rate"]), result


def test_recording_open_replays_every_event_of_the_written_recording():
    report = recording_open.run(quick=True)
    ran(report)
    figures = report.data["recording"]
    lanes = recording_open.QUICK[0]
    # every lane announced, every worker's ending, no sequence number skipped
    assert figures["lanes"] == lanes + 1 and figures["outcomes"] == lanes
    assert figures["missing"] == 0
    assert figures["events"] > 0.9 * recording_open.QUICK[1]
    assert sane(figures["seconds"], high=600) and sane(figures["peak_rss_mb"])
    assert all(sane(v, low=-1e-9, high=600) for v in figures["phases"].values())


@pytest.mark.parametrize("only", ["7"])
def test_the_command_prints_a_summary(only):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--only",
            only,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Summary" in done.stdout
    assert "load average" in done.stdout
    assert "CPUs" in done.stdout  # the machine is recorded
