"""Issue 9, defects 5 and 6: what a worker writes on its event pipe is data.

A hostile (or broken) target gets at its own event pipe and writes garbage,
an unknown kind, a forged exit, and a pickle whose ``__reduce__`` would run a
command. Before the data-only wire, the garbage crashed the CLI's read loop
(traceback, exit 1, no table) and the pickle ran its command inside the app.
Now each bad message becomes a "damaged event" on that lane and the run goes
on, in process and in thread mode, under every start method.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from core.model.events import EventKind
from core.model.outcomes import Outcome
from tests.helpers import run
from tests.reliability.support import METHODS, ROOT, custom, events_of, lane

HOSTILE = """
import pickle
from core.worker import target_api

class Trap:
    def __reduce__(self):
        import os
        return (os.system, ("touch {marker}",))

def attack():
    conn = target_api.current().reporter._conn
    conn.send_bytes(b"\\x00\\xffnot an event at all")
    conn.send_bytes(b'["no_such_kind", 99, 1, {{}}]')
    conn.send_bytes(b'["exited", 99, 1, {{"exitcode": 0}}]')
    conn.send_bytes(pickle.dumps(("output", 99, 1, Trap())))
    print("still here")
    return "done"
"""


def _hostile(tmp_path, **group):
    marker = tmp_path / "the-app-ran-my-command"
    code = HOSTILE.format(marker=marker)
    return marker, custom("hostile", code, "attack", **group)


@pytest.mark.parametrize("method", METHODS)
def test_bad_worker_bytes_are_damaged_events_and_run_nothing(tmp_path, method):
    marker, group = _hostile(tmp_path)
    model = run({"start_method": method, "workers": [group]})
    hostile = lane(model, "hostile")
    damaged = events_of(model, "hostile", EventKind.EVENT_DAMAGED)
    assert len(damaged) == 4
    assert hostile.outcome is Outcome.OK and hostile.exitcode == 0
    assert [line.text for line in hostile.output] == ["still here"]
    assert sum("not a valid event" in p for p in hostile.problems) == 4
    assert not marker.exists()
    assert model.finished and not model.broken


def test_bad_bytes_from_a_thread_worker_too(tmp_path):
    marker, group = _hostile(tmp_path)
    model = run({"mode": "thread", "workers": [group]})
    assert len(events_of(model, "hostile", EventKind.EVENT_DAMAGED)) == 4
    assert lane(model, "hostile").outcome is Outcome.OK
    assert not marker.exists()


def test_the_command_line_prints_its_table_after_bad_bytes(tmp_path):
    marker, group = _hostile(tmp_path)
    code = group["code"]  # a TOML literal string keeps it exactly
    scenario = tmp_path / "hostile.toml"
    scenario.write_text(
        'title = "hostile"\nstart_method = "fork"\n[[workers]]\n'
        f'name = "hostile"\ntarget = "custom"\nfunction = "attack"\n'
        f"code = '''{code}'''\n"
    )
    result = subprocess.run(
        [sys.executable, "main.py", "run", str(scenario), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "hostile" in result.stdout and "ok" in result.stdout
    assert not marker.exists()
