"""The traced process's side: one connection to the collector, one message
per event, and the lazy patching of multiprocessing.

Why it is built this way (measured in ../shared/notes/tracing.md):

* one AF_UNIX SOCK_SEQPACKET connection per process, one message per event,
  sent synchronously: nothing already sent is lost to ``os._exit``, SIGKILL
  or a segfault, and no thread is started in a user process (3.12 warns about
  ``fork()`` with threads);
* the socket lives on a high, close-on-exec descriptor, so the user's own
  descriptor numbers do not shift and programs it ``exec``s do not inherit it;
* multiprocessing is patched when the program imports it (importing it
  eagerly costs ~15 ms per interpreter);
* every hook swallows its own errors: a tracer bug must not change what the
  program does.

A message is JSON ``[kind, seq, t_ns, data, about]``: ``about`` is None for
an event about this process, or the uid of a process object it created. The
collector knows who sent it (SO_PEERCRED) and turns uids into lanes.

Standard library only (this runs inside the user's interpreter).
"""

from __future__ import annotations

import json
import os
import sys
import time

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

SOCKET_ENV = "PROCESSION_TRACE_SOCKET"
MAIN_ENV = "PROCESSION_TRACE_MAIN"
"""Set (to "1") only for the user's main program; removed at once so that
its children do not inherit it."""
MAIN_PID = 0
ACK_WAIT = 1.0  # seconds a reaping parent waits for its child's output to be shown
HIGH_FD = 900  # the lowest descriptor number the connection may take
OUTPUT_ENV = "PROCESSION_TRACE_OUTPUT"
"""``path|dev:ino|dev:ino``: the relay's socket, and the run's own fd 1 and 2."""
START_METHOD_ENV = "PROCESSION_TRACE_START_METHOD"
"""--start-method: the main program's default start method (removed at once)."""
START_METHOD = ""
PATCHED = (
    "multiprocessing.context",
    "multiprocessing.process",
    "multiprocessing.popen_fork",
    "multiprocessing.popen_forkserver",
    "multiprocessing.forkserver",
    "multiprocessing.resource_tracker",
    "multiprocessing.util",
    "traceback",
    "subprocess",
    "multiprocessing.pool",
    "concurrent.futures.process",
)

_dumps = json.JSONEncoder(separators=(",", ":"), default=repr).encode


