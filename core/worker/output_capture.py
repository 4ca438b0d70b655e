"""Where a worker's printed lines go: each line becomes an OUTPUT event.

Process mode routes ``sys.stdout``/``sys.stderr`` through :class:`LineCapture`;
thread mode installs :class:`ThreadOutput` once per process, which sends each
thread's lines to its own lane. Both stop at a per-worker line budget and
count the rest (:class:`OutputBudget`), so a flood never grows memory.
"""

from __future__ import annotations

import io
import os
import sys
import threading

from core.worker.line_buffer import LineSplitter

TYPE_CHECKING = False  # see core/worker/__init__.py
if TYPE_CHECKING:
    from typing import Any, ClassVar, Protocol

    class Reporter(Protocol):
        """The worker's event sender (core.worker.bootstrap.EventSender)."""

        @property
        def usable(self) -> bool: ...

        def send(self, kind: str, data: dict[str, Any]) -> None: ...


class OutputBudget:
    """The per-worker cap on captured lines, shared by stdout and stderr."""

    def __init__(self, sender: Reporter, limit: int) -> None:
        self.sender = sender
        self.limit = limit
        self.kept = 0
        self.dropped = 0

    def line(self, stream: str, text: str) -> None:
        if self.kept < self.limit:
            self.kept += 1
            # Already capped (head and tail) by the LineSplitter that split it.
            self.sender.send("output", {"stream": stream, "text": text})
            return
        self.dropped += 1
        if self.dropped % 10_000 == 1:  # keep the visible count roughly current
            self.report_dropped()

    def report_dropped(self) -> None:
        if self.dropped:
            self.sender.send("output_dropped", {"count": self.dropped})


class LineCapture(io.TextIOBase):
    """A text stream that turns complete lines into OUTPUT events.

    In a process forked by the target (which inherits this object) it writes to
    the file descriptor instead, which the conductor tails.
    """

    def __init__(self, budget: OutputBudget, stream: str, fd: int) -> None:
        self._budget = budget
        self._stream = stream
        self._fd = fd
        self._splitter = LineSplitter()
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if not self._budget.sender.usable:
            os.write(self._fd, text.encode("utf-8", "replace"))
            return len(text)
        with self._lock:
            lines = self._splitter.feed(text)
        for line in lines:
            self._budget.line(self._stream, line)
        return len(text)

    def flush(self) -> None:
        with self._lock:
            rest = self._splitter.flush()
        if self._budget.sender.usable:
            for line in rest:
                self._budget.line(self._stream, line)

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    @property
    def buffer(self) -> io.BufferedWriter:
        return open(self._fd, "wb", closefd=False)


class ThreadOutput(io.TextIOBase):
    """Process-wide stdout/stderr for thread mode: lines go to the lane of the
    thread that printed them, everything else to the original stream."""

    _budgets: ClassVar[dict[int, OutputBudget]] = {}
    _partial: ClassVar[dict[int, LineSplitter]] = {}

    def __init__(self, stream: str, original: Any) -> None:
        self._stream = stream
        self._original = original

    @classmethod
    def install(cls) -> None:
        if not isinstance(sys.stdout, cls):
            sys.stdout = cls("stdout", sys.stdout)
            sys.stderr = cls("stderr", sys.stderr)

    @classmethod
    def register(cls, budget: OutputBudget) -> None:
        cls._budgets[threading.get_ident()] = budget

    @classmethod
    def unregister(cls) -> None:
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, cls):
                stream.flush()
        cls._budgets.pop(threading.get_ident(), None)

    def write(self, text: str) -> int:
        ident = threading.get_ident()
        budget = self._budgets.get(ident)
        if budget is None:
            return int(self._original.write(text)) if self._original else len(text)
        key = ident * 2 + (self._stream == "stderr")
        splitter = self._partial.get(key)
        if splitter is None:
            splitter = self._partial[key] = LineSplitter()
        for line in splitter.feed(text):
            budget.line(self._stream, line)
        return len(text)

    def flush(self) -> None:
        ident = threading.get_ident()
        key = ident * 2 + (self._stream == "stderr")
        splitter = self._partial.pop(key, None)
        budget = self._budgets.get(ident)
        if splitter and budget:
            for line in splitter.flush():
                budget.line(self._stream, line)
