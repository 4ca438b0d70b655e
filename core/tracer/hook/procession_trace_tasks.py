"""Pool and ProcessPoolExecutor tasks: one span per task (or map chunk) on
the worker lane that ran it, with its submit time and call site.

Worker side: in a child whose target is ``multiprocessing.pool.worker`` or
``concurrent.futures.process._process_worker``, the task queue's ``get()``
is watched without a frame of ours on the stack while it waits or
unpickles (so a KeyboardInterrupt or a task that cannot be unpickled prints
the traceback plain Python prints): 3.12+ through ``sys.monitoring`` (the
return of ``get``), 3.11 through the queue's read lock, whose release turns
on a profile function for the few calls until ``get`` returns. The end is a
wrapper of the pool's ``outqueue.put`` or the executor's
``_sendback_result``, called after the task's traceback was already taken.
The task function itself is never touched.

Parent side: a pool job gets its id (``ApplyResult._job`` /
``IMapIterator._job``) and an executor counts a submission
(``_queue_count``) through data descriptors, which add no frame to any
traceback. The parent says ``task_submitted`` (job, site); the collector
joins it to the worker's TASK_STARTED by (parent pid, task queue, job): the
queue is named by its pipe's inode, the same in the parent and every worker
under fork, spawn and forkserver.

Standard library only; every hook swallows its own errors.
"""

from __future__ import annotations

import itertools
import os
import sys
import time

if __package__:  # imported as part of core (a test importing every module)
    from . import procession_trace as pt
    from . import procession_trace_mp as mp
else:  # in a traced interpreter: the hook folder is on sys.path
    import procession_trace as pt  # type: ignore[no-redef]
    import procession_trace_mp as mp  # type: ignore[no-redef]

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

POOL_WORKER = ("multiprocessing.pool", "worker")
EXECUTOR_WORKER = ("concurrent.futures.process", "_process_worker")
CHUNK_RUNNERS = {
    ("multiprocessing.pool", "mapstar"),
    ("multiprocessing.pool", "starmapstar"),
    ("concurrent.futures.process", "_process_chunk"),
}
TOOL_NAME = "procession tasks"

_task_ids = itertools.count(1)
_open: dict[str, Any] = {"task": None}  # the task this worker runs, if any


# --- parent side: submissions ------------------------------------------------------


def queue_key(queue: Any) -> Any:
    """A task queue's name shared by the parent and its workers: its pipe's inode."""
    try:
        return os.fstat(queue._reader.fileno()).st_ino
    except Exception:
        return None


def _submitted(owner: Any, queue: Any, job: Any) -> Any:
    key = owner.__dict__.get("_procession_queue")
    if key is None:
        key = owner.__dict__["_procession_queue"] = queue_key(queue)
    channel = pt.CHANNEL
    if key is not None and channel.sock is not None:
        # Not an event (the collector keeps it), so it takes no sequence number.
        data = {"queue": key, "job": job, "site": pt.call_site(3)}
        try:
            channel._send(["task_submitted", -1, time.monotonic_ns(), data, None])
        except Exception:
            pass


def _pool_job_set(result: Any, job: Any) -> Any:
    pool = result.__dict__.get("_pool")
    inqueue = getattr(pool, "_inqueue", None)
    if pool is not None and hasattr(inqueue, "_reader"):  # not a ThreadPool
        _submitted(pool, inqueue, job)


def _executor_count_set(executor: Any, count: Any) -> Any:
    if type(count) is int and count > 0:  # submit() counts after queueing
        _submitted(executor, executor.__dict__.get("_call_queue"), count - 1)


def _executor_broken(executor: Any, broken: Any) -> Any:
    """A worker died abruptly: the executor fails every task not yet done
    (said on the owner's lane; the worker's lane shows its death and its
    task cut)."""
    if broken:
        pending = len(executor.__dict__.get("_pending_work_items") or ())
        text = (
            f"the executor is broken (BrokenProcessPool): a worker process "
            f"terminated abruptly; {pending} task(s) running or pending fail"
        )
        mp.send("notice", {"level": "error", "text": text})


