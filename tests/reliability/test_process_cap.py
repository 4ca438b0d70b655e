"""A target that starts copies of itself is stopped by the total process cap
(Scenario.max_processes; research notes B06)."""

from __future__ import annotations

import re
import time

import pytest

from core.model.outcomes import Outcome
from tests.helpers import run
from tests.reliability.support import custom, lane, record

CAP = 16
DEPTH = 6  # the safety net: at most 2**(DEPTH+1) - 1 = 127 processes if the cap failed

BOMB = """
import os, subprocess, sys, time

def bomb(depth=0, limit=6, how="fork"):
    # Each copy starts two more, down to a hard depth limit that only matters
    # if the cap under test is broken.
    for _ in range(2):
        if depth >= limit:
            break
        time.sleep(0.1)
        if how == "fork":
            if os.fork() == 0:
                try:
                    bomb(depth + 1, limit, how)
                finally:
                    os._exit(0)
        else:  # a fresh interpreter that runs this same function again
            code = (
                f"import sys; sys.path.insert(0, {os.path.dirname(__file__)!r}); "
                f"from {__name__} import bomb; bomb({depth + 1}, {limit}, 'spawn')"
            )
            subprocess.Popen([sys.executable, "-c", code])
    time.sleep(30)
"""


@pytest.mark.parametrize("how", ["fork", "spawn"])
def test_a_self_replicating_target_is_stopped_by_the_process_cap(how):
    started = time.monotonic()
    model = run(
        {
            "start_method": "fork",
            "max_processes": CAP,
            "workers": [
                custom("bomb", BOMB, "bomb", args={"limit": DEPTH, "how": how}),
                {"name": "bystander", "target": "sleep", "args": {"seconds": 0.2}},
                {
                    "name": "later",
                    "target": "sleep",
                    "start_delay": 5,
                    "args": {"seconds": 0.1},
                },
            ],
        },
        timeout=20,
    )
    seconds = time.monotonic() - started
    bomb = lane(model, "bomb")
    assert bomb.outcome is Outcome.KILLED
    assert "sent by the process cap" in bomb.explanation.sentence
    [notice] = [n for n in model.main.notices if n.startswith("process cap reached")]
    match = re.match(
        r"process cap reached: (\d+) processes in this run \(limit (\d+)\)", notice
    )
    assert match and int(match.group(2)) == CAP and int(match.group(1)) > CAP
    # The cap stopped it, not the depth limit's safety net (127 processes).
    # How early depends on timing, not on behaviour: the census runs every
    # 0.25 s and saw 17-31 processes on an idle machine, 79 while other
    # sessions loaded it (bench territory, not a pass/fail bound here).
    assert int(match.group(1)) < 127
    record(
        f"process cap {CAP} ({how} bomb): processes counted when it fired",
        int(match.group(1)),
    )
    record(f"process cap {CAP} ({how} bomb): run took (s)", round(seconds, 3))
    assert lane(model, "bystander").outcome is Outcome.OK
    later = lane(model, "later")
    assert later.outcome is Outcome.NOT_STARTED
    assert "process cap" in later.explanation.sentence
    assert seconds < 10  # the delayed start is not waited for
