"""Compiled bytecode for Procession's own modules, whatever the environment says.

Where ``PYTHONDONTWRITEBYTECODE`` is set (some classrooms and locked-down
machines set it; so does this project's development shell) no ``__pycache__``
is ever written, and every spawn or forkserver worker compiled Procession's
worker modules from source before its first line: +10-12 ms per worker, and
the conductor compiled the engine on every run (docs/PERFORMANCE.md). Python
still *reads* bytecode when it may not write it, so before a run starts
Procession compiles its own package, once, where the import system looks for
it: ``core/**/__pycache__`` (what ``pip install`` does at install time; the
development tree ignores those folders). Later runs find every file fresh (one
``stat`` and a 16-byte read per module, ~1 ms in all) and compile nothing.

Not ``PYTHONPYCACHEPREFIX``: a prefix redirects *every* lookup, the standard
library's included, whose bytecode is not there, so each worker would then
compile ``multiprocessing`` and friends instead (measured: 8 spawn workers
387 → 1 384 ms). A user's own modules are left as the environment says.

A traced program's interpreters import the tracer's hook (core/tracer/hook),
maybe another Python's: that interpreter compiles the hook's folder itself
(``python core/engine/bytecode_cache.py FOLDER``, standard library only),
else each of its processes compiled the hook (+20-40 ms on 3.12 and 3.13).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent


def bytecode_suppressed() -> bool:
    return sys.dont_write_bytecode or bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))


def prepare_bytecode(root: Path = CORE) -> int | None:
    """Compile every stale module under ``root`` if the environment would not.

    Returns how many were compiled, or None when nothing was needed (bytecode
    is written as usual) or possible (a read-only installation, which ``pip``
    compiled when it installed it; the workers then do what they did before).
    """
    if not bytecode_suppressed():
        return None
    return compile_stale(root)


def compile_stale(root: Path) -> int | None:
    """Compile every module under ``root`` whose bytecode is stale, for this
    interpreter; how many, or None if that was not possible."""
    import py_compile  # only here: most runs need it not at all

    compiled = 0
    try:
        for source in sorted(root.rglob("*.py")):
            cached = importlib.util.cache_from_source(str(source))
            if is_fresh(source, cached):
                continue
            py_compile.compile(
                str(source),
                cfile=cached,
                doraise=True,
                invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP,
            )
            compiled += 1
    except (OSError, py_compile.PyCompileError):
        return None
    return compiled


def is_fresh(source: Path, cached: str) -> bool:
    """The header the import system checks: magic, flags, source mtime and size."""
    try:
        stat = source.stat()
        with open(cached, "rb") as handle:
            header = handle.read(16)
    except OSError:
        return False
    expected = (
        importlib.util.MAGIC_NUMBER
        + (0).to_bytes(4, "little")
        + (int(stat.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little")
        + (stat.st_size & 0xFFFFFFFF).to_bytes(4, "little")
    )
    return header == expected


if __name__ == "__main__":  # another interpreter's bytecode for a folder
    compile_stale(Path(sys.argv[1]))
