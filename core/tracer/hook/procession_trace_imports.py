"""What a spawn or forkserver child imported before its target ran.

Such a child is a fresh Python that imports the main module again, and with it
everything the module imports at the top. The hazard "start cost" names the
packages that made that slow, so the child times each module it loads while
it boots: a finder on ``sys.meta_path`` (right after the tracer's own) hands
back the spec ``PathFinder`` finds, its loader's ``create_module`` and
``exec_module`` timed once (instance attributes, removed on the first call,
so the loader, ``__loader__`` and ``isinstance`` checks are unchanged).
Seconds are summed per top-level package, nested packages' time excluded.
The finder leaves ``sys.meta_path`` when the child boots (``report``).

Installed only in a ``python -c`` child (spawn children, the forkserver, whose
forked children inherit it); builtin and frozen modules, and the modules the
tracer patches, are left to their usual finders.

Standard library only; every hook swallows its own errors.
"""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

REPORTED = 8
"""The most packages a child names (the slowest)."""

_seconds: dict[str, float] = {}
"""Top-level package → seconds spent loading its modules, in ``_pid``."""
_nested: list[float] = []
"""Per module being loaded: the time its nested imports took."""
_pid: list[int] = []


def _timed(loader: Any, method: str, package: str) -> Any:
    original = getattr(loader, method)

    def run(*args: Any) -> Any:
        loader.__dict__.pop(method, None)  # once: the loader is itself again
        started = time.perf_counter()
        _nested.append(0.0)
        try:
            return original(*args)
        finally:
            spent = time.perf_counter() - started
            own = spent - _nested.pop()
            if _nested:
                _nested[-1] += spent
            if _pid and _pid[0] == os.getpid():
                _seconds[package] = _seconds.get(package, 0.0) + own

    return run


class TimingFinder:
    @staticmethod
    def find_spec(name: Any, path: Any = None, target: Any = None) -> Any:
        try:
            return _find(name, path)
        except Exception:
            return None

    @staticmethod
    def invalidate_caches() -> Any:
        pass


def _find(name: Any, path: Any) -> Any:
    import _imp

    if name in sys.builtin_module_names or _imp.is_frozen(name):
        return None
    if name.startswith(("multiprocessing", "procession_")) or name == "traceback":
        return None  # the tracer's own finder patches these
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec(name, path)
    loader = getattr(spec, "loader", None)
    if loader is None or isinstance(loader, type) or not hasattr(loader, "__dict__"):
        return spec
    package = name.partition(".")[0]
    for method in ("create_module", "exec_module"):
        if method not in loader.__dict__ and hasattr(loader, method):
            loader.__dict__[method] = _timed(loader, method, package)
    return spec


def install(after: Any) -> Any:
    """Start timing imports (in a ``python -c`` child only)."""
    if sys.argv[:1] != ["-c"] or TimingFinder in sys.meta_path:
        return
    _pid[:] = [os.getpid()]
    _seconds.clear()
    position = sys.meta_path.index(after) + 1 if after in sys.meta_path else 0
    sys.meta_path.insert(position, TimingFinder)
    os.register_at_fork(after_in_child=_forked)


def _forked() -> Any:
    """A forkserver child: its own imports, not the server's."""
    _pid[:] = [os.getpid()]
    _seconds.clear()


def report() -> Any:
    """{package: seconds} of the slowest packages this child loaded while it
    booted (None if it was not timing), and stop timing."""
    if TimingFinder not in sys.meta_path:
        return None
    sys.meta_path.remove(TimingFinder)
    slowest = sorted(_seconds.items(), key=lambda item: -item[1])[:REPORTED]
    return {name: round(seconds, 4) for name, seconds in slowest if seconds >= 0.001}