class Channel:
    """This process's connection to the collector (reopened after fork)."""

    def __init__(self, path: Any) -> None:
        self.path = path
        self.sock: Any = None
        self.relayed: dict[int, str] = {}  # fd → its relay connection's identity
        self.seq = 0
        self.pid = 0
        self.lock = _new_lock()  # threads send too: seq order is arrival order
        self.forked = ""
        """Set by an os.fork() made outside multiprocessing: the uid of the
        lane its parent announced, which the child's hello names."""

    def connect(self) -> Any:
        import _socket  # the C module: ``socket`` costs ~3 ms per interpreter
        import fcntl

        self.pid = os.getpid()
        self.seq = 0
        sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_SEQPACKET)
        try:
            sock.connect(self.path)
            high = fcntl.fcntl(sock.fileno(), fcntl.F_DUPFD_CLOEXEC, HIGH_FD)
        finally:
            sock.close()
        self.sock = _socket.socket(fileno=high)
        hello: dict[str, Any] = {"ppid": os.getppid()}
        if self.forked:
            hello["forked"] = self.forked
        self._send(["hello", -1, time.monotonic_ns(), hello, None])

    def capture_output(self) -> Any:
        """Send this process's fd 1 and 2 through the relay (which shows them
        on the terminal and keeps them on this process's lane), if they are
        the run's own: a descriptor the program redirected is left alone."""
        import _socket

        path, *identities = os.environ.get(OUTPUT_ENV, "").split("|")
        shared = None  # fd 2 shares fd 1's connection when both were one file
        for fd, identity in zip((1, 2), identities, strict=False):
            try:
                # The run's own descriptor, or (after a fork) the parent's relay.
                if _identity(fd) not in (identity, self.relayed.get(fd)):
                    continue
                if fd == 2 and shared is not None and identities[0] == identity:
                    os.dup2(1, 2)  # one terminal: one connection (and one less)
                    self.relayed[2] = shared
                    continue
                sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
                try:
                    sock.connect(path)
                    sock.sendall(b"%d" % fd)
                    os.dup2(sock.fileno(), fd)
                finally:
                    sock.close()
                self.relayed[fd] = shared = _identity(fd)
            except Exception:
                pass

    def after_fork_in_child(self) -> Any:
        """A forked child shares the parent's socket: drop it, open its own
        (and a new lock: another thread may have held the parent's)."""
        self.lock = _new_lock()
        old, self.sock = self.sock, None
        if old is not None:
            try:
                os.close(old.detach())
            except Exception:
                pass
        try:
            self.connect()
        except Exception:
            self.sock = None
        self.capture_output()

    def send(self, kind: Any, data: Any, about: Any = None, t_ns: Any = None) -> Any:
        if self.sock is None:
            return
        if t_ns is None:
            t_ns = time.monotonic_ns()
        try:
            with self.lock:
                self._send([kind, self.seq, t_ns, data, about])
                self.seq += 1
        except Exception:
            pass

    def wait_for_ack(self) -> Any:
        """Block until the collector answers one byte (at most ACK_WAIT s)."""
        if self.sock is None:
            return
        try:
            self.sock.settimeout(ACK_WAIT)
            self.sock.recv(16)
        except Exception:
            pass
        finally:
            try:
                self.sock.settimeout(None)
            except Exception:
                pass

    def _send(self, row: Any) -> Any:
        self.sock.send(_dumps(row).encode("ascii"))


def _new_lock() -> Any:
    """Re-entrant: a signal handler that sends while its thread is sending
    must not deadlock. A lock, not a thread: none is started here."""
    import _thread

    return _thread.RLock()


CHANNEL = Channel(os.environ.get(SOCKET_ENV, ""))

# Loaded now, never at shutdown (see procession_trace_errors), and re-exported:
# the other hook modules call pt.describe_exception.
if __package__:
    from .procession_trace_errors import describe_exception as describe_exception
else:
    from procession_trace_errors import (  # type: ignore[no-redef]
        describe_exception as describe_exception,
    )


def _identity(fd: int) -> str:
    status = os.fstat(fd)
    return f"{status.st_dev}:{status.st_ino}"


def send(kind: Any, data: Any, about: Any = None, t_ns: Any = None) -> Any:
    CHANNEL.send(kind, data, about, t_ns)


# --- where a call came from -----------------------------------------------------

_INTERNAL: list[str] = []  # folder prefixes whose frames are not the user's


def add_internal(folder: Any) -> Any:
    _INTERNAL.append(os.path.join(os.path.dirname(os.path.abspath(folder)), ""))


add_internal(__file__)


def call_site(depth: Any = 2) -> Any:
    """``file:line`` of the user's code that led here, "" if none did (the
    call came from multiprocessing itself, e.g. at exit). A forked child's
    stack still holds its parent's frames: the walk stops at ``_bootstrap``."""
    try:
        frame: Any = sys._getframe(depth)
    except ValueError:
        return ""
    return site_from(frame)


def site_from(frame: Any) -> Any:
    """``call_site`` from a given frame outwards."""
    while frame is not None:
        code = frame.f_code
        name = code.co_filename
        if code.co_name == "_bootstrap" and is_internal(name):
            return ""
        if not is_internal(name):
            return f"{name}:{frame.f_lineno}"
        frame = frame.f_back
    return ""


def drop_own_frame(error: Any) -> Any:
    """Inside a wrapper's ``except``: remove the wrapper's own entry from the
    exception's traceback. A bare ``raise`` then re-raises without adding it
    back, so what propagates looks as it does without Procession."""
    try:
        tb = error.__traceback__
        if tb is not None:
            error.__traceback__ = tb.tb_next
    except Exception:
        pass


