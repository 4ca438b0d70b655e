"""Opening user-named files safely: only regular files are read as input.

A FIFO given as a scenario or a recording made ``open()`` wait for a writer
that never came (the command line hung silently, the window never appeared); a
device such as ``/dev/zero`` never ends. The file is opened without blocking
and checked with ``fstat`` on the same descriptor, so nothing can be swapped in
between the check and the read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from core.input_checks import InputError, Problem


def file_kind(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def open_regular(path: Path | str, what: str) -> BinaryIO:
    """``path`` opened for binary reading, if it is a regular file.

    InputError (naming the file and what it is) otherwise, or if it cannot be
    opened; ``what`` says what was expected ("a scenario", "a recording").
    """
    source = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise InputError(
            [Problem("", f"cannot read the file: {error.strerror}")], source
        ) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(
                [
                    Problem(
                        "",
                        f"this is {file_kind(mode)}, not a file; "
                        f"{what} must be a regular file",
                    )
                ],
                source,
            )
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
