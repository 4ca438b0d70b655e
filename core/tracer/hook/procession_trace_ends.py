"""The ends of processes as the tracer sees them: exit statuses (the
``returncode`` multiprocessing sets when it reads the OS status), signals
(``Popen._send_signal``, which sees every terminate() and kill(), the exit
handler's daemon cleanup included), the helper processes (forkserver,
resource tracker) and ``--start-method``.

Standard library only; every hook swallows its own errors.
"""

from __future__ import annotations

import os
import sys

if __package__:  # imported as part of core (a test importing every module)
    from . import procession_trace as pt
    from . import procession_trace_mp as mp
else:  # in a traced interpreter: the hook folder is on sys.path
    import procession_trace as pt  # type: ignore[no-redef]
    import procession_trace_mp as mp  # type: ignore[no-redef]

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

# --- exit statuses and signals -----------------------------------------------------


def _returncode_set(popen: Any, code: Any) -> Any:
    uid = popen.__dict__.get("_procession_uid")
    if code is not None and uid is not None:
        mp.send("exited", {"exitcode": code}, uid)
        # Wait (briefly) until the relay has shown the child's last output:
        # in a plain run it is on the terminal before the child can be reaped.
        pt.CHANNEL.wait_for_ack()


def patch_popen_fork(module: Any) -> Any:
    cls = module.Popen
    cls.returncode = mp._Watched("returncode", _returncode_set)
    original = cls._send_signal

    def _send_signal(self: Any, sig: Any) -> Any:
        uid = self.__dict__.get("_procession_uid")
        if uid is not None and self.__dict__.get("returncode") is None:
            by, site, unfinished = _who_signals()
            data = {"signal": _signal_name(sig), "action": by, "by": by, "site": site}
            if unfinished is not None:
                data["unfinished"] = unfinished
            mp.send("signal_sent", data, uid)
        return original(self, sig)

    cls._send_signal = _send_signal


def _who_signals() -> Any:
    """Who asked for this signal: user code (with its file:line), or
    multiprocessing on its own (daemon cleanup at exit, a pool's shutdown,
    with how many of the pool's tasks had no result yet: its ``cache``)."""
    try:
        frame = sys._getframe(3)
    except ValueError:
        frame = None
    while frame is not None:
        code = frame.f_code
        if code.co_name == "_bootstrap" and code.co_filename.startswith(mp.MP_DIR):
            break
        if code.co_name == "_exit_function":
            return "daemon cleanup at exit", "", None
        if code.co_name == "_terminate_pool":
            cache = frame.f_locals.get("cache")
            unfinished = len(cache) if isinstance(cache, dict) else None
            return "the pool's shutdown", "", unfinished
        if "concurrent" in code.co_filename and "futures" in code.co_filename:
            return "the executor", "", None
        if not pt.is_internal(code.co_filename):
            return "user code", f"{code.co_filename}:{frame.f_lineno}", None
        frame = frame.f_back
    return "multiprocessing", "", None


def _signal_name(number: Any) -> Any:
    import signal

    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


# --- helper processes ----------------------------------------------------------------


def _helper_set(kind_name: Any) -> Any:
    def on_set(owner: Any, pid: Any) -> Any:
        if pid is None or owner.__dict__.get("_procession_announced") == pid:
            return
        owner.__dict__["_procession_announced"] = pid
        uid = f"{os.getpid()}.h{pid}"
        mp.send("lane_added", {"name": kind_name, "kind": "helper"}, uid)
        mp.send("start_returned", {"pid": pid, "start_method": "spawn"}, uid)

    return on_set


def patch_forkserver(module: Any) -> Any:
    module.ForkServer._forkserver_pid = mp._Watched(
        "_forkserver_pid", _helper_set("forkserver")
    )


def patch_resource_tracker(module: Any) -> Any:
    module.ResourceTracker._pid = mp._Watched("_pid", _helper_set("resource tracker"))


def patch_context(module: Any) -> Any:
    """--start-method: change the default, not the choice. A script calling
    set_start_method() or get_context() still gets what it asks for."""
    method = pt.START_METHOD
    if method and os.getpid() == pt.MAIN_PID:
        module._default_context._default_context = module._concrete_contexts[method]
