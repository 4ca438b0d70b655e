"""Checks made before a run starts, for limits that can be predicted.

The conductor holds about ``FDS_PER_WORKER`` descriptors per live worker
process (its event pipe, its lifeline, multiprocessing's sentinel pipes); past
``RLIMIT_NOFILE`` the next ``start()`` fails with EMFILE. Non-root users also
have ``RLIMIT_NPROC``. Where the answer is known beforehand, say so before
anything starts; otherwise the conductor reports "started k of N: reason".
"""

from __future__ import annotations

import contextlib
import os

from core.scenario.definition import Scenario

FDS_PER_WORKER = 6
FDS_BASE = 64
TASKS_PER_WORKER = 2
"""RLIMIT_NPROC counts threads, and a worker process is two: its main thread
and the lifeline watchdog that notices the app's death."""
TASKS_BASE = 5
"""The conductor, the forkserver, multiprocessing's resource tracker, the app's
psutil sampler thread and the app's watchdog process."""

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]


def fds_needed(process_workers: int) -> int:
    return FDS_BASE + FDS_PER_WORKER * process_workers


def tasks_needed(process_workers: int, thread_workers: int) -> int:
    """Tasks (processes and threads) a run adds to its user's count."""
    return TASKS_BASE + TASKS_PER_WORKER * process_workers + thread_workers


def raise_fd_limit(process_workers: int) -> None:
    """Raise the soft descriptor limit toward the hard one if the run needs it."""
    if resource is None:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = fds_needed(process_workers)
    if soft != resource.RLIM_INFINITY and soft < need:
        new = need if hard == resource.RLIM_INFINITY else min(need, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))


def problems(scenario: Scenario) -> list[str]:
    """Reasons this machine cannot run the scenario as a whole (empty if none)."""
    found: list[str] = []
    workers = [s for s in scenario.instances() if s.mode == "process"]
    if resource is None or not workers:
        return found
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = fds_needed(len(workers))
    if hard != resource.RLIM_INFINITY and need > hard:
        found.append(
            f"{len(workers)} worker processes need about {need} open files, but "
            f"this session allows at most {hard} (ulimit -n); use fewer workers"
        )
    nproc_soft, _ = resource.getrlimit(resource.RLIMIT_NPROC)
    if os.geteuid() != 0 and nproc_soft != resource.RLIM_INFINITY:
        threads = len(scenario.instances()) - len(workers)
        need = tasks_needed(len(workers), threads)
        mine = tasks_of_user(os.geteuid())
        if mine + need > nproc_soft:
            found.append(
                f"{len(workers)} worker processes need about {need} processes and "
                f"threads, but this user may have at most {nproc_soft} (ulimit -u) "
                f"and already has {mine}; use fewer workers"
            )
    return found


def tasks_of_user(uid: int) -> int:
    """Processes and threads of ``uid``: what RLIMIT_NPROC counts."""
    count = 0
    try:
        names = os.listdir("/proc")
    except OSError:
        return 0
    for name in names:
        if name.isdigit():
            try:
                if os.stat(f"/proc/{name}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{name}/task"))
            except OSError:
                pass
    return count
