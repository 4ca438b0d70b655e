"""Processes a traced program starts without multiprocessing, as untracked
lanes under the lane that started them: ``subprocess.Popen`` (and so
``run``, ``call``, ``check_output``), ``os.fork()``, ``os.posix_spawn`` and
``os.system``. Each gets its command line, the user's line that started it,
its pid (not for ``os.system``, which forks in C) and the exit status the
program itself read (``Popen.returncode``, ``os.waitpid``, ``os.wait``, the
value ``os.system`` returns). A child nobody reaped is reaped by the
launcher (the run's subreaper) once its parent has gone.

A child that runs Python is traced too (it inherits the hook): it binds to
its lane by pid, or, for a fork that does not exec, by the uid its hello
names (``CHANNEL.forked``), since it may speak before its parent says its
pid. Calls multiprocessing and subprocess make for themselves pass through
untouched.

Wrappers drop their own frame from any traceback (``pt.drop_own_frame``);
``Popen`` is watched through the attributes it sets (``pid``,
``returncode``), with no wrapper at all. No thread is started here.

Standard library only; every hook swallows its own errors.
"""

from __future__ import annotations

import itertools
import os
import sys

if __package__:  # imported as part of core (a test importing every module)
    from . import procession_trace as pt
    from . import procession_trace_ends as ends
    from . import procession_trace_mp as mp
    from . import procession_trace_threads as threads
else:  # in a traced interpreter: the hook folder is on sys.path
    import procession_trace as pt  # type: ignore[no-redef]
    import procession_trace_ends as ends  # type: ignore[no-redef]
    import procession_trace_mp as mp  # type: ignore[no-redef]
    import procession_trace_threads as threads  # type: ignore[no-redef]

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

_numbers = itertools.count(1)
_children: dict[int, str] = {}
"""pid → uid of the untracked children this process started and has not
reaped: the first of the program's own reads of a status reports it."""
NAME_LIMIT = 80
COMMAND_LIMIT = 2000
OWN_CALLERS = ("multiprocessing", "subprocess.py")
"""Files whose calls to os.fork / os.posix_spawn are not the program's own."""


def install() -> Any:
    if getattr(os, "_procession_patched", False):
        return
    os._procession_patched = True  # type: ignore[attr-defined]
    os.register_at_fork(after_in_child=_children.clear)  # the parent's, not ours
    os.fork = _wrap_fork(os.fork)
    os.system = _wrap_system(os.system)
    for name in ("posix_spawn", "posix_spawnp"):
        if hasattr(os, name):
            setattr(os, name, _wrap_spawn(getattr(os, name)))
    os.kill = _wrap_kill(os.kill)
    for name in ("waitpid", "wait", "wait4", "wait3"):
        if hasattr(os, name):
            setattr(os, name, _wrap_wait(getattr(os, name)))


def _announce(name: Any, command: Any, site: Any) -> Any:
    uid = f"@u{next(_numbers)}"
    program, _, rest = name.partition(" ")  # /usr/bin/python3 -c … → python3 -c …
    name = " ".join(filter(None, (os.path.basename(program) or program, rest)))
    data = {"name": name[:NAME_LIMIT], "kind": "untracked", "target": command}
    pt.send("lane_added", data, uid)
    pt.send("start_called", threads._by({"site": site}), uid)
    return uid


def _started(uid: Any, pid: Any) -> Any:
    try:
        _children[pid] = uid
        pt.send("start_returned", threads._by({"pid": pid}), uid)
    except Exception:
        pass


def _reaped(pid: Any, status: Any) -> Any:
    """The program read a child's status (a raw wait status)."""
    uid = _children.get(pid)
    if uid is None or not (os.WIFEXITED(status) or os.WIFSIGNALED(status)):
        return
    del _children[pid]
    pt.send("exited", {"exitcode": os.waitstatus_to_exitcode(status)}, uid)
    pt.CHANNEL.wait_for_ack()  # its last output is shown before the parent goes on


def _command_line(args: Any) -> Any:
    if isinstance(args, (str, bytes, os.PathLike)):
        text = os.fsdecode(args)
    else:
        text = " ".join(os.fsdecode(a) for a in args)
    return text[:COMMAND_LIMIT]


def _from_machinery(depth: Any) -> Any:
    """Whether the caller ``depth`` frames up is multiprocessing or
    subprocess itself (which make their own lanes or none)."""
    try:
        name = sys._getframe(depth).f_code.co_filename
    except ValueError:
        return False
    return pt.is_internal(name) and any(part in name for part in OWN_CALLERS)


# --- os.fork, os.posix_spawn, os.system, os.wait* ---------------------------------


