"""Shared pieces of the fault-injection suite (tests/reliability).

Every test here runs real processes through a real conductor (tests.helpers.run)
or the real command line in a subprocess, injects one fault, and checks one
promise of DESIGN §4 / issue 4. The autouse leak guard in tests/conftest.py
still applies to every test: nothing may be left behind.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from core.engine import process_tree
from core.model.events import Event, EventKind
from core.model.run_model import Lane, RunModel

ROOT = Path(__file__).resolve().parents[2]
HARNESS = Path(__file__).resolve().parent / "harness"
METHODS = ["fork", "spawn", "forkserver"]


def custom(name: str, code: str, function: str, **group: Any) -> dict[str, Any]:
    """A worker group that runs ``function`` from ``code``."""
    return {
        "name": name,
        "target": "custom",
        "code": code,
        "function": function,
        **group,
    }


def lane(model: RunModel, name: str) -> Lane:
    [found] = [lane for lane in model.worker_lanes() if lane.name == name]
    return found


def events_of(model: RunModel, name: str, kind: EventKind) -> list[Event]:
    wid = lane(model, name).worker_id
    return [e for e in model.events if e.lane == wid and e.kind is kind]


def proc_state(pid: int) -> str | None:
    """The /proc state letter of ``pid`` (None if it does not exist)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def living(pids: Iterable[int]) -> list[int]:
    """Those of ``pids`` that still run (zombies are dead: they only wait for
    their parent to read the status)."""
    return [pid for pid in pids if proc_state(pid) not in (None, "Z")]


def processes_with_env(needle: str) -> list[int]:
    """Live processes (not zombies) whose environment contains ``needle``
    (``NAME=value``); every descendant of a process inherits its environment,
    whatever start method or re-parenting happened on the way."""
    raw = needle.encode()
    me = os.getpid()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == me:
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as handle:
                if raw not in handle.read():
                    continue
        except OSError:
            continue
        if proc_state(int(name)) not in (None, "Z"):
            found.append(int(name))
    return found


def wait_until(
    condition: Callable[[], Any], timeout: float, interval: float = 0.02
) -> float | None:
    """Poll ``condition``; seconds it took to hold, or None if it never did."""
    start = time.monotonic()
    while True:
        if condition():
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            return None
        time.sleep(interval)


def describe(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            cmd = handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        cmd = "(gone)"
    return f"{pid} [{proc_state(pid)}] {cmd[:120]}"


def children_of(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc; zombies included)."""
    return [child for child, _state, _pgid in process_tree.children(pid)]


def descendants_of(pid: int) -> list[int]:
    out: list[int] = []
    todo = [pid]
    while todo:
        for child in children_of(todo.pop()):
            out.append(child)
            todo.append(child)
    return out


def python() -> str:
    return sys.executable


def load_average() -> str:
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


def record(key: str, value: Any) -> None:
    """Keep a measured figure for docs/RELIABILITY.md.

    With RELIABILITY_FIGURES=path set, each figure is appended to that file as
    one JSON line (with the load average at the time); otherwise it is only
    printed (visible with pytest -s).
    """
    import json

    line = {"figure": key, "value": value, "load": load_average()}
    print(f"[figure] {key} = {value!r}")
    path = os.environ.get("RELIABILITY_FIGURES")
    if path:
        with open(path, "a") as handle:
            handle.write(json.dumps(line) + "\n")


def assert_one_ending(model: RunModel) -> None:
    """Promise 1: every started worker has exactly one EXITED, and a final
    outcome; a worker that never started has none."""
    for worker in model.worker_lanes():
        endings = [
            e
            for e in model.events
            if e.lane == worker.worker_id and e.kind is EventKind.EXITED
        ]
        started = "start_returned" in worker.times
        assert len(endings) == (1 if started else 0), (worker.name, endings)
        assert worker.outcome is not None, worker.name
