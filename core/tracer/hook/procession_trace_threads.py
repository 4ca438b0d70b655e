"""Threads of a traced process as lanes under its own: created (with its
name and daemon flag), start() (by which line of the user's code), running,
run() ended (returned, raised with the user's frames, or ``sys.exit``),
join() called and returned (timed out or not).

The threads multiprocessing, concurrent.futures and subprocess start for
themselves (a Queue's feeder, a Pool's handlers, an executor's manager, the
readers of ``communicate``) are announced as helpers; the workers of a
ThreadPool or ThreadPoolExecutor run the user's tasks, so they are not.

How it stays invisible:

* creation is seen through ``threading._dangling`` (``Thread.__init__``
  adds every thread to it last), as multiprocessing's processes are: no
  wrapper around ``__init__``;
* run()'s end is seen from a wrapped ``Thread._bootstrap``, which runs
  *above* the frame that catches the thread's exception, so the traceback
  ``threading.excepthook`` prints is plain Python's; the exception itself is
  read by a per-thread wrapper of ``_invoke_excepthook`` before it prints;
* start() and join() are wrapped, and a wrapper drops its own frame from the
  traceback of anything that passes through it (``pt.drop_own_frame``): a
  Ctrl+C inside join() prints exactly what plain Python prints.

A thread's uid is local to its process (``@t<n>``): the collector files it
under the sending process's lane, so no process can speak for another's
threads. Events about a thread are sent by its process, from whichever
thread is running; the channel's lock keeps them in order. No thread is
started here.

Standard library only; every hook swallows its own errors.
"""

from __future__ import annotations

import itertools
import os
import sys
import threading

if __package__:  # imported as part of core (a test importing every module)
    from . import procession_trace as pt
else:  # in a traced interpreter: the hook folder is on sys.path
    import procession_trace as pt  # type: ignore[no-redef]

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

_numbers = itertools.count(1)
HELPER_MODULES = ("multiprocessing", "concurrent.futures", "subprocess")
"""Threads whose code comes from these modules are their machinery."""
TASK_RUNNERS = frozenset(
    {"multiprocessing.pool.worker", "concurrent.futures.thread._worker"}
)
"""...except these, which run the user's own tasks (ThreadPool, and
ThreadPoolExecutor workers)."""
RETURN_UNKNOWN = "(value not kept by threading)"


def uid_of(thread: Any) -> Any:
    """The thread's lane uid, if this process announced it (a forked child
    holds its parent's thread objects, which are not its lanes)."""
    try:
        mine = thread.__dict__.get("_procession_lane")
    except Exception:
        return None
    if mine is not None and mine[0] == os.getpid():
        return mine[1]
    return None


def calling_thread() -> Any:
    """The uid of the thread making a call, None for the main thread (or
    any thread that is not a lane): the collector then names the process."""
    try:
        active = threading._active  # type: ignore[attr-defined]
        return uid_of(active.get(threading.get_ident()))
    except Exception:
        return None


def install() -> Any:
    if getattr(threading, "_procession_patched", False):
        return
    threading._procession_patched = True  # type: ignore[attr-defined]
    pt.add_internal(threading.__file__)  # the standard library is not the user's
    dangling = threading._dangling  # type: ignore[attr-defined]
    plain = type(dangling)

    class AnnouncingWeakSet(plain):  # type: ignore[misc,valid-type]
        def add(self, item: Any) -> Any:
            plain.add(self, item)
            try:
                _created(item)
            except Exception:
                pass

    announcing = AnnouncingWeakSet()
    for item in list(dangling):  # threads made before the hook: not announced
        plain.add(announcing, item)
    threading._dangling = announcing  # type: ignore[attr-defined]
    cls = threading.Thread
    cls.start = _wrap_start(cls.start)  # type: ignore[method-assign]
    cls.join = _wrap_join(cls.join)  # type: ignore[method-assign]
    cls._bootstrap = _wrap_bootstrap(cls._bootstrap)  # type: ignore[attr-defined]


def _created(thread: Any) -> Any:
    if isinstance(thread, (threading._MainThread, threading._DummyThread)):  # type: ignore[attr-defined]
        return
    thread.__dict__["_procession_lane"] = (os.getpid(), f"@t{next(_numbers)}")
    original = thread.__dict__.get("_invoke_excepthook")
    if original is not None:
        thread._invoke_excepthook = _catching(original)
    _announce(thread)


