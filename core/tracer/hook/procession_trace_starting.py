"""What the tracer notes when a Process is started: the multiprocessing
objects it was given, and the other threads running in its parent.

The documentation warns that terminate() or kill() of a process that uses a
Queue, Lock, Pipe or Semaphore can leave it broken for every other process.
What a process uses is not visible, but what it was given is: its args and
kwargs (one level into lists, tuples and dicts) and, for a Process subclass,
its own public attributes. Only type names leave the process (data, no repr).

A fork copies the memory of every thread but runs only the caller: a lock
another thread held (inside print(), logging, malloc) stays held forever in
the child. Python 3.12+ warns only when asked (a DeprecationWarning, hidden
by default), so the names of the threads alive at start() are noted too.

Standard library only; every hook swallows its own errors.
"""

from __future__ import annotations

import threading

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

NAMES = {
    "Queue": "Queue",
    "SimpleQueue": "SimpleQueue",
    "JoinableQueue": "JoinableQueue",
    "Lock": "Lock",
    "RLock": "RLock",
    "Semaphore": "Semaphore",
    "BoundedSemaphore": "BoundedSemaphore",
    "Condition": "Condition",
    "Event": "Event",
    "Barrier": "Barrier",
    "Connection": "Connection",
    "Synchronized": "Value",
    "SynchronizedArray": "Array",
}
"""multiprocessing class → the name a student wrote (Value(), Array())."""
LIMIT = 50
"""Items looked at in one list or dict: a list of a million numbers costs
nothing to skip."""


def _name(value: Any) -> Any:
    for cls in type(value).__mro__:
        if cls.__module__.startswith("multiprocessing.") and cls.__name__ in NAMES:
            return NAMES[cls.__name__]
    return None


def _items(value: Any) -> Any:
    if isinstance(value, dict):
        return list(value.values())[:LIMIT]
    if isinstance(value, (list, tuple)):
        return list(value[:LIMIT])
    return []


def shared_objects(process: Any) -> Any:
    """Sorted type names of the multiprocessing objects ``process`` holds."""
    given = list(getattr(process, "_args", ()) or ())
    given += list((getattr(process, "_kwargs", None) or {}).values())
    given += [v for k, v in vars(process).items() if not k.startswith("_")]
    found = set()
    for value in given:
        for item in [value, *_items(value)]:
            name = _name(item)
            if name is not None:
                found.add(name)
    return sorted(found)


def other_threads() -> Any:
    """Names of the other Python threads alive in this process (at most 10)."""
    me = threading.current_thread()
    return [t.name for t in threading.enumerate() if t is not me][:10]
