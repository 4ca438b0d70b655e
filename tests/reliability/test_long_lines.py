"""Issue 9, defect 7: a partial line is buffered in linear time and one line is
capped (head and tail kept, the rest counted), at Python level and at fd level.

Before the fix each write joined the whole pending line again: 200 000
``print(i, end=" ")`` took 186 s, a 100 MB line in 1 KB pieces never ended.
"""

from __future__ import annotations

import re

import pytest

from core.model.outcomes import Outcome
from tests.helpers import run
from tests.reliability.support import custom, lane, record

NUMBERS = """
import time

def work(n=200_000):
    start = time.perf_counter()
    for i in range(n):
        print(i, end=" ")
    return time.perf_counter() - start
"""

PIECES = """
import os, sys

def work(megabytes=20, fd_level=False):
    piece = "x" * 1023 + "y"
    for _ in range(megabytes * 1024):
        if fd_level:
            os.write(1, piece.encode())
        else:
            sys.stdout.write(piece)
    if fd_level:
        os.write(1, b"END\\n")
    else:
        sys.stdout.write("END\\n")
"""

OMITTED = re.compile(r"\[(\d+) characters omitted\]")


def _split_capped(text: str) -> tuple[str, int, str]:
    """The kept head, the omitted count and the kept tail of a capped line."""
    match = OMITTED.search(text)
    assert match, text[:200]
    return text[: match.start()], int(match.group(1)), text[match.end() :]


@pytest.mark.parametrize("mode", ["process", "thread"])
def test_a_long_partial_line_is_buffered_in_linear_time_and_capped(mode):
    n = 200_000
    # The hang guard is 30 s: 186 s before the fix, about 0.5 s after.
    model = run(
        {
            "mode": mode,
            "start_method": "fork",
            "workers": [custom("numbers", NUMBERS, "work")],
        },
        timeout=30,
        sample_hz=0,
    )
    numbers = lane(model, "numbers")
    assert numbers.outcome is Outcome.OK
    record(f"200k print(i, end=' ') in a {mode} worker (s)", numbers.report.value)
    [line] = numbers.output  # one line, flushed when the worker ended
    head, omitted, tail = _split_capped(line.text)
    whole = "".join(f"{i} " for i in range(n))
    assert whole.startswith(head.rstrip(" .…")) and head.startswith("0 1 2 3 ")
    assert whole.endswith(tail.lstrip(" .…")) and tail.endswith(f"{n - 1} ")
    assert len(head) + len(tail) < 2_200
    # Nothing vanishes silently: kept + omitted is the whole line.
    kept = len(head.rstrip(" .…")) + len(tail.lstrip(" .…"))
    assert abs(kept + omitted - len(whole)) <= 8


def _piecewise_line(fd_level: bool) -> str:
    model = run(
        {
            "start_method": "fork",
            "workers": [custom("pieces", PIECES, "work", args={"fd_level": fd_level})],
        },
        timeout=40,
        sample_hz=0,
    )
    pieces = lane(model, "pieces")
    assert pieces.outcome is Outcome.OK
    [line] = [o for o in pieces.output if o.stream == ("fd" if fd_level else "stdout")]
    return line.text


def test_a_20_mb_line_in_1_kb_pieces_is_capped_with_a_count():
    text = _piecewise_line(fd_level=False)
    head, omitted, tail = _split_capped(text)
    assert head.startswith("x" * 1000) and tail.endswith("x" * 996 + "yEND")
    assert omitted > 20 * 2**20 - 4_000


def test_a_20_mb_line_below_python_is_capped_with_a_count():
    text = _piecewise_line(fd_level=True)
    head, omitted, tail = _split_capped(text)
    assert head.startswith("x" * 1000) and tail.endswith("x" * 996 + "yEND")
    assert omitted > 20 * 2**20 - 4_000