def _wrap_fork(original: Any) -> Any:
    def fork() -> Any:
        uid = None
        try:
            if not _from_machinery(2):
                uid = _announce("os.fork()", "", pt.call_site(2))
                pt.CHANNEL.forked = uid  # the child's hello names its lane
        except Exception:
            pass
        try:
            pid = original()
        except BaseException as error:
            if uid is not None:
                pt.CHANNEL.forked = ""
                text = f"{type(error).__name__}: {error}"
                pt.send("start_failed", threads._by({"error": text}), uid)
            pt.drop_own_frame(error)
            raise
        if uid is not None:
            pt.CHANNEL.forked = ""
            if pid:
                _started(uid, pid)
        return pid

    fork.__wrapped__ = original  # type: ignore[attr-defined]
    return fork


def _wrap_spawn(original: Any) -> Any:
    def posix_spawn(path: Any, argv: Any, env: Any, *args: Any, **kwargs: Any) -> Any:
        uid = None
        try:
            if not _from_machinery(2):
                command = _command_line(argv)
                uid = _announce(command, command, pt.call_site(2))
        except Exception:
            pass
        try:
            pid = original(path, argv, env, *args, **kwargs)
        except BaseException as error:
            if uid is not None:
                text = f"{type(error).__name__}: {error}"
                pt.send("start_failed", threads._by({"error": text}), uid)
            pt.drop_own_frame(error)
            raise
        if uid is not None:
            _started(uid, pid)
        return pid

    posix_spawn.__wrapped__ = original  # type: ignore[attr-defined]
    return posix_spawn


def _wrap_system(original: Any) -> Any:
    def system(command: Any) -> Any:
        uid = None
        try:
            text = _command_line(command)
            uid = _announce(text, text, pt.call_site(2))
            # Its pid is never seen (the C library forks): running from now.
            pt.send("start_returned", threads._by({}), uid)
        except Exception:
            pass
        try:
            status = original(command)
        except BaseException as error:
            pt.drop_own_frame(error)
            raise
        try:
            if uid is not None and status >= 0:
                code = os.waitstatus_to_exitcode(status)
                pt.send("exited", {"exitcode": code}, uid)
                pt.CHANNEL.wait_for_ack()
        except Exception:
            pass
        return status

    system.__wrapped__ = original  # type: ignore[attr-defined]
    return system


def _wrap_kill(original: Any) -> Any:
    """``os.kill`` (which ``Popen.kill``/``terminate`` call): a signal the
    program sends to one of these children, with the line that sent it."""

    def kill(pid: Any, sig: Any) -> Any:
        uid = _children.get(pid)
        if uid is not None:
            try:
                name = ends._signal_name(sig)
                action = {"SIGKILL": "kill", "SIGTERM": "terminate"}.get(name, name)
                data = {"signal": name, "action": action, "by": "user code"}
                data["site"] = pt.call_site(2)
                pt.send("signal_sent", threads._by(data), uid)
            except Exception:
                pass
        try:
            return original(pid, sig)
        except BaseException as error:
            pt.drop_own_frame(error)
            raise

    kill.__wrapped__ = original  # type: ignore[attr-defined]
    return kill


def _wrap_wait(original: Any) -> Any:
    """``os.waitpid`` / ``wait`` / ``wait3`` / ``wait4``: each returns the pid
    first and the raw status second."""

    def wait(*args: Any, **kwargs: Any) -> Any:
        try:
            result = original(*args, **kwargs)
        except BaseException as error:
            pt.drop_own_frame(error)
            raise
        if _children:
            try:
                _reaped(result[0], result[1])
            except Exception:
                pass
        return result

    wait.__name__ = wait.__qualname__ = original.__name__
    wait.__wrapped__ = original  # type: ignore[attr-defined]
    return wait


# --- subprocess.Popen ----------------------------------------------------------------


def patch_subprocess(module: Any) -> Any:
    if getattr(module, "_procession_patched", False):
        return
    module._procession_patched = True
    popen = module.Popen
    popen.pid = mp._Watched("pid", _pid_set)
    popen.returncode = mp._Watched("returncode", _returncode_set)


def _pid_set(popen: Any, pid: Any) -> Any:
    if pid is None or popen.__dict__.get("_procession_uid") is not None:
        return
    command = _command_line(popen.args)
    uid = _announce(command, command, pt.call_site(3))
    popen.__dict__["_procession_uid"] = uid
    _started(uid, pid)


def _returncode_set(popen: Any, code: Any) -> Any:
    pid, uid = popen.__dict__.get("pid"), popen.__dict__.get("_procession_uid")
    if code is None or uid is None or _children.get(pid) != uid:
        return  # not ours, or already reported by the os.waitpid it made
    del _children[pid]
    pt.send("exited", {"exitcode": code}, uid)
    pt.CHANNEL.wait_for_ack()
