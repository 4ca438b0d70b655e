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

import itertools
import os
import sys
import threading
import time

import procession_trace as pt

_uids = itertools.count(1)
_MP_DIR = ""


def send(kind, data, about=None, t_ns=None):
    pt.send(kind, data, about, t_ns)


def uid_of(process):
    """A process object's identity, carried to spawn children by pickling."""
    try:
        return process.__dict__.get("_procession_uid")
    except Exception:
        return None


def patch(name, module):
    patcher = _PATCHERS.get(name)
    if patcher is not None and not getattr(module, "_procession_patched", False):
        module._procession_patched = True
        patcher(module)


# --- multiprocessing.process: creation, start, join, is_alive, close, the child


class _Watched:
    """A data descriptor: the value lives in the instance's __dict__ under the
    same name (so pickling and vars() are unchanged); ``on_set`` sees it."""

    def __init__(self, name, on_set):
        self.name = name
        self.on_set = on_set

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        try:
            return obj.__dict__[self.name]
        except KeyError:
            raise AttributeError(self.name) from None

    def __set__(self, obj, value):
        obj.__dict__[self.name] = value
        try:
            self.on_set(obj, value)
        except Exception:
            pass


def _patch_process(module):
    global _MP_DIR
    _MP_DIR = os.path.dirname(module.__file__)
    pt.add_internal(module.__file__)
    pt.add_internal(threading.__file__)
    base = module.BaseProcess

    dangling = module._dangling

    class AnnouncingWeakSet(type(dangling)):
        def add(self, item):
            super().add(item)
            _created(item)

    new = AnnouncingWeakSet()
    for item in list(dangling):
        new.add(item)
    module._dangling = new

    original_cleanup = module._cleanup
    start_code = base.start.__code__

    def _cleanup():
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
    base.join = _wrap_join(base.join)
    base.is_alive = _wrap_is_alive(base.is_alive)
    base._bootstrap = _wrap_bootstrap(base._bootstrap)


def _created(process):
    if uid_of(process) is not None:
        return
    process.__dict__["_procession_uid"] = f"{os.getpid()}.{next(_uids)}"
    _announce(process)


def _announce(process):
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


def _start_method(process):
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


def _qualname(target):
    if target is None:
        return ""
    module = getattr(target, "__module__", "") or ""
    name = getattr(target, "__qualname__", None) or repr(target)[:100]
    return f"{module}.{name}" if module else name


def _start_called(process):
    if process is None or uid_of(process) is None:
        return
    _announce(process)
    send("start_called", {"site": pt.call_site(3)}, uid_of(process))


def _popen_set(process, popen):
    uid = uid_of(process)
    if uid is None:
        return
    if popen is None:
        return
    popen.__dict__["_procession_uid"] = uid
    method = getattr(popen, "method", "")
    send("start_returned", {"pid": popen.pid, "start_method": method}, uid)


def _closed_set(process, closed):
    if closed and uid_of(process) is not None:
        send("close_called", {"site": pt.call_site(3)}, uid_of(process))


def _wrap_join(original):
    def join(self, timeout=None):
        uid = uid_of(self)
        if uid is not None and self._parent_pid == os.getpid():
            site = pt.call_site(2)
            send("join_called", {"timeout": timeout, "site": site}, uid)
            result = original(self, timeout)
            popen = self.__dict__.get("_popen")
            timed_out = popen is not None and popen.returncode is None
            send("join_returned", {"timed_out": timed_out, "site": site}, uid)
            return result
        return original(self, timeout)

    join.__wrapped__ = original
    return join


def _wrap_is_alive(original):
    def is_alive(self):
        answer = original(self)
        uid = uid_of(self)
        if uid is not None and self._parent_pid == os.getpid():
            last = self.__dict__.get("_procession_alive")
            site = pt.call_site(2)
            if site or last is not answer:  # internal pollers: changes only
                self.__dict__["_procession_alive"] = answer
                send("is_alive", {"answer": answer, "site": site}, uid)
        return answer

    is_alive.__wrapped__ = original
    return is_alive


# --- the child's side -------------------------------------------------------------

_ending = {"sent": False}


def _wrap_bootstrap(original):
    def _bootstrap(self, parent_sentinel=None):
        try:
            _booted(self)
        except Exception:
            pass
        exitcode = original(self, parent_sentinel)
        try:
            _target_ended(None, exitcode)
        except Exception:
            pass
        return exitcode

    _bootstrap.__wrapped__ = original
    return _bootstrap


