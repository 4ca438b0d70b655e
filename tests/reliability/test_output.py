"""A flood of output (issue 4; research notes F13): the worker never blocks,
capture is capped with a visible count of what was dropped, and the app's
memory does not grow with the flood."""

from __future__ import annotations

import ast
import tracemalloc

from core.model.outcomes import Outcome
from core.scenario.definition import Scenario
from tests.helpers import run
from tests.reliability.support import custom, lane, record

FLOOD = """
import os, time

def work(n=200_000):
    line = "line {} of a flood of output from one worker"
    start = time.perf_counter()
    for i in range(n):
        text = line.format(i)
    quiet = time.perf_counter() - start
    # The same lines through plain Python to a file: what printing costs
    # without Procession.
    with open(os.devnull, "w") as sink:
        start = time.perf_counter()
        for i in range(n):
            print(line.format(i), file=sink)
        plain = time.perf_counter() - start
    start = time.perf_counter()
    for i in range(n):
        print(line.format(i))
    loud = time.perf_counter() - start
    return {"quiet": quiet, "plain": plain, "loud": loud}
"""

CAP = Scenario().max_output_lines


def _flood(lines: int) -> tuple[object, int]:
    tracemalloc.start()
    try:
        model = run(
            {
                "start_method": "fork",
                "workers": [custom("flood", FLOOD, "work", args={"n": lines})],
            },
            timeout=60,
            sample_hz=0,
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return model, peak


def test_a_flood_of_output_neither_blocks_the_worker_nor_grows_memory():
    small, small_peak = _flood(20_000)
    model, peak = _flood(200_000)
    flood = lane(model, "flood")
    assert flood.outcome is Outcome.OK and flood.missing == 0
    times = ast.literal_eval(flood.report.value)  # the dict it returned
    # The worker was never blocked: a full pipe would stall it for good. How
    # fast it prints is bench's to measure (benchmark 4); this bound is a hang
    # guard: measured 0.76-1.57 s against 0.10 s plain, the bound is 10 s.
    record("200k lines: printed through Procession (s)", round(times["loud"], 3))
    record("200k lines: plain print to a file (s)", round(times["plain"], 3))
    record("200k lines: the loop without printing (s)", round(times["quiet"], 3))
    assert times["loud"] < 50 * times["plain"] + 5.0
    # Capture is capped and the rest is counted, visibly.
    assert len(flood.output) == CAP
    assert flood.output[0].text == "line 0 of a flood of output from one worker"
    assert (
        flood.output[-1].text == f"line {CAP - 1} of a flood of output from one worker"
    )
    assert flood.output_dropped == 200_000 - CAP
    # The app's side does not grow with the flood: ten times the lines, the
    # same number of events and about the same memory as 20 000 lines.
    worker_events = [e for e in model.events if e.lane == flood.worker_id]
    small_events = [e for e in small.events if e.lane == lane(small, "flood").worker_id]
    assert len(worker_events) < CAP + 100
    assert abs(len(worker_events) - len(small_events)) < 50
    record("200k lines: peak traced memory of session + model (MiB)", peak / 2**20)
    record("20k lines: peak traced memory of session + model (MiB)", small_peak / 2**20)
    assert peak < 1.5 * small_peak + 2 * 2**20


FD_FLOOD = """
import os

def work(n=200_000):
    # Below Python's sys.stdout, as C code or a child process would write.
    for i in range(n):
        os.write(1, b"fd line %d\\n" % i)
"""


def test_a_flood_below_python_is_capped_and_counted_too():
    model = run(
        {"start_method": "fork", "workers": [custom("raw", FD_FLOOD, "work")]},
        timeout=60,
        sample_hz=0,
    )
    raw = lane(model, "raw")
    assert raw.outcome is Outcome.OK
    fd_lines = [line for line in raw.output if line.stream == "fd"]
    assert len(fd_lines) == CAP and fd_lines[-1].text == f"fd line {CAP - 1}"
    assert raw.output_dropped == 200_000 - CAP  # shown, not silently lost
    assert len([e for e in model.events if e.lane == raw.worker_id]) < CAP + 100
