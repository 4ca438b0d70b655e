"""What a spawn or forkserver child imported before its target ran.

Such a child is a fresh Python that imports the main module again, and with
it everything the module imports at the top. The hazard "start cost" names
the packages that made that slow, so the child times each module it loads
while it boots. A finder on ``sys.meta_path`` (right after the tracer's own)
hands back the spec ``PathFinder`` finds, noting when it was found; the
import system sets the spec's ``_initializing`` to False when the module has
run, which a property of the spec's class sees (the class is put back then).
Nothing wraps the loader, so no frame of the tracer can appear in a
traceback, and ``__loader__``, ``__spec__`` and ``isinstance`` are unchanged.
Seconds are summed per top-level package, nested packages' time excluded.
The finder leaves ``sys.meta_path`` when the child boots (``report``).

Installed only in a ``python -c`` child (spawn children, the forkserver, whose
forked children inherit it); builtin and frozen modules, and the modules the
tracer patches, are left to their usual finders.

Standard library only; every hook swallows its own errors.
"""

from __future__ import annotations

import _imp
import os
import sys
import time

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

REPORTED = 8
"""The most packages a child names (the slowest)."""
OTHERS = "(others)"
"""The key of the time all the other packages took together."""

_bootstrap = sys.modules["_frozen_importlib"]
_PathFinder = sys.modules["_frozen_importlib_external"].PathFinder
_seconds: dict[str, float] = {}
"""Top-level package → seconds spent loading its modules, in ``_pid``."""
_loading: list[list[Any]] = []
"""Modules being loaded, outermost first: [spec, found at, nested seconds]."""
_pid: list[int] = []


class _TimedSpec(_bootstrap.ModuleSpec):  # type: ignore[misc,name-defined]
    """A found spec while its module loads: sees ``_initializing`` change."""

    @property
    def _initializing(self) -> Any:
        return self.__dict__.get("_initializing", False)

    @_initializing.setter
    def _initializing(self, value: Any) -> None:
        self.__dict__["_initializing"] = value
        try:
            if value:
                _loading.append([self, self.__dict__.pop("_procession_t"), 0.0])
            else:
                self.__class__ = _bootstrap.ModuleSpec
                _loaded(self)
        except Exception:
            pass


def _loaded(spec: Any) -> None:
    while _loading:
        loading, found, nested = _loading.pop()
        if loading is spec:
            spent = time.perf_counter() - found
            if _loading:
                _loading[-1][2] += spent
            if _pid and _pid[0] == os.getpid():
                package = spec.name.partition(".")[0]
                _seconds[package] = _seconds.get(package, 0.0) + spent - nested
            return


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
    if name in sys.builtin_module_names or _imp.is_frozen(name):
        return None
    if name.startswith(("multiprocessing", "procession_")) or name == "traceback":
        return None  # the tracer's own finder patches these
    found = time.perf_counter()
    spec = _PathFinder.find_spec(name, path)
    if type(spec) is _bootstrap.ModuleSpec:
        spec.__dict__["_procession_t"] = found
        spec.__class__ = _TimedSpec
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
    _loading.clear()


def report() -> Any:
    """{package: seconds} of the slowest packages this child loaded while it
    booted, the rest summed under OTHERS (None if it was not timing); and
    stop timing."""
    if TimingFinder not in sys.meta_path:
        return None
    sys.meta_path.remove(TimingFinder)
    ranked = sorted(_seconds.items(), key=lambda item: -item[1])
    slowest = {name: round(spent, 4) for name, spent in ranked[:REPORTED]}
    rest = sum(spent for _, spent in ranked[REPORTED:])
    if rest:
        slowest[OTHERS] = round(rest, 4)
    return slowest
