"""What every benchmark shares: results, statistics, machine facts, engine runs.

A benchmark module exposes ``run(quick: bool) -> Report``. Its checks are the
rows of the final summary table (target, measured value, pass/fail); its tables
are the detail printed as it finishes. Every figure that has a baseline is a
ratio against that baseline measured in the same invocation, because absolute
timings on a shared 2-core VM move by ±5 % from minute to minute.
"""

from __future__ import annotations

import contextlib
import datetime
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUSY_OTHERS = 0.5  # others' runnable processes (average) worth saying next to a figure


@dataclass
class Check:
    """One row of the summary: a measured figure against its target."""

    name: str
    target: str
    value: str
    passed: bool | None  # None: informative, or could not be measured
    load: float | None = None
    note: str = ""


@dataclass
class Report:
    """What one benchmark found."""

    key: str
    title: str
    checks: list[Check] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    load_before: float | None = None
    load_after: float | None = None
    others: float | None = None
    """Runnable processes of other sessions, on average, while it ran."""
    seconds: float = 0.0

    def check(
        self,
        name: str,
        target: str,
        value: str,
        passed: bool | None,
        note: str = "",
    ) -> Check:
        item = Check(name, target, value, passed, loadavg()[0], note)
        self.checks.append(item)
        return item


# -- statistics -------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); exact for the tails we quote."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ratio(measured: float, baseline: float) -> float:
    return measured / baseline if baseline > 0 else float("inf")


def ms(ns: float) -> float:
    return ns / 1e6


# -- tables -------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table (also valid Markdown when pasted between pipes)."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        lines.append(
            "| "
            + " | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True))
            + " |"
        )
        if index == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        if value != value:  # nan
            return "–"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


# -- the machine -------------------------------------------------------------------


def loadavg() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:
        return (float("nan"),) * 3


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_total_gib() -> float:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return float("nan")


def machine() -> dict[str, Any]:
    """Facts that make a figure comparable: where, when, on what, how busy."""
    commit = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "host": platform.node(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "memory_gib": round(memory_total_gib(), 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "commit": commit,
        "loadavg": loadavg(),
        "dont_write_bytecode": bool(sys.flags.dont_write_bytecode),
    }


def describe_machine(info: dict[str, Any]) -> str:
    load = ", ".join(f"{v:.2f}" for v in info["loadavg"])
    return (
        f"{info['date']}  {info['host']}: {info['cpu']}, {info['cpu_count']} CPUs, "
        f"{info['memory_gib']} GiB, Linux {info['kernel']}, "
        f"{info['implementation']} {info['python']}, commit {info['commit'] or '?'}"
        f"\nload average (1, 5, 15 min): {load}; PYTHONDONTWRITEBYTECODE "
        f"{'set' if info['dont_write_bytecode'] else 'not set'}"
    )


def others_note(others: float | None) -> str:
    if others is not None and others > BUSY_OTHERS:
        return f"machine busy with other work ({others:.1f} runnable)"
    return ""


# -- running Procession's engine as the CLI does ------------------------------------


def scenario(workers: list[dict[str, Any]], **top: Any) -> Any:
    from core.scenario.rules import scenario_from_dict

    return scenario_from_dict({"title": "bench", **top, "workers": workers})


def run_engine(
    spec: Any,
    sample_hz: float = 5.0,
    timeout: float = 120.0,
    on_batch: Callable[[Any, list[Any]], None] | None = None,
) -> Any:
    """Run ``spec`` to its end exactly like ``python main.py run`` (the same
    ``run_to_end`` loop); return the model.

    ``on_batch(model, events)`` runs right after each ``model.apply``: the
    moment an event counts as applied in the parent.
    """
    from core.engine.program import ScenarioProgram
    from core.engine.run_to_end import run_to_end

    return run_to_end(
        ScenarioProgram(spec),
        sample_hz=sample_hz,
        give_up_after=timeout,
        on_events=None
        if on_batch is None
        else lambda _link, model, events: on_batch(model, events),
    )


def worker_times(model: Any, kind: str) -> dict[int, int]:
    """First ``t_ns`` of each worker's event of ``kind``."""
    found: dict[int, int] = {}
    for event in model.events:
        if event.kind == kind and event.lane and event.lane not in found:
            found[event.lane] = event.t_ns
    return found


def span_start_to_join(model: Any) -> tuple[int, int]:
    """(first start() call, last join() return) in ns, from the model's events."""
    starts = worker_times(model, "start_called")
    joins = [e.t_ns for e in model.events if e.kind == "join_returned"]
    return min(starts.values()), max(joins)


# -- processes this benchmark starts ------------------------------------------------


def spawn_context() -> Any:
    return multiprocessing.get_context("spawn")


def _burn(stop: Any) -> None:
    while not stop.is_set():
        for _ in range(100_000):
            pass


@contextlib.contextmanager
def cpu_burners(count: int) -> Iterator[list[int]]:
    """``count`` processes that burn CPU until the block ends (then reaped)."""
    ctx = multiprocessing.get_context("fork")
    stop = ctx.Event()
    burners = [
        ctx.Process(target=_burn, args=(stop,), daemon=True) for _ in range(count)
    ]
    for process in burners:
        process.start()
    try:
        time.sleep(0.3)  # let them reach full speed
        yield [int(p.pid or 0) for p in burners]
    finally:
        stop.set()
        for process in burners:
            process.join(timeout=2.0)
            if process.exitcode is None:
                process.kill()
                process.join(timeout=2.0)


def python() -> str:
    return sys.executable


def run_probe(
    args: list[str], timeout: float = 300, module: str = "bench.gui_probe"
) -> dict[str, Any]:
    """Run ``python -m MODULE ARGS`` (offscreen Qt); its JSON result."""
    import json

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"gui probe {args[0]} failed: {' / '.join(tail)}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result
