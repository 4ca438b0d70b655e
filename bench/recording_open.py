"""Benchmark 10: opening a big recording, as File > Open does.

A recording of 4 096 lanes and 1 000 000 events is written here (the shapes
of a real run's events: every lane announced, started, booted, printing,
marking, sampled at 5 Hz while it lives, returning, exited and joined; the
conductor's and each worker's sequence numbers contiguous), then opened in a
process of its own (``bench.recording_probe``): the real MainWindow, offscreen,
``open_path()`` as the Open dialog calls it, until the timeline has painted.
Measured: wall time and the window process's peak RSS.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, TextIO

from bench import common

TARGET_S = 3.0
TARGET_MB = 1024.0
LANES, EVENTS = 4096, 1_000_000
QUICK = (64, 10_000)
RUN_S = 60.0  # the recorded run's length
LIFE_S = 5.0  # each lane's life; ~340 live at a time
SAMPLE_NS = 200_000_000  # 5 Hz
MARKS = 4  # per lane
LIFECYCLE = 9  # lane_added … join_returned


def _lane_rows(lane: int, per_lane: int, begin_ns: int) -> list[tuple[int, Any]]:
    """(t_ns, row) of one lane's events; the conductor's seq is filled later."""
    life = int(LIFE_S * 1e9)
    samples = life // SAMPLE_NS
    lines = max(0, per_lane - LIFECYCLE - samples - MARKS)
    pid = 100_000 + lane
    rows: list[tuple[int, Any]] = []
    conductor = 0

    def by_conductor(t: int, kind: str, data: dict[str, Any]) -> None:
        rows.append((t, [kind, lane, conductor, None, t, data]))

    seq = iter(range(per_lane))

    def by_worker(t: int, kind: str, data: dict[str, Any]) -> None:
        rows.append((t, [kind, lane, lane, next(seq), t, data]))

    t = begin_ns
    by_conductor(t, "lane_added", _announce(lane))
    by_conductor(t + 1_000, "start_called", {"caller": 0, "site": ""})
    by_conductor(
        t + 900_000,
        "start_returned",
        {"caller": 0, "pid": pid, "ident": None, "start_method": "fork"},
    )
    by_worker(
        t + 600_000,
        "booted",
        {
            "pid": pid,
            "ppid": 99_999,
            "tid": pid,
            "pgid": pid,
            "start_method": "fork",
            "parent_pid": None,
        },
    )
    work = t + 2_000_000
    by_worker(work, "target_started", {"target": "custom", "args": {"n": lane}})
    step = (life - 4_000_000) // max(1, lines + MARKS)
    marks = {j * (lines + MARKS) // MARKS for j in range(MARKS)}
    for i in range(lines + MARKS):
        at = work + (i + 1) * step
        if i in marks:
            by_worker(at, "mark", {"label": "checkpoint", "data": {"i": i}})
        else:
            text = f"lane {lane}: processed item {i} of the batch ({i * 37 % 1000} kB)"
            by_worker(at, "output", {"stream": "stdout", "text": text})
    end = t + life
    by_worker(end - 500_000, "target_returned", {"value": "None"})
    exited = {
        "exitcode": 0,
        "log_tail": "",
        "cleaned_up": 0,
        "still_running": False,
        "abandoned": "",
        "ended_ns": None,
    }
    by_conductor(end, "exited", exited)
    by_conductor(end + 1_000, "join_called", {"caller": 0, "timeout": None, "site": ""})
    by_conductor(
        end + 2_000, "join_returned", {"caller": 0, "timed_out": False, "site": ""}
    )
    for k in range(samples):
        at = (t // SAMPLE_NS + k + 1) * SAMPLE_NS  # the sampler's rounds
        sample = {
            # ~340 lanes live at once on 2 CPUs: mostly waiting, as printers do
            "cpu": ((lane * 7 + k * 13) % 100) / 100.0,
            "rss": 16_000_000 + 4096 * k,
            "threads": 2,
            "children": 0,
            "status": "running" if k % 3 else "sleeping",
        }
        rows.append((at, ["sample", lane, -1, -1, at, sample]))
    return rows


def _announce(lane: int) -> dict[str, Any]:
    return {
        "name": f"w-{lane}",
        "kind": "process",
        "parent": 0,
        "start_method": "fork",
        "target": "custom",
        "group": "w",
        "daemon": False,
        "args": {"n": lane},
    }


def write_recording(path: Path, lanes: int, events: int) -> int:
    """Write a version-2 recording of ``lanes`` worker lanes and about
    ``events`` events; returns how many it holds."""
    t0 = 1_000_000_000_000
    per_lane = (events - 4) // lanes
    spread = int((RUN_S - LIFE_S) * 1e9) // max(1, lanes)
    rows: list[tuple[int, Any]] = []
    for lane in range(1, lanes + 1):
        rows += _lane_rows(lane, per_lane, t0 + 10_000_000 + lane * spread)
    rows.sort(key=lambda item: item[0])
    end = rows[-1][0] + 1_000_000
    started = {
        "pid": 99_999,
        "title": "bench recording",
        "description": "",
        "takeaway": "",
        "program_kind": "scenario",
        "mode": "process",
        "start_method": "fork",
        "default_start_method": "fork",
        "join": True,
        "cpu_count": 2,
        "python": "3.11.7",
        "platform": "linux",
    }
    first = [(t0, ["run_started", 0, 0, None, t0, started])]
    last = [
        (end, ["main_finished", 0, 0, None, end, {"joined": True}]),
        (end + 1_000, ["run_finished", 0, 0, None, end + 1_000, {}]),
    ]
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{"format": "procession-recording", "version": 2, "events": [\n')
        count = _write_rows(handle, first + rows + last)
        handle.write("\n]}\n")
    return count


def _write_rows(handle: TextIO, rows: list[tuple[int, Any]]) -> int:
    """One row a line; the conductor's events numbered in the order sent."""
    conductor = 0
    for index, (_, row) in enumerate(rows):
        if row[3] is None:
            row[3], conductor = conductor, conductor + 1
        handle.write(("" if index == 0 else ",\n") + json.dumps(row))
    return len(rows)


