"""``python -m bench``: run every benchmark and print one summary table.

    python -m bench                 every benchmark (a few minutes)
    python -m bench --quick         each at tiny sizes (a smoke run, seconds)
    python -m bench --only 1,3      some of them
    python -m bench --json out.json also write every figure as JSON

Keep this module's top level light: spawn children of the benchmarks import
nothing from here, but ``python -m bench`` makes it ``__main__``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

BENCHMARKS = {
    "1": "overhead",
    "2": "cpu_slowdown",
    "3": "latency",
    "4": "throughput",
    "5": "scale",
    "6": "startup",
    "7": "paint",
    "8": "bytecode",
    "9": "tracer_cost",
    "10": "recording_open",
    "11": "task_ingest",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Procession's benchmark suite (issue 5)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: checks that each runs"
    )
    parser.add_argument(
        "--only", metavar="KEYS", help="comma-separated benchmark numbers"
    )
    parser.add_argument("--json", metavar="FILE", help="write every figure here")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from bench import common

    keys = list(BENCHMARKS)
    if args.only:
        keys = [k.strip() for k in args.only.split(",") if k.strip()]
        unknown = [k for k in keys if k not in BENCHMARKS]
        if unknown:
            known = f"choose from 1-{len(BENCHMARKS)}"
            print(f"unknown benchmark {unknown[0]!r}; {known}", file=sys.stderr)
            return 2
    info = common.machine()
    print(common.describe_machine(info))
    print("quick run: sizes too small for the targets\n" if args.quick else "")
    from bench.background import BackgroundLoad

    background = BackgroundLoad()
    try:
        reports = _run_all(keys, args.quick, background)
    finally:
        background.stop()
    print(summary(reports, args.quick))
    info["loadavg_end"] = common.loadavg()
    end = ", ".join(f"{v:.2f}" for v in info["loadavg_end"])
    print(f"load average at the end: {end}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "machine": info,
                    "quick": args.quick,
                    "reports": [asdict(r) for r in reports],
                },
                indent=2,
                default=str,
            )
            + "\n"
        )
    failed = any(c.passed is False for r in reports for c in r.checks)
    return 1 if failed and not args.quick else 0


def _run_all(keys: list[str], quick: bool, background: Any) -> list[Any]:
    from bench import common

    reports = []
    for key in keys:
        module = importlib.import_module(f"bench.{BENCHMARKS[key]}")
        began = time.monotonic()
        load_before = common.loadavg()[0]
        background.mark()  # start counting others' work from here
        print(f"== {key}. {_headline(module.__doc__)}")
        sys.stdout.flush()
        try:
            report = module.run(quick=quick)
        except Exception as error:  # one broken benchmark must not hide the others
            report = common.Report(key, BENCHMARKS[key])
            report.check("ran", "completes", f"{type(error).__name__}: {error}", False)
        report.others = background.mark()
        report.load_before, report.load_after = load_before, common.loadavg()[0]
        report.seconds = time.monotonic() - began
        for text in report.tables:
            print(text + "\n")
        others = (
            "not sampled (under 1 s)"
            if report.others is None or report.others != report.others
            else f"{report.others:.2f} on average"
        )
        print(
            f"({report.seconds:.1f} s; load average {report.load_before:.2f} → "
            f"{report.load_after:.2f}, ours included; other sessions' runnable "
            f"processes: {others})\n"
        )
        sys.stdout.flush()
        reports.append(report)
    return reports


def _headline(doc: str | None) -> str:
    """The docstring's first line without its "Benchmark N:" prefix."""
    line = (doc or "").strip().splitlines()[0] if doc and doc.strip() else ""
    return line.split(": ", 1)[1] if line.startswith("Benchmark") else line


def summary(reports: list, quick: bool) -> str:
    from bench import common

    rows = []
    for report in reports:
        for check in report.checks:
            if check.passed is None:
                verdict = "–"
            elif quick:
                verdict = "(quick)"
            else:
                verdict = "PASS" if check.passed else "FAIL"
            notes = [check.note, common.others_note(report.others)]
            rows.append(
                [
                    report.key,
                    check.name,
                    check.target,
                    check.value,
                    verdict,
                    "; ".join(n for n in notes if n),
                ]
            )
    return "Summary\n" + common.table(
        ["#", "benchmark", "target", "measured", "result", "notes"], rows
    )


if __name__ == "__main__":
    sys.exit(main())
