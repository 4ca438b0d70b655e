"""The temporary folder of each run, and the clean-up of those left behind.

A run keeps its workers' logs and the user's custom code in
``$TMPDIR/procession-run-*``; the session removes it when the run is closed.
Two things escaped that (issue 9, defect 17):

- multiprocessing puts the forkserver's socket in its own ``$TMPDIR/pymp-*``
  folder and removes it in an exit handler that the conductor skips (it ends
  with ``os._exit`` so as not to hang in multiprocessing's joins). The
  conductor now points multiprocessing at a folder inside the run's own.
- a killed app removes nothing. Each run folder records the pids (and start
  times) of the processes that own it; at the start of a run, folders whose
  owners are all gone are removed. Nothing else is touched: not a folder
  without that record, not another user's.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

from core.engine import process_tree

PREFIX = "procession-run-"
OWNERS = "owner"
"""File in each run folder: one ``pid start_time`` line per owning process."""
MP_DIR = "mp"
MAX_SOCKET_DIR = 88  # AF_UNIX paths: 107 bytes, less "/listener-" and 8 letters


def create() -> str:
    """A new run folder owned by this process (after removing dead ones)."""
    remove_abandoned()
    run_dir = tempfile.mkdtemp(prefix=PREFIX)
    add_owner(run_dir, os.getpid())
    return run_dir


def add_owner(run_dir: str, pid: int | None) -> None:
    """Record ``pid`` as an owner: the folder stays while any owner lives."""
    stamp = process_tree.start_stamp(pid) if pid else None
    if stamp is None:
        return
    with contextlib.suppress(OSError), open(Path(run_dir, OWNERS), "a") as handle:
        handle.write(f"{pid} {stamp}\n")


def remove_abandoned(parent: str | None = None) -> list[str]:
    """Remove run folders (ours, with an owner record) whose owners are all gone;
    returns their paths."""
    removed: list[str] = []
    folder = Path(parent or tempfile.gettempdir())
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(PREFIX)]
    except OSError:
        return removed
    for path in candidates:
        if _abandoned(path):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(str(path))
    return removed


def _abandoned(path: Path) -> bool:
    try:
        if path.is_symlink() or path.stat().st_uid != os.getuid():
            return False
        lines = Path(path, OWNERS).read_text().split("\n")
    except (OSError, UnicodeDecodeError):
        return False  # no record (an older version's, or not ours): keep it
    owners = []
    for line in lines:
        fields = line.split()
        if len(fields) != 2 or not all(f.isdigit() for f in fields):
            continue
        owners.append((int(fields[0]), int(fields[1])))
    if not owners:
        return False
    return not any(_running(pid, stamp) for pid, stamp in owners)


def _running(pid: int, stamp: int) -> bool:
    """``pid`` is still the process that started at ``stamp`` and not a zombie
    (a dead owner whose parent has not reaped it yet)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != b"Z" and process_tree.start_stamp(pid) == stamp


def keep_multiprocessing_files_in(run_dir: str) -> None:
    """Make this process's multiprocessing (the forkserver's socket, listeners)
    use a folder inside the run's, which the session removes with the run.

    ``_config["tempdir"]`` is where ``multiprocessing.util.get_temp_dir`` looks
    first (CPython 3.8 to 3.13); a fork child inherits it.
    """
    folder = os.path.join(run_dir, MP_DIR)
    if len(os.fsencode(folder)) > MAX_SOCKET_DIR:
        return  # the socket path would be too long: see remove_multiprocessing_files
    with contextlib.suppress(OSError):
        os.mkdir(folder, 0o700)
        _mp_config()["tempdir"] = folder


def remove_multiprocessing_files() -> None:
    """Remove this process's ``pymp-*`` folder now, as multiprocessing's exit
    handler would have (for a run folder too deep to hold the socket)."""
    folder = _mp_config().get("tempdir")
    if isinstance(folder, str) and os.path.basename(folder).startswith("pymp-"):
        shutil.rmtree(folder, ignore_errors=True)


def _mp_config() -> dict[str, object]:
    config: dict[str, object] = multiprocessing.current_process()._config  # type: ignore[attr-defined]
    return config
