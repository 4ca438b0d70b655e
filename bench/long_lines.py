"""Long partial lines (issue 9, defect 7): a worker's output in small pieces
that form one very long line, through Procession and through plain Python.

    python -m bench.long_lines [--quick]

Before the fix the pending line was joined again on every write: 200 000
``print(i, end=" ")`` took 186 s, a 100 MB line in 1 KB pieces did not end in
30 s. Figures are wall seconds of the whole run (conductor start to the last
event) and of the same code run by plain ``python`` with stdout to a pipe.
"""

from __future__ import annotations

import subprocess
import sys
import time

from core.engine.program import ScenarioProgram
from core.engine.run_to_end import run_to_end
from core.scenario.rules import scenario_from_dict

CASES = {
    "200k print(i, end=' ')": (
        "def work():\n    for i in range(200_000):\n        print(i, end=' ')\n"
    ),
    "100 MB line in 1 KB writes (sys.stdout)": (
        "import sys\ndef work():\n    piece = 'x' * 1024\n"
        "    for _ in range(100 * 1024):\n        sys.stdout.write(piece)\n"
        "    print()\n"
    ),
    "100 MB line in 1 KB writes (fd 1)": (
        "import os\ndef work():\n    piece = b'x' * 1024\n"
        "    for _ in range(100 * 1024):\n        os.write(1, piece)\n"
        "    os.write(1, b'\\n')\n"
    ),
}


def through_procession(code: str) -> float:
    spec = scenario_from_dict(
        {
            "title": "long lines",
            "start_method": "fork",
            "workers": [
                {"name": "w", "target": "custom", "code": code, "function": "work"}
            ],
        }
    )
    start = time.perf_counter()
    run_to_end(ScenarioProgram(spec), sample_hz=0)
    return time.perf_counter() - start


def plain(code: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code + "\nwork()\n"],
        stdout=subprocess.PIPE,
        check=True,
    )
    return time.perf_counter() - start


def main() -> None:
    with open("/proc/loadavg") as handle:
        print("load average:", " ".join(handle.read().split()[:3]))
    for name, code in CASES.items():
        print(
            f"{name}: Procession {through_procession(code):.2f} s,"
            f" plain Python {plain(code):.2f} s"
        )


if __name__ == "__main__":
    main()
