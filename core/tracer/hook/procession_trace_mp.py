"""What the tracer changes in multiprocessing, and why each hook sits where it is.

Most hooks add no frame that could appear in a user's traceback: they are
data descriptors on attributes multiprocessing sets (``_popen`` is set when
``start()`` has launched the child, ``returncode`` when the OS status is
read, ``_closed`` by ``close()``), or module globals it calls before the call
that may fail (``_cleanup()`` at the top of ``start()``; ``_dangling.add`` at
the end of ``Process.__init__``). ``join`` and ``is_alive`` need their return
value and are wrapped (on 3.11 a KeyboardInterrupt inside ``join()`` shows one
extra frame). Each private name used here is pinned by a test
(tests/tracer/test_private_names.py) that fails with a clear message on a
Python where it changed.

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

_uids = itertools.count(1)
MP_DIR = ""


def send(kind: Any, data: Any, about: Any = None, t_ns: Any = None) -> Any:
    pt.send(kind, data, about, t_ns)


def uid_of(process: Any) -> Any:
    """A process object's identity, carried to spawn children by pickling."""
    try:
        return process.__dict__.get("_procession_uid")
    except Exception:
        return None


def patch(name: Any, module: Any) -> Any:
    patcher = _patchers().get(name)
    if patcher is not None and not getattr(module, "_procession_patched", False):
        module._procession_patched = True
        patcher(module)


# --- multiprocessing.process: creation, start, join, is_alive, close


class _Watched:
    """A data descriptor: the value lives in the instance's __dict__ under the
    same name (so pickling and vars() are unchanged); ``on_set`` sees it."""

    def __init__(self, name: Any, on_set: Any) -> None:
        self.name = name
        self.on_set = on_set

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        try:
            return obj.__dict__[self.name]
        except KeyError:
            raise AttributeError(self.name) from None

    def __set__(self, obj: Any, value: Any) -> Any:
        obj.__dict__[self.name] = value
        try:
            self.on_set(obj, value)
        except Exception:
            pass


def _patch_process(module: Any) -> Any:
    global MP_DIR
    MP_DIR = os.path.dirname(module.__file__)
    pt.add_internal(module.__file__)
    pt.add_internal(threading.__file__)
    base = module.BaseProcess

    dangling = module._dangling

    class AnnouncingWeakSet(type(dangling)):  # type: ignore[misc]
        def add(self, item: Any) -> Any:
            super().add(item)
            _created(item)

    new = AnnouncingWeakSet()
    for item in list(dangling):
        new.add(item)
    module._dangling = new

    original_cleanup = module._cleanup
    start_code = base.start.__code__

    def _cleanup() -> Any:
        try:
            caller = sys._getframe(1)
            if caller.f_code is start_code:
                _start_called(caller.f_locals.get("self"))
        except Exception:
            pass
        return original_cleanup()

    module._cleanup = _cleanup
    base._popen = _Watched("_popen", _popen_set)
    base._closed = _Watched("_closed", _closed_set)
    if not _monitor(base):  # 3.11: wrappers (which drop their frame from tracebacks)
        base.join = _wrap_join(base.join)
        base.is_alive = _wrap_is_alive(base.is_alive)
    base._bootstrap = child.wrap_bootstrap(base._bootstrap)


def _created(process: Any) -> Any:
    if uid_of(process) is not None:
        return
    process.__dict__["_procession_uid"] = f"{os.getpid()}.{next(_uids)}"
    _announce(process)


def _announce(process: Any) -> Any:
    """LANE_ADDED, again if what it said changed before start(): a pool
    renames its workers and makes them daemons after creating them."""
    facts = (process.name, process.daemon, _start_method(process))
    if process.__dict__.get("_procession_facts") == facts:
        return
    process.__dict__["_procession_facts"] = facts
    data = {
        "name": facts[0],
        "kind": "process",
        "start_method": facts[2],
        "target": _qualname(process.__dict__.get("_target")),
        "daemon": facts[1],
    }
    send("lane_added", data, uid_of(process))


def _start_method(process: Any) -> Any:
    """The method start() will use: the process's own context's, or the
    default context's as it stands (read without fixing it, which
    get_start_method() would do)."""
    method = getattr(process, "_start_method", None)
    if method:
        return method
    try:
        default = sys.modules["multiprocessing.context"]._default_context
        chosen = default._actual_context or default._default_context
        return chosen._name
    except Exception:
        return "default"


def _qualname(target: Any) -> Any:
    if target is None:
        return ""
    module = getattr(target, "__module__", "") or ""
    name = getattr(target, "__qualname__", None) or repr(target)[:100]
    return f"{module}.{name}" if module else name


def _start_called(process: Any) -> Any:
    if process is None or uid_of(process) is None:
        return
    _announce(process)
    data = {"site": pt.call_site(3), "shares": [], "other_threads": []}
    try:
        data["shares"] = starting.shared_objects(process)
        data["other_threads"] = starting.other_threads()
    except Exception:
        pass
    send("start_called", data, uid_of(process))