def _announce(thread: Any) -> Any:
    """LANE_ADDED, again at start() if its name or daemon flag changed after
    creation (a Pool makes its handler threads daemons afterwards)."""
    facts = (thread.name, thread.daemon)
    if thread.__dict__.get("_procession_facts") == facts:
        return
    thread.__dict__["_procession_facts"] = facts
    module, name = _code_of(thread)
    data = {
        "name": facts[0],
        "kind": "thread",
        "daemon": facts[1],
        "target": f"{module}.{name}" if module else name,
        "helper": _is_helper(module, name),
    }
    pt.send("lane_added", data, uid_of(thread))


def _code_of(thread: Any) -> Any:
    """(module, qualname) of what the thread runs: its target, else its run."""
    target = thread.__dict__.get("_target")
    if target is None:
        target = type(thread).run
    function = getattr(target, "__func__", target)
    module = getattr(function, "__module__", None) or ""
    name = getattr(function, "__qualname__", None) or repr(function)[:100]
    return module, name


def _is_helper(module: Any, name: Any) -> Any:
    if f"{module}.{name}" in TASK_RUNNERS:
        return False
    return any(module == m or module.startswith(m + ".") for m in HELPER_MODULES)


def _catching(original: Any) -> Any:
    """The thread's ``_invoke_excepthook``, which first keeps what run()
    raised (it is called inside the ``except`` that caught it)."""

    def invoke_excepthook(thread: Any) -> Any:
        try:
            thread.__dict__["_procession_raised"] = _describe(*sys.exc_info())
        except Exception:
            pass
        return original(thread)

    return invoke_excepthook


def _describe(kind: Any, value: Any, tb: Any) -> Any:
    if isinstance(value, SystemExit):
        code = value.code
        return "target_exited", {"code": repr(code), "exitcode": 0}
    skip = 0  # threading's own frames (_bootstrap_inner, run) lead the traceback
    here = tb
    while here is not None and here.tb_frame.f_code.co_filename == threading.__file__:
        skip += 1
        here = here.tb_next
    return "target_raised", pt.describe_exception(kind, value, tb, skip)


def _wrap_bootstrap(original: Any) -> Any:
    def _bootstrap(self: Any) -> Any:
        uid = None
        try:
            uid = uid_of(self)
            if uid is not None:
                booted = {"pid": os.getpid(), "tid": threading.get_native_id()}
                pt.send("booted", booted, uid)
                module, name = _code_of(self)
                pt.send("target_started", {"target": f"{module}.{name}"}, uid)
        except Exception:
            pass
        original(self)
        try:
            if uid is not None:
                _ended(self, uid)
        except Exception:
            pass

    _bootstrap.__wrapped__ = original  # type: ignore[attr-defined]
    return _bootstrap


def _ended(thread: Any, uid: Any) -> Any:
    kind, data = thread.__dict__.pop(
        "_procession_raised", ("target_returned", {"value": RETURN_UNKNOWN})
    )
    pt.send(kind, data, uid)
    pt.send("exited", {"exitcode": None}, uid)


def _wrap_start(original: Any) -> Any:
    def start(self: Any) -> Any:
        uid = None
        try:
            started = self.__dict__.get("_started")
            if started is not None and not started.is_set():  # else: it raises
                uid = uid_of(self)
            if uid is not None:
                _announce(self)
                site = pt.call_site(2)
                pt.send("start_called", _by({"site": site}), uid)
        except Exception:
            pass
        try:
            original(self)
        except BaseException as error:
            if uid is not None:
                text = f"{type(error).__name__}: {error}"
                pt.send("start_failed", _by({"error": text[:2000]}), uid)
            pt.drop_own_frame(error)
            raise
        # No START_RETURNED: the thread's own BOOTED (its native id) and
        # TARGET_STARTED, sent before start() returns, say all of it.

    start.__wrapped__ = original  # type: ignore[attr-defined]
    return start


def _wrap_join(original: Any) -> Any:
    def join(self: Any, timeout: Any = None) -> Any:
        uid = site = None
        try:
            uid = uid_of(self)
            if uid is not None:
                site = pt.call_site(2)
                number = type(timeout) in (int, float)
                data = {"timeout": timeout if number else None, "site": site}
                pt.send("join_called", _by(data), uid)
        except Exception:
            pass
        try:
            original(self, timeout)
        except BaseException as error:
            pt.drop_own_frame(error)
            raise
        try:
            if uid is not None:
                data = {"timed_out": self.is_alive(), "site": site}
                pt.send("join_returned", _by(data), uid)
        except Exception:
            pass

    join.__wrapped__ = original  # type: ignore[attr-defined]
    return join


def _by(data: Any) -> Any:
    """A call's data, naming the calling thread when it is a lane."""
    caller = calling_thread()
    if caller is not None:
        data["thread"] = caller
    return data