def _booted(process):
    _ending["sent"] = False
    _ending["raised"] = None
    data = {
        "uid": uid_of(process),
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "parent_pid": process._parent_pid,
        "tid": threading.get_native_id(),
        "pgid": os.getpgid(0),
        "start_method": getattr(process, "_start_method", None) or "",
    }
    send("booted", data)


def _target_started():
    target = _qualname(getattr(_current(), "_target", None))
    send("target_started", {"target": target})


def _current():
    return sys.modules["multiprocessing.process"]._current_process


def _target_ended(frame, exitcode):
    """Say once how the target ended: from the hook that runs first after it
    (``_exit_function`` in 3.11–3.12, where the exception is still current;
    ``threading._shutdown`` in 3.13+, where ``exitcode`` is a local), else
    after ``_bootstrap`` returned."""
    if _ending.get("sent", True):
        return
    _ending["sent"] = True
    kind, value, tb = sys.exc_info()
    raised = _ending.get("raised")
    if raised is not None:
        send("target_raised", raised)
        return
    if value is not None and not isinstance(value, SystemExit):
        send("target_raised", pt.describe_exception(kind, value, tb, skip=2))
        return
    if exitcode is None and frame is not None:
        exitcode = frame.f_locals.get("exitcode")
    if isinstance(value, SystemExit):
        code = value.code
        status = 0 if code is None else code if isinstance(code, int) else 1
        send("target_exited", {"code": repr(code), "exitcode": status})
    elif exitcode not in (0, None):
        send("target_exited", {"code": repr(exitcode), "exitcode": exitcode})
    else:
        send("target_returned", {"value": _RETURN_UNKNOWN})


_RETURN_UNKNOWN = "(value not kept by multiprocessing)"


def _in_bootstrap(depth):
    try:
        frame = sys._getframe(depth)
    except ValueError:  # called from the top: the interpreter's own shutdown
        return None
    code = frame.f_code
    if code.co_name == "_bootstrap" and code.co_filename.startswith(_MP_DIR):
        return frame
    return None


def _patch_util(module):
    original_info = module.info

    def info(msg, *args):
        if msg == "child process calling self.run()":
            try:
                _target_started()
            except Exception:
                pass
        return original_info(msg, *args)

    module.info = info
    original_exit = module._exit_function

    def _exit_function(*args, **kwargs):
        try:
            frame = _in_bootstrap(2)
            if frame is not None:
                _target_ended(frame, None)
        except Exception:
            pass
        return original_exit(*args, **kwargs)

    module._exit_function = _exit_function
    _patch_threading_shutdown()


def _patch_threading_shutdown():
    original = threading._shutdown
    if getattr(original, "_procession", False):
        return

    def _shutdown():
        try:
            frame = _in_bootstrap(2)
            if frame is not None:
                _target_ended(frame, None)
            elif os.getpid() == pt.MAIN_PID:
                pt.main_finished()
        except Exception:
            pass
        return original()

    _shutdown._procession = True
    threading._shutdown = _shutdown


def _patch_traceback(module):
    original = module.print_exc

    def print_exc(*args, **kwargs):
        try:
            if _in_bootstrap(2) is not None and not _ending.get("sent", True):
                kind, value, tb = sys.exc_info()
                _ending["raised"] = pt.describe_exception(kind, value, tb, skip=2)
        except Exception:
            pass
        return original(*args, **kwargs)

    module.print_exc = print_exc


# --- exit statuses and signals -----------------------------------------------------


def _returncode_set(popen, code):
    uid = popen.__dict__.get("_procession_uid")
    if code is not None and uid is not None:
        send("exited", {"exitcode": code}, uid)


def _patch_popen_fork(module):
    cls = module.Popen
    cls.returncode = _Watched("returncode", _returncode_set)
    original = cls._send_signal

    def _send_signal(self, sig):
        uid = self.__dict__.get("_procession_uid")
        if uid is not None and self.__dict__.get("returncode") is None:
            by, site = _who_signals()
            data = {"signal": _signal_name(sig), "action": by, "by": by, "site": site}
            send("signal_sent", data, uid)
        return original(self, sig)

    cls._send_signal = _send_signal


def _who_signals():
    """Who asked for this signal: user code (with its file:line), or
    multiprocessing on its own (daemon cleanup at exit, a pool's shutdown)."""
    try:
        frame = sys._getframe(3)
    except ValueError:
        frame = None
    while frame is not None:
        code = frame.f_code
        if code.co_name == "_bootstrap" and code.co_filename.startswith(_MP_DIR):
            break
        if code.co_name == "_exit_function":
            return "daemon cleanup at exit", ""
        if code.co_name == "_terminate_pool":
            return "the pool's shutdown", ""
        if "concurrent" in code.co_filename and "futures" in code.co_filename:
            return "the executor", ""
        if not pt._is_internal(code.co_filename):
            return "user code", f"{code.co_filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "multiprocessing", ""


