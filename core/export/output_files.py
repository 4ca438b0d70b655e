"""The files a headless run writes (--summary, --trace, --record, --png, --svg).

Checked before the run starts, so a typo costs nothing: before this, the whole
run executed and then a traceback lost every later output. A write that still
fails at the end (the folder vanished, the disk filled) is reported in one line
and the other outputs are still written.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

OPTIONS = ("summary", "trace", "record", "png", "svg")
"""The output options of ``run``, as argparse names them (``--`` + name)."""


def requested(values: dict[str, str | None]) -> dict[str, str]:
    """``--option`` → path, for each output option given a path."""
    return {f"--{name}": path for name, path in values.items() if path}


def check_paths(outputs: dict[str, str]) -> list[str]:
    """One line per output path that cannot be written, naming the option and
    the path (nothing is created: the probe file in the folder is removed)."""
    problems = []
    seen: dict[str, str] = {}
    for option, text in outputs.items():
        message = _path_problem(Path(text))
        if message is None:
            key = os.path.realpath(text)
            if key in seen:
                message = f"the same file as {seen[key]}"
            seen[key] = option
        if message:
            problems.append(f"{option} {text}: {message}")
    return problems


def _path_problem(path: Path) -> str | None:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        return f"cannot use this path: {error.strerror}"
    if mode is not None and stat.S_ISDIR(mode):
        return "this is a directory; give a file name"
    if mode is not None and not stat.S_ISREG(mode):
        return "this is not a regular file"
    folder = path.parent
    if not folder.is_dir():
        return f"the folder {str(folder)!r} does not exist"
    try:  # the writers write a temporary file next to it, then rename
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".procession-probe-")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        return f"cannot write in the folder {str(folder)!r}: {error.strerror}"
    if mode is not None and not os.access(path, os.W_OK):
        return "cannot write this file: permission denied"
    return None


def write_each(
    writers: Iterable[tuple[str, str, Callable[[str], object]]],
    report: Callable[[str], None],
) -> bool:
    """Call every ``(option, path, write)``; a failing one is reported in one
    line and does not stop the others. True if every write succeeded."""
    ok = True
    for option, path, write in writers:
        try:
            write(path)
        except (OSError, ValueError, RuntimeError) as error:
            ok = False
            reason = error.strerror if isinstance(error, OSError) else None
            report(f"procession: could not write {option} {path}: {reason or error}")
            with contextlib.suppress(OSError):  # no half-written temporary left
                os.unlink(path + ".tmp")
    return ok
