"""The child's side of a traced multiprocessing process: it booted, its
target started and ended (returned, raised with the user's frames, or
``sys.exit``), and, in the main program, the moment its own code finished.

The end is taken from the first hook that runs after the target:
``util._exit_function`` (3.11-3.12, where the exception is still current) or
``threading._shutdown`` (3.13+, where ``exitcode`` is a local of
``_bootstrap``), so it is sent before the process waits for its own children
or its queues' feeder threads. The original ``_bootstrap`` catches and prints
everything, so the wrapper never appears in a traceback.

Standard library only; every hook swallows its own errors.
"""

from __future__ import annotations

import os
import sys
import threading

if __package__:  # imported as part of core (a test importing every module)
    from . import procession_trace as pt
    from . import procession_trace_imports as imports
    from . import procession_trace_mp as mp
    from . import procession_trace_tasks as tasks
else:  # in a traced interpreter: the hook folder is on sys.path
    import procession_trace as pt  # type: ignore[no-redef]
    import procession_trace_imports as imports  # type: ignore[no-redef]
    import procession_trace_mp as mp  # type: ignore[no-redef]
    import procession_trace_tasks as tasks  # type: ignore[no-redef]

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any


_ending: dict[str, Any] = {"sent": False}


def wrap_bootstrap(original: Any) -> Any:
    def _bootstrap(self: Any, parent_sentinel: Any = None) -> Any:
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

    _bootstrap.__wrapped__ = original  # type: ignore[attr-defined]
    return _bootstrap


def _booted(process: Any) -> Any:
    _ending["sent"] = False
    _ending["raised"] = None
    data = {
        "uid": mp.uid_of(process),
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "parent_pid": process._parent_pid,
        "tid": threading.get_native_id(),
        "pgid": os.getpgid(0),
        "start_method": getattr(process, "_start_method", None) or "",
        "imports": imports.report(),
    }
    mp.send("booted", data)


def _target_started() -> Any:
    process = _current()
    target = mp._qualname(getattr(process, "_target", None))
    mp.send("target_started", {"target": target})
    tasks.worker_starting(process)


def _current() -> Any:
    return sys.modules["multiprocessing.process"]._current_process


def _target_ended(frame: Any, exitcode: Any) -> Any:
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
        mp.send("target_raised", raised)
        return
    if value is not None and not isinstance(value, SystemExit):
        mp.send("target_raised", pt.describe_exception(kind, value, tb, skip=2))
        return
    if exitcode is None and frame is not None:
        exitcode = frame.f_locals.get("exitcode")
    if isinstance(value, SystemExit):
        code = value.code
        status = 0 if code is None else code if isinstance(code, int) else 1
        mp.send("target_exited", {"code": repr(code), "exitcode": status})
    elif exitcode not in (0, None):
        mp.send("target_exited", {"code": repr(exitcode), "exitcode": exitcode})
    else:
        mp.send("target_returned", {"value": _RETURN_UNKNOWN})


_RETURN_UNKNOWN = "(value not kept by multiprocessing)"


def _in_bootstrap(depth: Any) -> Any:
    try:
        frame = sys._getframe(depth)
    except ValueError:  # called from the top: the interpreter's own shutdown
        return None
    code = frame.f_code
    if code.co_name == "_bootstrap" and code.co_filename.startswith(mp.MP_DIR):
        return frame
    return None


def patch_util(module: Any) -> Any:
    original_info = module.info

    def info(msg: Any, *args: Any) -> Any:
        if msg == "child process calling self.run()":
            try:
                _target_started()
            except Exception:
                pass
        return original_info(msg, *args)

    module.info = info
    original_exit = module._exit_function

    def _exit_function(*args: Any, **kwargs: Any) -> Any:
        try:
            frame = _in_bootstrap(2)
            if frame is not None:
                _target_ended(frame, None)
        except Exception:
            pass
        return original_exit(*args, **kwargs)

    module._exit_function = _exit_function
    _patch_threading_shutdown()


def _patch_threading_shutdown() -> Any:
    original = getattr(threading, "_shutdown")  # noqa: B009  (private: pinned)
    if getattr(original, "_procession", False):
        return

    def _shutdown() -> Any:
        try:
            frame = _in_bootstrap(2)
            if frame is not None:
                _target_ended(frame, None)
            elif os.getpid() == pt.MAIN_PID:
                pt.main_finished()
        except Exception:
            pass
        return original()

    setattr(_shutdown, "_procession", True)  # noqa: B010
    setattr(threading, "_shutdown", _shutdown)  # noqa: B010


def patch_traceback(module: Any) -> Any:
    original = module.print_exc

    def print_exc(*args: Any, **kwargs: Any) -> Any:
        try:
            if _in_bootstrap(2) is not None and not _ending.get("sent", True):
                kind, value, tb = sys.exc_info()
                _ending["raised"] = pt.describe_exception(kind, value, tb, skip=2)
        except Exception:
            pass
        return original(*args, **kwargs)

    module.print_exc = print_exc