def is_internal(filename: Any) -> Any:
    return filename.startswith(tuple(_INTERNAL)) or filename.startswith("<frozen")


# --- patching modules as they are imported --------------------------------------


class _PatchingLoader:
    """The module's real loader, plus a patch once the module has run."""

    def __init__(self, loader: Any, name: Any) -> None:
        self._loader = loader
        self._name = name

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> Any:
        self._loader.exec_module(module)
        patch(self._name, module)

    def __getattr__(self, name: Any) -> Any:  # get_source, is_package… for linecache
        return getattr(self._loader, name)


class Finder:
    """On sys.meta_path: hands the real spec back with a patching loader."""

    @staticmethod
    def find_spec(name: Any, path: Any = None, target: Any = None) -> Any:
        if name not in PATCHED:
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _PatchingLoader(spec.loader, name)  # type: ignore[assignment]
        return spec

    @staticmethod
    def invalidate_caches() -> Any:
        pass


def patch(name: Any, module: Any) -> Any:
    try:
        if name == "subprocess":
            import procession_trace_untracked

            procession_trace_untracked.patch_subprocess(module)
            return
        import procession_trace_mp

        procession_trace_mp.patch(name, module)
    except Exception as error:
        _complain(f"patching {name} failed: {error!r}")


def _complain(text: Any) -> Any:
    try:
        send("notice", {"level": "warning", "text": "tracer: " + text})
    except Exception:
        pass


# --- the main program -----------------------------------------------------------


_main_done: list[bool] = []


def main_finished() -> Any:
    """The main program's own code is done (its last line ran, or it raised):
    sent when the interpreter begins to shut down."""
    if not _main_done and os.getpid() == MAIN_PID:  # not in an os.fork() child
        _main_done.append(True)
        # What the script raised, as Python printed it (PyErr_Print sets
        # these before the interpreter shuts down). Not a sys.excepthook
        # wrapper: with one, a KeyboardInterrupt exits 1 instead of by SIGINT.
        value = getattr(sys, "last_exc", None) or getattr(sys, "last_value", None)
        if value is not None and not isinstance(value, SystemExit):
            try:
                data = describe_exception(type(value), value, value.__traceback__, 0)
                send("target_raised", data)
            except Exception:
                pass
        send("main_finished", {"joined": True})


def _excepthook(original: Any) -> Any:
    """A child that failed before its target (a child re-importing a script
    without the __main__ guard): what Python prints, on its lane. Children
    only: the main program's report is read at its exit (main_finished)."""

    def excepthook(kind: Any, value: Any, tb: Any) -> Any:
        try:
            send("target_raised", describe_exception(kind, value, tb, 0))
        except Exception:
            pass
        return original(kind, value, tb)

    return excepthook


def install() -> Any:
    """Connect (if a collector is named) and start watching imports."""
    global MAIN_PID, START_METHOD
    if not CHANNEL.path:
        return
    if os.environ.pop(MAIN_ENV, "") == "1":
        import atexit

        START_METHOD = os.environ.pop(START_METHOD_ENV, "")
        MAIN_PID = os.getpid()
        atexit.register(main_finished)  # runs last; threading._shutdown is earlier
    CHANNEL.connect()
    if not MAIN_PID:  # the main program's output stays the terminal's own
        CHANNEL.capture_output()
        sys.excepthook = _excepthook(sys.excepthook)
    os.register_at_fork(after_in_child=CHANNEL.after_fork_in_child)
    import procession_trace_mp  # noqa: F401  (now: the hook folder leaves sys.path)
    import procession_trace_threads
    import procession_trace_untracked

    procession_trace_threads.install()
    procession_trace_untracked.install()

    sys.meta_path.insert(0, Finder)
    if not MAIN_PID:  # a child may re-import the main module: time its imports
        import procession_trace_imports

        procession_trace_imports.install(Finder)
    for name in PATCHED:  # already imported (e.g. by a shadowed sitecustomize)
        module = sys.modules.get(name)
        if module is not None:
            patch(name, module)
