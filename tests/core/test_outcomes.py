"""Every way a worker ends, run for real under each start method.

One scenario per start method holds every outcome, so the processes run side by
side and the test stays quick.
"""

from __future__ import annotations

import pytest

from core.model.outcomes import Outcome, explain
from tests.helpers import run

ALL_ENDINGS = [  # the two the actions stop first: started well before 0.3 s
    {"name": "term", "target": "forever"},
    {"name": "kill", "target": "forever"},
    {"name": "ok", "target": "sleep", "args": {"seconds": 0.2}},
    {"name": "error", "target": "raise_error"},
    {"name": "exit3", "target": "exit_with", "args": {"code": 3}},
    {"name": "exit300", "target": "exit_with", "args": {"code": 300}},
    {"name": "exitmsg", "target": "exit_with", "args": {"message": "bye"}},
    {"name": "segv", "target": "crash"},
    {"name": "abort", "target": "crash", "args": {"kind": "abort"}},
]
ACTIONS = [
    {"at": 0.3, "action": "terminate", "worker": "term"},
    {"at": 0.3, "action": "kill", "worker": "kill"},
]


@pytest.mark.parametrize("method", ["spawn", "fork", "forkserver"])
def test_each_ending_gives_the_os_status_and_its_explanation(method):
    model = run({"start_method": method, "workers": ALL_ENDINGS, "actions": ACTIONS})
    lanes = {lane.name: lane for lane in model.worker_lanes()}
    got = {name: (lane.outcome, lane.exitcode) for name, lane in lanes.items()}
    assert got == {
        "ok": (Outcome.OK, 0),
        "error": (Outcome.ERROR, 1),
        "exit3": (Outcome.EXIT, 3),
        "exit300": (Outcome.EXIT, 44),
        "exitmsg": (Outcome.ERROR, 1),
        "term": (Outcome.TERMINATED, -15),
        "kill": (Outcome.KILLED, -9),
        "segv": (Outcome.CRASHED, -11),
        "abort": (Outcome.CRASHED, -6),
    }
    error = lanes["error"].error
    assert error is not None and error.type == "NameError"
    assert error.message == "name 'name' is not defined"
    assert 'print(f"Hello {name}")' in error.traceback
    assert (
        "core/worker/bootstrap.py" not in error.traceback
    )  # starts in the user's code
    # multiprocessing's own report on the child's stderr is captured in order
    stderr = [line.text for line in lanes["error"].output if line.stream == "stderr"]
    assert stderr[0] == "Process error:" and stderr[-1].startswith("NameError")
    assert "low 8 bits" in lanes["exit300"].explanation.sentence
    assert "sys.exit('bye')" in lanes["exitmsg"].explanation.sentence
    assert (
        "sent by the main program (action at 0.3 s)"
        in lanes["term"].explanation.sentence
    )
    assert lanes["kill"].explanation.label == "SIGKILL"
    assert "segmentation fault (SIGSEGV, −11)" in lanes["segv"].explanation.sentence
    assert "Fatal Python error: Segmentation fault" in lanes["segv"].log_tail
    assert "Fatal Python error: Aborted" in lanes["abort"].log_tail
    for lane in lanes.values():
        assert lane.missing == 0 and lane.problems == []
        assert lane.times["joined"] >= lane.times["exited"]
        assert lane.pid and lane.start_method == method


def test_threads_end_without_exit_codes():
    model = run(
        {
            "mode": "thread",
            "workers": [
                {"name": "ok", "target": "sleep", "args": {"seconds": 0.1}},
                {
                    "name": "error",
                    "target": "raise_error",
                    "args": {"exception": "ValueError", "message": "boom"},
                },
                {"name": "exit", "target": "exit_with", "args": {"code": 3}},
            ],
        }
    )
    lanes = {lane.name: lane for lane in model.worker_lanes()}
    assert {n: (lane.outcome, lane.exitcode) for n, lane in lanes.items()} == {
        "ok": (Outcome.OK, None),
        "error": (Outcome.ERROR, None),
        "exit": (Outcome.EXIT, None),
    }
    assert "ended only this thread" in lanes["error"].explanation.sentence
    assert lanes["error"].output[0].text == "Exception in thread error:"
    assert "in a thread that ends only the thread" in lanes["exit"].explanation.sentence
    # threads live in the main program's process
    assert {lane.pid for lane in lanes.values()} == {model.main.pid}
    assert len({lane.tid for lane in lanes.values()}) == 3


@pytest.mark.parametrize(
    ("exitcode", "start_method", "outcome", "label"),
    [
        (0, "spawn", Outcome.OK, "✓ exit 0"),
        (255, "forkserver", Outcome.LOST, "lost"),
        (255, "spawn", Outcome.EXIT, "exit 255"),
        (-24, "fork", Outcome.KILLED, "SIGXCPU"),
        (-2, "fork", Outcome.TERMINATED, "SIGINT"),
        (-7, "fork", Outcome.CRASHED, "SIGBUS"),
        (1, "fork", Outcome.ERROR, "✗ exit 1"),
    ],
)
def test_explanations_of_unreported_endings(exitcode, start_method, outcome, label):
    explanation = explain(exitcode, start_method=start_method)
    assert (explanation.outcome, explanation.label) == (outcome, label)


def test_a_signal_nobody_in_procession_sent_says_so():
    explanation = explain(-9, signals=[])
    assert "not sent by Procession" in explanation.sentence
    assert "OOM killer" in explanation.sentence
