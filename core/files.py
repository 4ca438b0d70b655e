"""Writing files atomically: the one place that does it.

Every file Procession writes (scenarios, recordings, traces, summaries, the
trust store) is first written to a temporary file beside its destination and
then renamed over it, so a crash or a full disk mid-write leaves either the old
file or the new one, never half of one. The temporary name holds the writer's
pid, so two processes saving the same file do not write into each other's.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO


@contextlib.contextmanager
def atomic_writer(path: Path | str) -> Iterator[TextIO]:
    """A text handle whose content replaces ``path`` only if the block succeeds."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # O_EXCL: never write through a link someone placed at the temporary name;
    # mode 0o666 lets the umask decide the permissions, as a plain open() does.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with open(fd, "w", encoding="utf-8") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_text(path: Path | str, text: str) -> None:
    with atomic_writer(path) as handle:
        handle.write(text)


def write_json(path: Path | str, data: Any, indent: int | None = None) -> None:
    """JSON without NaN or infinity (other readers reject them); compact unless
    ``indent`` is given, in which case it is meant for people and ends with a
    newline."""
    with atomic_writer(path) as handle:
        if indent is None:
            json.dump(data, handle, separators=(",", ":"), allow_nan=False)
        else:
            json.dump(data, handle, indent=indent, allow_nan=False)
            handle.write("\n")