def patch_pool(module: Any) -> Any:
    watched = mp._Watched("_job", _pool_job_set)
    module.ApplyResult._job = watched  # MapResult inherits it
    module.IMapIterator._job = watched  # IMapUnorderedIterator too


def patch_executor(module: Any) -> Any:
    pt.add_internal(module.__file__)  # submit() and map() are not the caller
    executor = module.ProcessPoolExecutor
    executor._queue_count = mp._Watched("_queue_count", _executor_count_set)
    executor._broken = mp._Watched("_broken", _executor_broken)
    original = module._sendback_result

    def _sendback_result(*args: Any, **kwargs: Any) -> Any:
        try:
            _ended(kwargs.get("exception"), kwargs.get("result"))
        except Exception:
            pass
        return original(*args, **kwargs)

    module._sendback_result = _sendback_result


# --- worker side ---------------------------------------------------------------------


def worker_starting(process: Any) -> Any:
    """In a child about to call its target: watch a pool's or an executor's
    task queue if that is what the target is."""
    target = getattr(process, "_target", None)
    where = (getattr(target, "__module__", ""), getattr(target, "__qualname__", ""))
    args: Any = getattr(process, "_args", ())
    _open["parent_pid"] = getattr(process, "_parent_pid", None)
    _open["queue"] = queue_key(args[0]) if args else None
    if where == POOL_WORKER and len(args) >= 2:
        inqueue, outqueue = args[0], args[1]
        _watch_get(inqueue, _pool_task)
        outqueue.put = _pool_put(outqueue.put)
    elif where == EXECUTOR_WORKER and args:
        _watch_get(args[0], _executor_task)


def _pool_task(task: Any) -> Any:
    job, index, func, args, kwargs = task
    _started(job, f"job {job}, task {index}", func, args, kwargs)


def _executor_task(item: Any) -> Any:
    work_id = item.work_id
    _started(work_id, f"work item {work_id}", item.fn, item.args, item.kwargs)


def _started(job: Any, where: Any, func: Any, args: Any, kwargs: Any) -> Any:
    runner = getattr(func, "func", func)  # functools.partial (executor chunks)
    name = (getattr(runner, "__module__", ""), getattr(runner, "__qualname__", ""))
    if name in CHUNK_RUNNERS:
        if runner is not func:  # partial(_process_chunk, fn), args (chunk,)
            func, chunk = func.args[0], args[0]
        else:  # mapstar / starmapstar, args ((fn, chunk),)
            func, chunk = args[0]
        what = f"a chunk of {len(chunk)} item(s)"
    else:
        what = f"({_summary(args, kwargs)})"
    task_id = next(_task_ids)
    _open["task"] = task_id
    data = {
        "task_id": task_id,
        "label": getattr(func, "__qualname__", None) or type(func).__name__,
        "detail": f"{_name(func)} {what}; {where}",
        "parent_pid": _open["parent_pid"],
        "queue": _open["queue"],
        "job": job,
    }
    mp.send("task_started", data)


def _name(func: Any) -> Any:
    """module.qualname, with the script's module named as its author knows it
    (a spawn child imports the script as ``__mp_main__``)."""
    name = mp._qualname(func)
    return "__main__" + name[11:] if name.startswith("__mp_main__.") else name


def _pool_put(original: Any) -> Any:
    def put(obj: Any) -> Any:
        try:
            _, _, (ok, value) = obj  # (job, index, (ok, result or error))
            _ended(None if ok else value, value if ok else None)
        except Exception:
            pass
        try:
            return original(obj)
        except Exception as error:  # the result cannot be pickled: the pool
            _ended_again(error)  # sends a MaybeEncodingError instead
            raise

    return put


