"""What can happen in a run: the event kinds, and who may send which.

Split from :mod:`core.model.events` so that the payload records can name kinds
without an import cycle.
"""

from __future__ import annotations

from enum import StrEnum

MAIN_ID = 0
"""Lane id of the main program, and sender id of the conductor that plays it."""
SESSION_ID = -1
"""Sender id of events the app makes itself (psutil samples, a lost conductor,
damaged bytes); they are not numbered (seq -1)."""
TRACED_MAIN = -2
"""Sender id of a traced user program's main process: its lane is MAIN_ID,
but it is not the conductor (sender MAIN_ID), so it gets no conductor rights."""


class EventKind(StrEnum):
    """What happened. Values are stable strings: they are stored in recordings."""

    # --- main program (conductor) --------------------------------------------
    RUN_STARTED = "run_started"
    """The main program began. Payload: pid, mode, start_method, cpu_count, python."""
    START_CALLED = "start_called"
    """The main program called ``start()`` on this worker."""
    START_RETURNED = "start_returned"
    """``start()`` returned. Payload: pid (processes) or ident (threads)."""
    START_FAILED = "start_failed"
    """``start()`` raised; the worker never ran. Payload: error."""
    JOIN_CALLED = "join_called"
    """The main program entered ``join()`` on this worker. Payload: timeout."""
    JOIN_RETURNED = "join_returned"
    """``join()`` returned. Payload: timed_out (True if the worker still runs)."""
    IS_ALIVE = "is_alive"
    """A lane asked ``is_alive()`` about this one. Payload: caller, site, answer."""
    CLOSE_CALLED = "close_called"
    """A lane called ``close()`` on this one's process object. Payload: caller,
    site."""
    STOP_REQUESTED = "stop_requested"
    """The cooperative stop flag was raised. Payload: reason."""
    SIGNAL_SENT = "signal_sent"
    """A signal was sent to the worker (or its process group). Payload: signal,
    action (terminate, kill, escalate, daemon_cleanup, shutdown), by, group."""
    EXITED = "exited"
    """The OS reported the worker's end. Payload: exitcode (None for threads),
    log_tail (fd-level stderr, e.g. a faulthandler dump), cleaned_up (descendants
    killed after it ended), still_running (a thread that ignored stop)."""
    CHANNEL_BROKEN = "channel_broken"
    """The worker's event pipe ended in the middle of a message (it was killed
    while sending). Payload: error."""
    NOTICE = "notice"
    """Something a person should read. Payload: level (info, warning, error), text."""
    LANE_ADDED = "lane_added"
    """A lane exists (a process or thread object was created), announced before
    any other event about it. Payload: name, kind, parent, start_method, ..."""
    FD_OUTPUT = "fd_output"
    """A line read below Python, from the worker's fd 1 and 2 (C-level writes,
    faulthandler dumps, prints lost to ``os._exit`` are not). Payload: text."""
    FD_OUTPUT_DROPPED = "fd_output_dropped"
    """fd-level lines beyond the cap. Payload: count (a running total)."""
    MAIN_FINISHED = "main_finished"
    """The main program's own code is done (all starts and joins it makes)."""
    RUN_FINISHED = "run_finished"
    """Every worker has its final state; the conductor is about to exit."""
    # --- worker ---------------------------------------------------------------
    BOOTED = "booted"
    """The worker's first own line ran. Payload: pid, ppid, tid, start_method."""
    TARGET_STARTED = "target_started"
    """The target function was called. Payload: target, args."""
    TARGET_RETURNED = "target_returned"
    """The target returned. Payload: value (its repr, shortened)."""
    TARGET_RAISED = "target_raised"
    """The target raised. Payload: type, message, traceback."""
    TARGET_EXITED = "target_exited"
    """The target called ``sys.exit()``. Payload: code (repr), exitcode."""
    OUTPUT = "output"
    """One line the worker printed. Payload: stream (stdout, stderr), text."""
    OUTPUT_DROPPED = "output_dropped"
    """Lines beyond the capture cap were counted, not kept. Payload: count."""
    MARK = "mark"
    """A user mark sent from target code with ``core.worker.target_api.mark()``.
    Payload: label, data."""
    EVENT_UNSERIALIZABLE = "event_unserializable"
    """An event could not be serialised; it was replaced by this. Payload: kind,
    error."""
    EVENT_TOO_LARGE = "event_too_large"
    """An event was larger than the cap; it was replaced by this. Payload: kind,
    size, limit."""
    TASK_STARTED = "task_started"
    """A task (a pool or executor task, or a chunk) began on this lane.
    Payload: task_id, label, detail, submitted_ns."""
    TASK_ENDED = "task_ended"
    """The task ended. Payload: task_id, outcome (ok, error, cut), detail."""
    # --- session / monitor ----------------------------------------------------
    SAMPLE = "sample"
    """A psutil reading. Payload: cpu, rss, threads, status, children."""
    CONDUCTOR_LOST = "conductor_lost"
    """The conductor process died before finishing the run. Payload: exitcode."""
    EVENT_DAMAGED = "event_damaged"
    """Bytes from a sender that did not decode into a valid event (garbage, an
    unknown kind, a field of the wrong type). Payload: error, size."""


WORKER_KINDS = frozenset(
    {
        EventKind.BOOTED,
        EventKind.TARGET_STARTED,
        EventKind.TARGET_RETURNED,
        EventKind.TARGET_RAISED,
        EventKind.TARGET_EXITED,
        EventKind.OUTPUT,
        EventKind.OUTPUT_DROPPED,
        EventKind.MARK,
        EventKind.EVENT_UNSERIALIZABLE,
        EventKind.EVENT_TOO_LARGE,
        EventKind.TASK_STARTED,
        EventKind.TASK_ENDED,
    }
)
"""Kinds a worker may send about itself; anything else from a worker is damage
(a worker must not be able to report its own exit status or the run's end)."""


CHILD_KINDS = frozenset(
    {
        EventKind.LANE_ADDED,
        EventKind.START_CALLED,
        EventKind.START_RETURNED,
        EventKind.START_FAILED,
        EventKind.JOIN_CALLED,
        EventKind.JOIN_RETURNED,
        EventKind.IS_ALIVE,
        EventKind.CLOSE_CALLED,
        EventKind.SIGNAL_SENT,
        EventKind.EXITED,
    }
)
"""Kinds a traced process may send about a lane it created (its child): what
a parent sees of its children, the OS status included (``Popen.poll``)."""
MAIN_SELF_KINDS = frozenset({EventKind.MAIN_FINISHED})
"""Kinds only a traced main program may send about itself."""
