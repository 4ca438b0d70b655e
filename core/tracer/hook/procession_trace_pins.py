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
    checks += _threads_and_children() + _task_checks()
    return [name for name, holds in checks if not holds]


def _threads_and_children() -> Any:
    """What procession_trace_threads and procession_trace_untracked rely on."""
    import subprocess

    thread: Any = threading.Thread
    init = thread.__init__.__code__.co_names
    inner = thread._bootstrap_inner.__code__.co_names
    popen: Any = subprocess.Popen
    bootstrap = getattr(thread._bootstrap, "__wrapped__", thread._bootstrap)
    return [
        (
            "Thread.__init__ adds the thread to threading._dangling (a WeakSet)",
            "_dangling" in init and hasattr(threading._dangling, "add"),  # type: ignore[attr-defined]
        ),
        (
            "Thread.__init__ sets _invoke_excepthook and _started",
            "_invoke_excepthook" in init and "_started" in init,
        ),
        (
            "Thread._bootstrap runs _bootstrap_inner, which calls _invoke_excepthook",
            "_bootstrap_inner" in bootstrap.__code__.co_names
            and "_invoke_excepthook" in inner,
        ),
        (
            "threading has _active, _MainThread and _DummyThread",
            all(
                hasattr(threading, n)
                for n in ("_active", "_MainThread", "_DummyThread")
            ),
        ),
        (
            "Popen._execute_child sets pid; _handle_exitstatus sets returncode",
            "pid" in popen._execute_child.__code__.co_names
            and "returncode" in popen._handle_exitstatus.__code__.co_names,
        ),
    ]


def _task_checks() -> Any:
    """What procession_trace_tasks relies on in pools and executors."""
    import concurrent.futures.process as futures_module
    import multiprocessing.pool as pool_module
    import multiprocessing.queues as queues
    import multiprocessing.synchronize as synchronize

    pool: Any = pool_module
    futures: Any = futures_module
    worker: Any = pool.worker.__code__
    executor: Any = futures.ProcessPoolExecutor
    process_worker: Any = futures._process_worker.__code__
    manager: Any = futures._ExecutorManagerThread
    breaking = [  # 3.12+: terminate_broken() calls _terminate_broken()
        getattr(manager, name).__code__.co_names
        for name in ("terminate_broken", "_terminate_broken")
        if hasattr(manager, name)
    ]
    call_item = futures._CallItem(1, len, (), {})
    return [
        (
            "pool.worker(inqueue, outqueue, ...) binds inqueue.get, outqueue.put",
            worker.co_varnames[:2] == ("inqueue", "outqueue")
            and {"get", "put"} <= set(worker.co_names),
        ),
        (
            "ApplyResult and IMapIterator set _job in __init__",
            "_job" in pool.ApplyResult.__init__.__code__.co_names
            and "_job" in pool.IMapIterator.__init__.__code__.co_names,
        ),
        (
            "ApplyResult and IMapIterator set _pool before _job",
            all(
                names.index("_pool") < names.index("_job")
                for names in (
                    pool.ApplyResult.__init__.__code__.co_names,
                    pool.IMapIterator.__init__.__code__.co_names,
                )
            ),
        ),
        ("pool.mapstar and pool.starmapstar exist", hasattr(pool, "starmapstar")),
        (
            "pool.ExceptionWithTraceback keeps .exc",
            hasattr(pool.ExceptionWithTraceback(ValueError(), None), "exc"),
        ),
        (
            "SimpleQueue and Queue read under self._rlock (a SemLock's _semlock)",
            "_rlock" in queues.SimpleQueue.get.__code__.co_names
            and "_rlock" in queues.Queue.get.__code__.co_names
            and "_semlock" in synchronize.SemLock.__enter__.__code__.co_names,
        ),
        (
            "_process_worker(call_queue, ...) calls call_queue.get, _sendback_result",
            process_worker.co_varnames[0] == "call_queue"
            and {"get", "_sendback_result"} <= set(process_worker.co_names),
        ),
        (
            "_CallItem has work_id, fn, args, kwargs",
            all(hasattr(call_item, a) for a in ("work_id", "fn", "args", "kwargs")),
        ),
        (
            "ProcessPoolExecutor.submit counts work ids in _queue_count",
            "_queue_count" in executor.submit.__code__.co_names,
        ),
        (
            "the manager thread marks a broken executor with _broken",
            any("_broken" in names for names in breaking),
        ),
        (
            "executor chunks run _process_chunk",
            hasattr(futures, "_process_chunk"),
        ),
        (
            "futures._ExceptionWithTraceback keeps .exc",
            hasattr(futures._ExceptionWithTraceback(ValueError(), None), "exc"),
        ),
    ]
