"""Shared test setup: offscreen Qt and the no-leftovers guard.

Every test runs with a fresh marker in its environment. Children inherit the
environment under every start method (and so do grandchildren started with
subprocess or multiprocessing), so after the test any process on the machine
that still carries the marker is a leak, even if it was re-parented away from
us. The guard waits briefly (a run's helper processes exit on their own once
their pipes close), then kills what is left and fails the test. It also fails
a test that leaves zombies among our children or extra threads running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MARKER = "PROCESSION_TEST_MARK"

# multiprocessing starts one resource tracker per parent process on the first
# spawn and keeps it for the parent's lifetime (it is shared infrastructure,
# not part of any run); start it now, before any test marks the environment.
if sys.platform != "win32":
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
GRACE_SECONDS = 5.0


def marked_processes(token: str) -> list[int]:
    """Pids of processes whose environment carries ``MARKER=token``."""
    needle = f"{MARKER}={token}".encode()
    found = []
    me = os.getpid()
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == me:
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as handle:
                if needle in handle.read():
                    found.append(int(name))
        except OSError:
            continue
    return found


def _describe(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            cmd = handle.read().replace(b"\0", b" ").decode(errors="replace")[:100]
        with open(f"/proc/{pid}/stat") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return f"{pid} (gone)"
    return f"{pid} [{state}] {cmd}"


def _zombie_children() -> list[int]:
    from core.engine import process_tree

    return [pid for pid, state, _ in process_tree.children(os.getpid()) if state == "Z"]


@pytest.fixture(autouse=True)
def no_leftovers(request: pytest.FixtureRequest):
    """Fail any test that leaves a process, a zombie or a thread behind."""
    token = uuid.uuid4().hex
    os.environ[MARKER] = token
    threads_before = {t.ident for t in threading.enumerate()}
    yield token
    deadline = time.monotonic() + GRACE_SECONDS
    left = marked_processes(token)
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = [pid for pid in marked_processes(token) if not _is_zombie_of_init(pid)]
    problems = []
    if left:
        problems.append("processes left behind: " + "; ".join(map(_describe, left)))
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    zombies = _zombie_children()
    if zombies:
        problems.append(f"zombie children: {zombies}")
        for pid in zombies:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
    deadline = time.monotonic() + 2.0
    extra = _extra_threads(threads_before)
    while extra and time.monotonic() < deadline:
        time.sleep(0.05)
        extra = _extra_threads(threads_before)
    if extra:
        problems.append(f"threads left running: {extra}")
    if problems and not _failed(request):
        pytest.fail("; ".join(problems))


def _extra_threads(before: set[int | None]) -> list[str]:
    return [
        t.name
        for t in threading.enumerate()
        if t.ident not in before
        and t.is_alive()
        and not t.name.startswith(("pydevd", "QDBus", "Dummy"))
    ]


def _is_zombie_of_init(pid: int) -> bool:
    """A zombie owned by someone else cannot be reaped by us; it is not alive."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return True
    return fields[0] == "Z" and fields[1] != str(os.getpid())


def _failed(request: pytest.FixtureRequest) -> bool:
    report = getattr(request.node, "rep_call", None)
    return bool(report and report.failed)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)
