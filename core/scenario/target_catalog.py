"""The built-in target library: what a worker can run without writing code.

Each :class:`Target` describes a function of :mod:`core.worker.builtin_targets` with
a parameter schema: the window builds its form from it and scenario validation
checks arguments against it. Kept apart from the functions so that workers
never import this module (or dataclasses).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.worker.builtin_targets import EXCEPTIONS


@dataclass(frozen=True, slots=True)
class Param:
    """One argument of a target: how to edit it and what is allowed."""

    name: str
    kind: str  # "int", "float", "str", "choice"
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Target:
    """A runnable target and its schema."""

    name: str
    summary: str
    params: tuple[Param, ...] = ()
    thread_problem: str = ""
    """Why it cannot run as a thread; empty when it can."""

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


_DELAY = Param(
    "after", "float", 0.0, "seconds to wait before doing it", minimum=0, maximum=3600
)


# --- the library --------------------------------------------------------------

LIBRARY: dict[str, Target] = {
    t.name: t
    for t in (
        Target(
            "sleep",
            "print, sleep, print (the tutorial's do_something)",
            (Param("seconds", "float", 1.0, "how long to sleep", 0, 3600),),
        ),
        Target(
            "busy",
            "burn CPU for a number of seconds",
            (Param("seconds", "float", 1.0, "how long to burn CPU", 0, 3600),),
        ),
        Target(
            "countdown",
            "a fixed amount of CPU work (for GIL demos)",
            (
                Param(
                    "n",
                    "int",
                    20_000_000,
                    "how many steps to count down",
                    0,
                    10_000_000_000,
                ),
            ),
        ),
        Target(
            "raise_error",
            "raise an uncaught exception",
            (
                Param(
                    "exception",
                    "choice",
                    "NameError",
                    "exception type",
                    choices=tuple(EXCEPTIONS),
                ),
                Param("message", "str", "", "message (empty: the default bug)"),
                _DELAY,
            ),
        ),
        Target(
            "exit_with",
            "call sys.exit(code) or sys.exit(message)",
            (
                Param(
                    "code",
                    "int",
                    3,
                    "exit code (the OS keeps the low 8 bits)",
                    -1024,
                    1024,
                ),
                Param("message", "str", "", "exit with this message instead (code 1)"),
                _DELAY,
            ),
        ),
        Target("forever", "loop until stopped"),
        Target("ignore_sigterm", "ignore SIGTERM and Stop: only SIGKILL ends it"),
        Target(
            "crash",
            "segmentation fault or abort()",
            (
                Param(
                    "kind",
                    "choice",
                    "segfault",
                    "how to crash",
                    choices=("segfault", "abort"),
                ),
                _DELAY,
            ),
            thread_problem="a crash in a thread takes the whole program down "
            "(threads share one process)",
        ),
        Target(
            "allocate",
            "hold memory for a while",
            (
                Param("mb", "int", 100, "MiB to allocate", 1, 16384),
                Param("seconds", "float", 2.0, "how long to hold it", 0, 3600),
            ),
        ),
        Target(
            "print_lines",
            "print numbered lines",
            (
                Param("count", "int", 10, "how many lines", 0, 10_000_000),
                Param("interval", "float", 0.1, "seconds between lines", 0, 60),
                Param(
                    "stream",
                    "choice",
                    "stdout",
                    "where to print",
                    choices=("stdout", "stderr"),
                ),
            ),
        ),
        Target(
            "spawn_children",
            "start grandchild processes",
            (
                Param("count", "int", 2, "how many grandchildren", 1, 64),
                Param(
                    "how",
                    "choice",
                    "subprocess",
                    "how to start them",
                    choices=("subprocess", "multiprocessing"),
                ),
                Param(
                    "child_seconds",
                    "float",
                    30.0,
                    "how long each grandchild lives",
                    0,
                    3600,
                ),
                Param(
                    "then",
                    "choice",
                    "wait",
                    "wait for them, or exit at once",
                    choices=("wait", "exit"),
                ),
            ),
            thread_problem="grandchildren of a thread belong to the whole program",
        ),
        Target("noop", "return at once (measures pure start cost)"),
    )
}

CUSTOM = "custom"
"""The target name for user code given in the scenario."""