def _signal_name(number):
    import signal

    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


# --- helper processes ----------------------------------------------------------------


def _helper_set(kind_name):
    def on_set(owner, pid):
        if pid is None or owner.__dict__.get("_procession_announced") == pid:
            return
        owner.__dict__["_procession_announced"] = pid
        uid = f"{os.getpid()}.h{pid}"
        send("lane_added", {"name": kind_name, "kind": "helper"}, uid)
        send("start_returned", {"pid": pid, "start_method": "spawn"}, uid)

    return on_set


def _patch_forkserver(module):
    module.ForkServer._forkserver_pid = _Watched(
        "_forkserver_pid", _helper_set("forkserver")
    )


def _patch_resource_tracker(module):
    module.ResourceTracker._pid = _Watched("_pid", _helper_set("resource tracker"))


def _patch_context(module):
    """--start-method: change the default, not the choice. A script calling
    set_start_method() or get_context() still gets what it asks for."""
    method = pt.START_METHOD
    if method and os.getpid() == pt.MAIN_PID:
        module._default_context._default_context = module._concrete_contexts[method]


_PATCHERS = {
    "multiprocessing.context": _patch_context,
    "multiprocessing.process": _patch_process,
    "multiprocessing.util": _patch_util,
    "multiprocessing.popen_fork": _patch_popen_fork,
    "multiprocessing.forkserver": _patch_forkserver,
    "multiprocessing.resource_tracker": _patch_resource_tracker,
    "traceback": _patch_traceback,
}


# --- the private names these hooks rely on -------------------------------------------


def broken_assumptions():
    """Each private name or behaviour of multiprocessing used above, checked
    on this interpreter; returns what no longer holds, in words (a test runs
    this on every supported Python, tests/tracer/test_private_names.py)."""
    import multiprocessing.context as context
    import multiprocessing.forkserver as forkserver
    import multiprocessing.popen_fork as popen_fork
    import multiprocessing.process as process
    import multiprocessing.resource_tracker as resource_tracker
    import multiprocessing.util as util

    base = process.BaseProcess
    start = base.start.__code__.co_names
    boot = base._bootstrap.__wrapped__.__code__ if hasattr(
        base._bootstrap, "__wrapped__"
    ) else base._bootstrap.__code__
    checks = [
        ("BaseProcess.start calls _cleanup()", "_cleanup" in start),
        ("BaseProcess.start sets self._popen", "_popen" in start),
        ("process._dangling is a WeakSet", hasattr(process._dangling, "add")),
        ("BaseProcess has _parent_pid and _config", "_parent_pid" in
         base.__init__.__code__.co_names and "_config" in base.__init__.__code__.co_names),
        ("BaseProcess.close sets _closed", "_closed" in base.close.__code__.co_names),
        (
            "_bootstrap logs 'child process calling self.run()'",
            "child process calling self.run()" in boot.co_consts,
        ),
        (
            "_bootstrap calls util._exit_function or threading._shutdown",
            "_exit_function" in boot.co_names or "_shutdown" in boot.co_names,
        ),
        ("_bootstrap has an 'exitcode' local", "exitcode" in boot.co_varnames),
        ("popen_fork.Popen.poll sets returncode", "returncode" in
         popen_fork.Popen.poll.__code__.co_names),
        ("popen_fork.Popen._send_signal exists", hasattr(popen_fork.Popen, "_send_signal")),
        ("popen_fork.Popen.method exists", hasattr(popen_fork.Popen, "method")),
        ("ForkServer sets _forkserver_pid", "_forkserver_pid" in
         forkserver.ForkServer.ensure_running.__code__.co_names),
        ("ResourceTracker sets _pid", "_pid" in
         resource_tracker.ResourceTracker.ensure_running.__code__.co_names
         or "_pid" in resource_tracker.ResourceTracker.__init__.__code__.co_names),
        ("DefaultContext has _default_context and _actual_context", hasattr(
            context._default_context, "_default_context") and hasattr(
            context._default_context, "_actual_context")),
        ("context._concrete_contexts names the methods", isinstance(
            getattr(context, "_concrete_contexts", None), dict)),
        ("util.info and util._exit_function exist", hasattr(util, "info")
         and hasattr(util, "_exit_function")),
        ("threading._shutdown exists", hasattr(threading, "_shutdown")),
    ]
    return [name for name, holds in checks if not holds]
