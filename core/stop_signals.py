"""Ctrl+C and SIGTERM for a headless run.

The first signal asks for the graceful shutdown (stop flag, SIGTERM, SIGKILL on
the usual deadlines); a second one during it says "hurry": skip straight to
SIGKILL. The handlers only set flags that the CLI's loop reads at least every
0.1 s. They never raise: an exception thrown into the middle of reading the
event pipe or of the shutdown itself lost the table, the outputs and the exit
status (issue 9, defect 13).
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

HANDLED = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name)
)


class StopSignals:
    def __init__(self) -> None:
        self.status = 0
        """128 + the first signal's number (130 for SIGINT, 143 for SIGTERM)."""
        self.hurry = False
        """A second signal came: end the run now."""
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        for signum in HANDLED:
            self._previous[signum] = signal.signal(signum, self._on_signal)

    def restore(self) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.status:
            self.hurry = True
        else:
            self.status = 128 + signum