def run(quick: bool = False) -> common.Report:
    report = common.Report("10", "Opening a recording (File > Open)")
    lanes, events = QUICK if quick else (LANES, EVENTS)
    with tempfile.TemporaryDirectory(prefix="procession-bench-") as folder:
        path = Path(folder) / "big.json"
        written = write_recording(path, lanes, events)
        size_mb = path.stat().st_size / 1e6
        result = common.run_probe(
            ["open", str(path)], timeout=600, module="bench.recording_probe"
        )
    phases = result["phases"]
    report.tables.append(
        common.table(
            [
                "recording",
                "file MB",
                "open → timeline painted s",
                "its CPU s",
                "peak RSS MB",
                "RSS before MB",
                *(f"{name} s" for name in phases),
            ],
            [
                [
                    f"{lanes} lanes, {written:,} events",
                    size_mb,
                    result["seconds"],
                    result["cpu_seconds"],
                    result["peak_rss_mb"],
                    result["rss_before_mb"],
                    *phases.values(),
                ]
            ],
        )
    )
    report.data["recording"] = {"lanes": lanes, "events": written, **result}
    report.check(
        f"open a recording of {lanes} lanes, {written:,} events",
        f"≤ {TARGET_S:g} s",
        f"{result['seconds']:.2f} s",
        result["seconds"] <= TARGET_S and result["lanes"] == lanes + 1,
        f"{result['cpu_seconds']:.2f} s of CPU; {result['lanes']} lanes, "
        f"{result['events']:,} events in the model",
    )
    report.check(
        f"memory with that recording open ({lanes} lanes)",
        f"≤ {TARGET_MB:g} MB",
        f"{result['peak_rss_mb']:.0f} MB",
        result["peak_rss_mb"] <= TARGET_MB,
        f"file {size_mb:.0f} MB; {result['rss_before_mb']:.0f} MB before opening",
    )
    return report
