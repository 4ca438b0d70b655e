"""The private names of multiprocessing the tracer's hooks rely on, checked
on the running interpreter (tests/tracer/test_private_names.py runs this on
every supported Python and fails naming what changed).

Standard library only.
"""

from __future__ import annotations

import sys
import threading

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any


def broken_assumptions() -> Any:
    """Each private name or behaviour of multiprocessing used above, checked
    on this interpreter; returns what no longer holds, in words (a test runs
    this on every supported Python, tests/tracer/test_private_names.py)."""
    import multiprocessing.context as context
    import multiprocessing.forkserver as forkserver
    import multiprocessing.pool as pool
    import multiprocessing.popen_fork as popen_fork
    import multiprocessing.process as process
    import multiprocessing.resource_tracker as resource_tracker
    import multiprocessing.util as util

    base: Any = process.BaseProcess
    pool_class: Any = pool.Pool
    process_module: Any = process
    start = base.start.__code__.co_names
    boot = (
        base._bootstrap.__wrapped__.__code__
        if hasattr(base._bootstrap, "__wrapped__")
        else base._bootstrap.__code__
    )
    checks = [
        ("BaseProcess.start calls _cleanup()", "_cleanup" in start),
        ("BaseProcess.start sets self._popen", "_popen" in start),
        ("process._dangling is a WeakSet", hasattr(process_module._dangling, "add")),
        (
            "BaseProcess has _parent_pid and _config",
            "_parent_pid" in base.__init__.__code__.co_names
            and "_config" in base.__init__.__code__.co_names,
        ),
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
        (
            "popen_fork.Popen.poll sets returncode",
            "returncode" in popen_fork.Popen.poll.__code__.co_names,
        ),
        (
            "popen_fork.Popen._send_signal exists",
            hasattr(popen_fork.Popen, "_send_signal"),
        ),
        ("popen_fork.Popen.method exists", hasattr(popen_fork.Popen, "method")),
        (
            "ForkServer sets _forkserver_pid",
            "_forkserver_pid" in forkserver.ForkServer.ensure_running.__code__.co_names,
        ),
        (
            "ResourceTracker sets _pid",
            "_pid" in resource_tracker.ResourceTracker.ensure_running.__code__.co_names
            or "_pid" in resource_tracker.ResourceTracker.__init__.__code__.co_names,
        ),
        (
            "DefaultContext has _default_context and _actual_context",
            hasattr(context._default_context, "_default_context")
            and hasattr(context._default_context, "_actual_context"),
        ),
        (
            "context._concrete_contexts names the methods",
            isinstance(getattr(context, "_concrete_contexts", None), dict),
        ),
        (
            "util.info and util._exit_function exist",
            hasattr(util, "info") and hasattr(util, "_exit_function"),
        ),
        ("threading._shutdown exists", hasattr(threading, "_shutdown")),
        (
            "importlib's _load_unlocked sets spec._initializing",
            "_initializing"
            in sys.modules["_frozen_importlib"]._load_unlocked.__code__.co_names,
        ),
        (
            "Pool._terminate_pool has a 'cache' argument",
            "cache" in pool_class._terminate_pool.__code__.co_varnames,
        ),
    ]
    return [name for name, holds in checks if not holds]
