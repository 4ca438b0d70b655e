"""Process-group housekeeping for the conductor: find, count, kill and reap
what a worker left behind.

Each worker process leads its own process group (``os.setpgrp()`` in the
bootstrap), and its descendants inherit that group unless they leave it. After a
worker ends, anything still in its group is an orphan-to-be that ``terminate()``
would have left running. The conductor is a child subreaper on Linux, so those
orphans are re-parented to it (not to PID 1, which in a container may never reap
them) and it reaps them itself, by pid — never with ``waitpid(-1)``, which would
steal exit statuses that multiprocessing owns (DESIGN §4 promise 6).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Make orphaned descendants re-parent to this process (Linux only)."""
    if not os.path.exists("/proc/self"):
        return False
    import ctypes  # here: only the conductors need it

    try:
        # The symbols the interpreter is linked with, libc's among them: not
        # ctypes.util.find_library, which runs `ldconfig -p` (a fork + exec,
        # ~5 ms before a traced script can start).
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _pids() -> list[str]:
    """Every entry of /proc that is a process; none if /proc cannot be read
    (no /proc, or no descriptor left: a census must not crash the conductor)."""
    try:
        return [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []


def _stat_fields(pid: str) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            raw = handle.read().decode("ascii", "replace")
    except OSError:
        return None
    # The command name is in parentheses and may contain spaces: split after it.
    return raw[raw.rfind(")") + 2 :].split()


def group_members(pgids: set[int]) -> dict[int, list[tuple[int, int, str]]]:
    """Live processes per process group: {pgid: [(pid, ppid, state), ...]}.

    Reads /proc directly (about 25 µs per process); zombies are included with
    state "Z" because they still need reaping.
    """
    found: dict[int, list[tuple[int, int, str]]] = {}
    if not pgids or not os.path.isdir("/proc"):
        return found
    for name in _pids():
        fields = _stat_fields(name)
        if fields is None or len(fields) < 3:
            continue
        pgid = int(fields[2])
        if pgid in pgids:
            found.setdefault(pgid, []).append((int(name), int(fields[1]), fields[0]))
    return found


def parent_of(pid: int) -> int | None:
    """The OS parent of ``pid`` (None if it is gone)."""
    fields = _stat_fields(str(pid))
    return int(fields[1]) if fields is not None and len(fields) > 1 else None


def command_line(pid: int) -> str:
    """The command line of ``pid``, for messages ("?" if it is gone)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            raw = handle.read()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()[:120]


def children(pid: int) -> list[tuple[int, str, int]]:
    """Direct children of ``pid`` as [(child, state, pgid)], from /proc."""
    found: list[tuple[int, str, int]] = []
    if not os.path.isdir("/proc"):
        return found
    listed = _listed_children(pid)
    for name in _pids() if listed is None else listed:
        fields = _stat_fields(name)
        if fields is not None and len(fields) >= 3 and int(fields[1]) == pid:
            found.append((int(name), fields[0], int(fields[2])))
    return found


def _listed_children(pid: int) -> list[str] | None:
    """The kernel's own list of ``pid``'s children (each of its threads',
    ``/proc/PID/task/TID/children``): a few reads instead of a scan of every
    process (~25 µs each: 7 ms on a machine running ~260, several times at
    the end of every traced run). None where the kernel has no such file."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return [] if os.path.isdir("/proc/self/task") else None
    found: list[str] = []
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as handle:
                found += handle.read().decode("ascii").split()
        except FileNotFoundError:
            if not os.path.exists(f"/proc/{pid}/task/{tid}"):
                continue  # the thread ended meanwhile
            return None  # a kernel without CONFIG_PROC_CHILDREN
        except OSError:
            continue
    return found


def descendants(root: int) -> list[tuple[int, int, int]]:
    """Live descendants of ``root`` as [(pid, ppid, pgid)], from one /proc pass.

    For a child subreaper this is everything it started, wherever it went:
    orphans come back to it.
    """
    kids: dict[int, list[tuple[int, int, int]]] = {}
    if not os.path.isdir("/proc"):
        return []
    for name in _pids():
        fields = _stat_fields(name)
        if fields is None or len(fields) < 3 or fields[0] == "Z":
            continue
        ppid = int(fields[1])
        kids.setdefault(ppid, []).append((int(name), ppid, int(fields[2])))
    found: list[tuple[int, int, int]] = []
    todo = [root]
    while todo:
        for child in kids.get(todo.pop(), []):
            found.append(child)
            todo.append(child[0])
    return found


def multiprocessing_helpers() -> set[int]:
    """Pids of this process's multiprocessing helpers (forkserver, resource
    tracker). Not by command line: every forkserver child has the server's.
    A helper exists only if its module was imported: looked up, never
    imported here (an import opens files, and the census must work when a
    worker has taken every free descriptor: the conductor died of it)."""
    forkserver = sys.modules.get("multiprocessing.forkserver")
    resource_tracker = sys.modules.get("multiprocessing.resource_tracker")
    pids = set()
    for owner, attribute in (
        (getattr(forkserver, "_forkserver", None), "_forkserver_pid"),
        (getattr(resource_tracker, "_resource_tracker", None), "_pid"),
    ):
        pid = getattr(owner, attribute, None)
        if isinstance(pid, int):
            pids.add(pid)
    return pids


def group_of(pid: int) -> int | None:
    fields = _stat_fields(str(pid))
    return int(fields[2]) if fields is not None and len(fields) > 2 else None


def start_stamp(pid: int) -> int | None:
    """When ``pid`` started (clock ticks since boot), to tell a pid that was
    reused from the process we knew; None if it is gone. One small read, so it
    is cheap enough for every started worker on the GUI thread."""
    fields = _stat_fields(str(pid))
    if fields is None or len(fields) < 20:
        return None
    return int(fields[19])


def group_alive(pgid: int) -> bool:
    """True if any process (zombies included) is still in the group."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def signal_group(pgid: int, sig: int) -> bool:
    """Send ``sig`` to every process of the group; False if it is empty."""
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        return False
    return True


def signal_worker(pid: int, sig: int) -> None:
    """Signal a live worker and its process group.

    A worker that is still booting has not made its own group yet
    (``os.setpgrp()`` is its first line): then signal the process itself, or
    the signal would reach nobody. Only for workers not yet reaped, so that
    ``pid`` is still theirs.
    """
    if not signal_group(pid, sig):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def reap(pids: set[int]) -> set[int]:
    """Reap those of ``pids`` that are our exited children; return the rest."""
    remaining = set()
    for pid in pids:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue  # not our child (or already reaped): nothing to do
        if done == 0:
            remaining.add(pid)
    return remaining


def reap_status(pid: int) -> tuple[bool, int | None]:
    """Reap ``pid`` if it is our child and has ended.

    (False, None) while it runs; (True, code) once reaped here, with
    multiprocessing's sign convention (-N for signal N); (True, None) when it is
    gone and was not ours to reap, so its status is lost.
    """
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:  # not (or not yet) our child
        return not os.path.exists(f"/proc/{pid}"), None
    if done == 0:
        return False, None
    return True, os.waitstatus_to_exitcode(status)


def system_task_count() -> int | None:
    """Threads + processes on the whole system, from one cheap read.

    Used to decide when a precise (and dearer) census is worth doing.
    """
    try:
        with open("/proc/loadavg") as handle:
            return int(handle.read().split()[3].split("/")[1])
    except (OSError, IndexError, ValueError):
        return None


def _alive(pid: int) -> bool:
    fields = _stat_fields(str(pid))
    return fields is not None and fields[0] != "Z"


def sigkill() -> int:
    return int(getattr(signal, "SIGKILL", signal.SIGTERM))


# -- every process of a run, wherever it went -----------------------------------

RUN_ENV = "PROCESSION_RUN"
"""Set in the conductor's environment at its start (``RUN_ENV=token``). Every
process of the run inherits it — workers under every start method, the
forkserver, the resource tracker, grandchildren that left their group or their
session, whoever re-parented them — so the run can be found and ended even
when the conductor that knew its pids is frozen or dead. A program that
replaces its whole environment before exec escapes this (stated in
RELIABILITY.md)."""


def run_members(token: str) -> list[int]:
    """Live processes (not zombies) whose environment holds ``RUN_ENV=token``.

    One pass over /proc: about 15 µs per process on the machine.
    """
    needle = f"{RUN_ENV}={token}".encode() + b"\0"
    me = os.getpid()
    found: list[int] = []
    for name in _pids():
        if int(name) == me:
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as handle:
                if needle not in handle.read() + b"\0":
                    continue
        except OSError:
            continue
        fields = _stat_fields(name)
        if fields is not None and fields[0] != "Z":
            found.append(int(name))
    return found


def kill_run(token: str, also: set[int] | None = None, limit: float = 2.0) -> int:
    """SIGKILL every process of the run (and ``also``); how many were killed.

    Rounds, because a process may fork between a scan and its kill (a fork
    bomb does nothing else); each round also kills the groups its members lead,
    which takes what they just forked. Stops when a scan finds nobody or after
    ``limit`` seconds. Never the caller's own group. ``also``: pids known to
    be the run's (checked against their start time by the caller).
    """
    killed: set[int] = set()
    mine = os.getpgrp()
    extra = set(also or ())
    deadline = time.monotonic() + limit
    while True:
        members = set(run_members(token)) | {p for p in extra if _alive(p)}
        if not members or time.monotonic() >= deadline:
            return len(killed)
        for pid in members:
            fields = _stat_fields(str(pid))
            if fields is not None and len(fields) > 2 and int(fields[2]) == pid != mine:
                signal_group(pid, sigkill())
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sigkill())
            killed.add(pid)
        time.sleep(0.01)  # the kernel delivers; dying processes leave /proc
