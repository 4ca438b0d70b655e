"""Exit statuses explained in words, from what really happened (DESIGN §3).

| how the child ended                       | exitcode    | outcome    |
|-------------------------------------------|-------------|------------|
| target returned                           | 0           | ok         |
| uncaught exception / sys.exit("msg")      | 1           | error      |
| sys.exit(n)                               | n & 0xFF    | exit       |
| terminate() / SIGTERM                     | -15         | terminated |
| kill() / SIGKILL / OOM killer             | -9          | killed     |
| segfault / abort()                        | -11 / -6    | crashed    |
| forkserver died                           | 255         | lost       |
"""

from __future__ import annotations

import signal
from dataclasses import dataclass
from enum import StrEnum

from core.model.payloads import Report, TargetExited, TargetRaised, TargetReturned


class Outcome(StrEnum):
    """How a worker ended."""

    OK = "ok"
    """The target returned; exit status 0."""
    ERROR = "error"
    """An uncaught exception (or ``sys.exit("message")``); exit status 1."""
    EXIT = "exit"
    """The target called ``sys.exit(n)`` with n != 0."""
    TERMINATED = "terminated"
    """Ended by SIGTERM (``terminate()``) or a similar polite signal."""
    KILLED = "killed"
    """Ended by SIGKILL (``kill()``, the OOM killer, an outside ``kill -9``)."""
    CRASHED = "crashed"
    """Died of a fault signal: SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL."""
    LOST = "lost"
    """The real status is unknown (the forkserver or the conductor died, or a
    thread never stopped)."""
    NOT_STARTED = "not_started"
    """``start()`` failed or was never called."""


_CRASH_SIGNALS = {
    "SIGSEGV": "segmentation fault",
    "SIGABRT": "abort",
    "SIGBUS": "bus error",
    "SIGFPE": "floating-point exception",
    "SIGILL": "illegal instruction",
    "SIGSYS": "bad system call",
    "SIGTRAP": "trap",
}
_KILL_SIGNALS = {"SIGKILL", "SIGXCPU", "SIGXFSZ"}


@dataclass(frozen=True)
class Explanation:
    outcome: Outcome
    label: str
    """Short, for the end of a lane: ✓, ✗ NameError, SIGTERM, exit 3."""
    sentence: str
    """For a person: what happened and who caused it."""


@dataclass(frozen=True)
class SignalRecord:
    t: float
    signal: str
    action: str
    by: str


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def explain(
    exitcode: int | None,
    *,
    is_thread: bool = False,
    report: Report | None = None,
    start_method: str | None = None,
    signals: list[SignalRecord] | None = None,
    still_running: bool = False,
    abandoned: str = "",
    kind: str = "process",
) -> Explanation:
    """Explain an ending. ``report`` is the worker's own last word (the payload
    of target_returned / target_raised / target_exited), None if the worker
    never reported. ``kind``: the lane's kind; a traced script's main program
    ("main"), a helper and an untracked process have no target."""
    if is_thread:
        return _explain_thread(report, still_running, abandoned)
    if kind in _NO_TARGET and exitcode is not None and exitcode >= 0:
        return _explain_program(exitcode, report, _NO_TARGET[kind])
    if exitcode is None:  # only from a damaged recording: say so, do not guess
        return Explanation(
            Outcome.LOST,
            "lost",
            "exit status unavailable: the record of this ending has no exit code",
        )
    if exitcode < 0:
        return _explain_signal(-exitcode, signals or [])
    if (
        exitcode == 255
        and start_method == "forkserver"
        and not (isinstance(report, TargetExited) and report.exitcode == 255)
    ):
        return Explanation(
            Outcome.LOST,
            "lost",
            "exit status unavailable: the "
            "forkserver that started this process died, so "
            "multiprocessing reports 255 whatever really happened",
        )
    if exitcode == 0:
        if isinstance(report, TargetReturned):
            return Explanation(
                Outcome.OK, "✓", f"returned {report.value} normally (exit code 0)"
            )
        if isinstance(report, TargetExited):
            return Explanation(
                Outcome.OK, "✓", f"called sys.exit({report.code}), which exits with 0"
            )
        return Explanation(
            Outcome.OK,
            "✓ exit 0",
            "exited with 0 but ended without "
            "a final report (os._exit() or a crash in shutdown)",
        )
    if isinstance(report, TargetRaised):
        kind = report.type or "Exception"
        return Explanation(
            Outcome.ERROR,
            f"✗ {kind}",
            f"raised {kind}: {report.message} — an uncaught exception "
            f"exits with {exitcode}",
        )
    if isinstance(report, TargetExited):
        code = report.code
        if (
            exitcode == 1
            and not code.lstrip("-").isdigit()
            and code not in ("True", "1")
        ):
            return Explanation(
                Outcome.ERROR,
                "✗ exit 1",
                f"called sys.exit({code}): a non-number is printed and exits with 1",
            )
        sentence = f"called sys.exit({code})"
        if code.lstrip("-").isdigit() and int(code) != exitcode:
            sentence += (
                f"; the OS keeps only the low 8 bits, so the exit code is {exitcode}"
            )
        return Explanation(
            Outcome.EXIT, f"exit {exitcode}", f"{sentence} (exit code {exitcode})"
        )
    if exitcode == 1:
        return Explanation(
            Outcome.ERROR,
            "✗ exit 1",
            "exited with 1 without "
            "reporting an exception (it failed before or after its "
            "target: see its output)",
        )
    return Explanation(
        Outcome.EXIT,
        f"exit {exitcode}",
        f"exited with {exitcode} "
        "without a final report (os._exit() or a child process' "
        "own exit)",
    )