def _ended(exception: Any, result: Any) -> Any:
    task_id, _open["task"] = _open["task"], None
    if task_id is None:
        return
    if exception is None:
        detail = f"returned {_short(result)}"
        mp.send("task_ended", {"task_id": task_id, "outcome": "ok", "detail": detail})
    else:
        detail = _exception_text(getattr(exception, "exc", exception))
        mp.send(
            "task_ended", {"task_id": task_id, "outcome": "error", "detail": detail}
        )
    _open["last"] = task_id


def _ended_again(error: Any) -> Any:
    task_id = _open.get("last")
    if task_id is not None:
        detail = "its result could not be sent: " + _exception_text(error)
        mp.send(
            "task_ended", {"task_id": task_id, "outcome": "error", "detail": detail}
        )


def _exception_text(error: Any) -> Any:
    try:
        message = str(error)
    except Exception:
        message = "<str() failed>"
    return f"raised {type(error).__name__}: {message[:300]}"


def _summary(args: Any, kwargs: Any) -> Any:
    parts = [_short(value) for value in tuple(args)[:4]]
    if len(args) > 4:
        parts.append("…")
    parts += [f"{name}={_short(value)}" for name, value in list(kwargs.items())[:4]]
    return ", ".join(parts)


def _short(value: Any) -> Any:
    """A value in a few characters without calling its repr (user code)."""
    kind = type(value)
    if value is None or kind is bool or kind is float:
        return repr(value)
    if kind is int:
        return repr(value) if -(10**15) < value < 10**15 else "int"
    if kind is str:
        return repr(value[:20]) + ("…" if len(value) > 20 else "")
    if kind in (list, tuple, dict, set, frozenset, bytes):
        return f"{kind.__name__} of {len(value)}"
    return kind.__qualname__


# --- seeing get() return without a frame on its stack -----------------------------


def _watch_get(queue: Any, started: Any) -> Any:
    def on_return(item: Any) -> Any:
        if item is not None:  # None: the pool's sentinel (or get() raised)
            try:
                started(item)
            except Exception:
                pass

    if not _watch_with_monitoring(queue, on_return):
        _watch_with_read_lock(queue, on_return)


def _watch_with_monitoring(queue: Any, on_return: Any) -> Any:
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is None:
        return False
    tool = next((i for i in (4, 3, 2, 1) if monitoring.get_tool(i) == TOOL_NAME), None)
    if tool is None:  # not inherited through fork: claim a free one
        tool = next((i for i in (4, 3, 2, 1) if monitoring.get_tool(i) is None), None)
        if tool is None:
            return False
        monitoring.use_tool_id(tool, TOOL_NAME)
    get_code = type(queue).get.__code__

    def returned(code: Any, offset: Any, value: Any) -> Any:
        try:
            if code is get_code and sys._getframe(1).f_locals.get("self") is queue:
                on_return(value)
        except Exception:
            pass

    monitoring.register_callback(tool, monitoring.events.PY_RETURN, returned)
    monitoring.set_local_events(tool, get_code, monitoring.events.PY_RETURN)
    return True


def _watch_with_read_lock(queue: Any, on_return: Any) -> Any:
    """3.11: ``get()`` reads under ``self._rlock``. The lock is acquired by
    the C lock itself (no frame of ours while it waits); its release, after
    the bytes arrived, sets a profile function that sees ``get`` return its
    unpickled item and removes itself."""
    semlock = queue._rlock._semlock
    get_code = type(queue).get.__code__

    def profile(frame: Any, event: Any, arg: Any) -> Any:
        if event == "return" and frame.f_code is get_code:
            sys.setprofile(None)
            on_return(arg)

    class ReadLock:
        __enter__ = staticmethod(semlock.__enter__)

        def __exit__(self, *exc: Any) -> Any:
            released = semlock.__exit__(*exc)
            if exc[0] is None and sys.getprofile() is None:
                sys.setprofile(profile)
            return released

    queue._rlock = ReadLock()