def _popen_set(process: Any, popen: Any) -> Any:
    uid = uid_of(process)
    if uid is None:
        return
    if popen is None:
        return
    popen.__dict__["_procession_uid"] = uid
    method = getattr(popen, "method", "")
    send("start_returned", {"pid": popen.pid, "start_method": method}, uid)


def _closed_set(process: Any, closed: Any) -> Any:
    if closed and uid_of(process) is not None:
        send("close_called", {"site": pt.call_site(3)}, uid_of(process))


def _join_called(process: Any, timeout: Any, site: Any) -> Any:
    uid = uid_of(process)
    if uid is not None and process._parent_pid == os.getpid():
        send("join_called", {"timeout": timeout, "site": site}, uid)


def _join_returned(process: Any, site: Any) -> Any:
    uid = uid_of(process)
    if uid is not None and process._parent_pid == os.getpid():
        popen = process.__dict__.get("_popen")
        timed_out = popen is not None and popen.returncode is None
        send("join_returned", {"timed_out": timed_out, "site": site}, uid)


def _is_alive_answered(process: Any, answer: Any, site: Any) -> Any:
    uid = uid_of(process)
    if uid is not None and process._parent_pid == os.getpid():
        last = process.__dict__.get("_procession_alive")
        if site or last is not answer:  # internal pollers: changes only
            process.__dict__["_procession_alive"] = answer
            send("is_alive", {"answer": answer, "site": site}, uid)


def _wrap_join(original: Any) -> Any:
    def join(self: Any, timeout: Any = None) -> Any:
        site = pt.call_site(2)
        _join_called(self, timeout, site)
        try:
            result = original(self, timeout)
        except BaseException as error:  # a Ctrl+C inside join(), say
            pt.drop_own_frame(error)
            raise
        _join_returned(self, site)
        return result

    join.__wrapped__ = original  # type: ignore[attr-defined]
    return join


def _wrap_is_alive(original: Any) -> Any:
    def is_alive(self: Any) -> Any:
        try:
            answer = original(self)
        except BaseException as error:
            pt.drop_own_frame(error)
            raise
        _is_alive_answered(self, answer, pt.call_site(2))
        return answer

    is_alive.__wrapped__ = original  # type: ignore[attr-defined]
    return is_alive


def _monitor(base: Any) -> Any:
    """3.12+: see join() and is_alive() through sys.monitoring, which adds no
    frame to any traceback (a KeyboardInterrupt inside join() looks exactly
    as it does without Procession). False where it cannot be used."""
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is None:
        return False
    tool = next(
        (i for i in (4, 3, 2, 1) if monitoring.get_tool(i) is None), None
    )  # 0 (debugger) and 5 (optimizer) are left to their owners
    if tool is None:
        return False
    monitoring.use_tool_id(tool, "procession")
    join_code, alive_code = base.join.__code__, base.is_alive.__code__
    events = monitoring.events

    def started(code: Any, offset: Any) -> Any:
        try:
            if code is join_code:
                frame = sys._getframe(1)
                local = frame.f_locals
                site = pt.site_from(frame.f_back)
                _join_called(local.get("self"), local.get("timeout"), site)
        except Exception:
            pass

    def returned(code: Any, offset: Any, value: Any) -> Any:
        try:
            frame = sys._getframe(1)
            process, site = frame.f_locals.get("self"), pt.site_from(frame.f_back)
            if code is join_code:
                _join_returned(process, site)
            elif code is alive_code:
                _is_alive_answered(process, value, site)
        except Exception:
            pass

    monitoring.register_callback(tool, events.PY_START, started)
    monitoring.register_callback(tool, events.PY_RETURN, returned)
    monitoring.set_local_events(tool, join_code, events.PY_START | events.PY_RETURN)
    monitoring.set_local_events(tool, alive_code, events.PY_RETURN)
    return True


# Imported last: they use _Watched and send, defined above.
if __package__:
    from . import procession_trace_child as child
    from . import procession_trace_ends as ends
    from . import procession_trace_starting as starting
    from . import procession_trace_tasks as tasks
else:
    import procession_trace_child as child  # type: ignore[no-redef]
    import procession_trace_ends as ends  # type: ignore[no-redef]
    import procession_trace_starting as starting  # type: ignore[no-redef]
    import procession_trace_tasks as tasks  # type: ignore[no-redef]


def _patchers() -> Any:
    """Which patch each module gets (looked up when used: the hook's modules
    import each other)."""
    return {
        "multiprocessing.context": ends.patch_context,
        "multiprocessing.process": _patch_process,
        "multiprocessing.util": child.patch_util,
        "multiprocessing.popen_fork": ends.patch_popen_fork,
        "multiprocessing.forkserver": ends.patch_forkserver,
        "multiprocessing.resource_tracker": ends.patch_resource_tracker,
        "traceback": child.patch_traceback,
        "multiprocessing.pool": tasks.patch_pool,
        "concurrent.futures.process": tasks.patch_executor,
    }