_NO_TARGET = {
    "main": "the script",
    "helper": "this helper process of multiprocessing",
    "untracked": "this process (not started by multiprocessing)",
}


def _explain_program(exitcode: int, report: Report | None, who: str) -> Explanation:
    if isinstance(report, TargetRaised) and exitcode == 1:
        kind = report.type or "Exception"
        return Explanation(
            Outcome.ERROR,
            f"✗ {kind}",
            f"{who} raised {kind}: {report.message} — an uncaught exception "
            "exits with 1",
        )
    if exitcode == 0:
        return Explanation(Outcome.OK, "✓", f"{who} ended normally (exit status 0)")
    return Explanation(
        Outcome.ERROR if exitcode == 1 else Outcome.EXIT,
        f"exit {exitcode}",
        f"{who} exited with status {exitcode} (sys.exit() or os._exit(); the OS "
        "keeps only the low 8 bits of the code)",
    )


def _explain_signal(number: int, signals: list[SignalRecord]) -> Explanation:
    name = signal_name(number)
    sent = [s for s in signals if s.signal == name]
    if sent:
        last = sent[-1]
        who = f"sent by {last.by} at {last.t:.2f} s"
    else:
        who = "not sent by Procession (another program, the OOM killer or the kernel)"
    code = f"{name}, −{number}"
    if name in _CRASH_SIGNALS:
        return Explanation(
            Outcome.CRASHED,
            name,
            f"crashed: {_CRASH_SIGNALS[name]} "
            f"({code})" + ("" if not sent else f", {who}"),
        )
    if name in _KILL_SIGNALS:
        return Explanation(Outcome.KILLED, name, f"killed by {name} (−{number}), {who}")
    return Explanation(
        Outcome.TERMINATED, name, f"terminated by {name} (−{number}), {who}"
    )


_ABANDONED = {
    "daemon": "a daemon thread is not waited for: its process exited without "
    "joining it, and it died with its process while still running",
    "process_ended": "its process ended while the thread was still running "
    "(os._exit, a signal or a crash): it died with its process",
    "app_closed": "the app closed while the thread was still running; threads "
    "cannot be force-stopped, it died with its process",
    "ignored_stop": "the thread ignored stop and was still running when the "
    "program ended; threads cannot be force-stopped, it died with its process",
    "conductor_killed": "the thread was still running when its "
    "process, the conductor, stopped answering (a thread that holds the GIL in "
    "one long call lets nothing else in its process run); threads cannot be "
    "force-stopped, so the run was ended by killing the conductor",
}


def _explain_thread(
    report: Report | None, still_running: bool, abandoned: str = ""
) -> Explanation:
    if still_running:
        sentence = _ABANDONED.get(abandoned, _ABANDONED["ignored_stop"])
        label = "abandoned" if abandoned == "conductor_killed" else "still running"
        return Explanation(Outcome.LOST, label, sentence)
    if isinstance(report, TargetReturned):
        return Explanation(
            Outcome.OK, "✓", f"returned {report.value} (threads have no exit code)"
        )
    if isinstance(report, TargetRaised):
        kind = report.type or "Exception"
        return Explanation(
            Outcome.ERROR,
            f"✗ {kind}",
            f"raised {kind}: {report.message} — it ended only this "
            "thread; the program went on",
        )
    if isinstance(report, TargetExited):
        return Explanation(
            Outcome.EXIT,
            "sys.exit",
            f"called sys.exit({report.code}): in a thread that ends only the "
            "thread, with no exit code",
        )
    return Explanation(Outcome.LOST, "?", "the thread ended without a report")
