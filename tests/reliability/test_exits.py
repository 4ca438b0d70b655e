"""How a worker ends: every event before the end arrives, and the exit status
shown is the OS status (DESIGN §4 promises 1–3)."""

from __future__ import annotations

import pytest

from core.model.events import WORKER_KINDS, EventKind
from core.model.outcomes import Outcome
from tests.helpers import run
from tests.reliability.support import (
    METHODS,
    assert_one_ending,
    custom,
    events_of,
    lane,
)

MARK_THEN_EXIT = """
import os
from core.worker.target_api import mark

def work(n=200, code=0):
    for i in range(n):
        mark(f"m{i}", i=i)
    os._exit(code)
"""


@pytest.mark.parametrize("method", METHODS)
def test_every_mark_sent_before_os_exit_arrives_in_order(method):
    # A multiprocessing.Queue loses what its feeder thread has not written yet
    # when the worker calls os._exit(): Procession's synchronous pipe must not.
    model = run(
        {
            "start_method": method,
            "workers": [
                custom("quitter", MARK_THEN_EXIT, "work", args={"n": 200}),
                custom("quitter7", MARK_THEN_EXIT, "work", args={"n": 5, "code": 7}),
            ],
        }
    )
    assert_one_ending(model)
    quitter = lane(model, "quitter")
    marks = events_of(model, "quitter", EventKind.MARK)
    assert [e.data.label for e in marks] == [f"m{i}" for i in range(200)]
    assert [e.data.data["i"] for e in marks] == list(range(200))
    # The worker numbers its own events (the conductor's have their own count).
    seqs = [
        e.seq
        for e in model.events
        if e.lane == quitter.worker_id and e.kind in WORKER_KINDS
    ]
    assert seqs == list(range(202))  # booted, target_started, 200 marks
    assert quitter.missing == 0 and not quitter.problems
    # It ended without a final report, and the lane says so.
    assert quitter.report_kind is None
    assert quitter.exitcode == 0 and quitter.outcome is Outcome.OK
    assert "without a final report" in quitter.explanation.sentence
    other = lane(model, "quitter7")
    assert len(events_of(model, "quitter7", EventKind.MARK)) == 5
    assert other.exitcode == 7 and other.outcome is Outcome.EXIT
    assert "without a final report" in other.explanation.sentence


ENDINGS = [
    # name, group fields, exit code, outcome, words the explanation must contain
    (
        "exception",
        {
            "target": "raise_error",
            "args": {"exception": "ValueError", "message": "boom"},
        },
        1,
        Outcome.ERROR,
        "ValueError: boom",
    ),
    (
        "exit3",
        {"target": "exit_with", "args": {"code": 3}},
        3,
        Outcome.EXIT,
        "sys.exit(3)",
    ),
    (
        "exitmsg",
        {"target": "exit_with", "args": {"message": "bye"}},
        1,
        Outcome.ERROR,
        "sys.exit('bye')",
    ),
    (
        "exit300",
        {"target": "exit_with", "args": {"code": 300}},
        44,
        Outcome.EXIT,
        "low 8 bits",
    ),
    (
        "segfault",
        {"target": "crash", "args": {"kind": "segfault"}},
        -11,
        Outcome.CRASHED,
        "SIGSEGV",
    ),
    (
        "abort",
        {"target": "crash", "args": {"kind": "abort"}},
        -6,
        Outcome.CRASHED,
        "SIGABRT",
    ),
]


@pytest.mark.parametrize("method", METHODS)
def test_each_ending_shows_the_exact_os_status(method):
    model = run(
        {
            "start_method": method,
            "workers": [{"name": name, **group} for name, group, *_ in ENDINGS],
        }
    )
    assert_one_ending(model)
    for name, _group, code, outcome, words in ENDINGS:
        worker = lane(model, name)
        assert (worker.exitcode, worker.outcome) == (code, outcome), name
        assert words in worker.explanation.sentence, (name, worker.explanation)
        assert worker.missing == 0 and not worker.problems, name
    error = lane(model, "exception").error
    assert error is not None and error.type == "ValueError"
    assert 'raise error_type(message or f"{exception} raised on purpose")' in (
        error.traceback
    )
    assert "bye" in [line.text for line in lane(model, "exitmsg").output]
    for name, fatal in (("segfault", "Segmentation fault"), ("abort", "Aborted")):
        crashed = lane(model, name)
        # faulthandler wrote the Python traceback of the crash to the worker's
        # fd 2 (its log file); the conductor shows it both as the log tail and
        # as output lines.
        assert f"Fatal Python error: {fatal}" in crashed.log_tail
        assert "in crash" in crashed.log_tail  # the frame that crashed
        fd_lines = [line.text for line in crashed.output if line.stream == "fd"]
        assert f"Fatal Python error: {fatal}" in fd_lines
        assert any(line.strip().endswith("in crash") for line in fd_lines)
