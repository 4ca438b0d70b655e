"""The window's stand-in for a terminal: a pseudo-terminal for the main program.

On the command line a traced script writes to the terminal itself. The window
has no terminal: the main program's output went to the app's own stdout,
where nobody saw it (lesson 01's "took 1.0 s", lesson 04's "exitcode: -15"),
and every process wrote to a pipe, so Python buffered their prints in blocks:
a child stopped by terminate() lost what it had printed. Run on a
pseudo-terminal, every process of the program sees a terminal when it starts
(``isatty()``, so line-buffered prints, as in a student's terminal); the
launcher reads the main program's bytes here and puts their lines on the main
lane. Children still send theirs through the relay (core/tracer/output_relay)
to their own lanes, because the hook finds this terminal is the run's own.
"""

from __future__ import annotations

import contextlib
import os
import re
import termios

from core.worker.line_buffer import ByteLineSplitter

READ_SIZE = 65536
ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
"""Terminal control sequences (colours, cursor moves, titles): a program that
sees a terminal may send them; the console shows text."""


def as_shown(line: str) -> str:
    """What a terminal would leave of ``line``: no control sequences, and
    after a carriage return only what was written over it (a progress bar's
    last state)."""
    line = ESCAPES.sub("", line).rstrip("\r")
    return line.rsplit("\r", 1)[-1]


class MainConsole:
    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        attributes = termios.tcgetattr(self.slave)
        attributes[1] &= ~termios.OPOST  # "\n" stays "\n" (not "\r\n")
        termios.tcsetattr(self.slave, termios.TCSANOW, attributes)
        os.set_blocking(self.master, False)
        self._lines = ByteLineSplitter()

    def identity(self) -> str:
        """device:inode of the terminal, as the relay names the run's own."""
        status = os.fstat(self.slave)
        return f"{status.st_dev}:{status.st_ino}"

    def started(self) -> None:
        """The program has its copies: close ours, so the terminal ends when
        the last process holding it ends."""
        if self.slave >= 0:
            os.close(self.slave)
            self.slave = -1

    def read(self) -> list[str]:
        """The lines the main program (or an untraced process it started)
        completed since the last read; the bytes also go on to this process's
        own stdout, where they went before."""
        lines: list[str] = []
        while True:
            try:
                chunk = os.read(self.master, READ_SIZE)
            except (BlockingIOError, InterruptedError):
                return lines
            except OSError:  # EIO: every process holding the terminal ended
                return lines
            if not chunk:
                return lines
            with contextlib.suppress(OSError):
                os.write(1, chunk)
            lines.extend(as_shown(line) for line in self._lines.feed(chunk))

    def finish(self) -> list[str]:
        """The run's end: what is left, the unfinished last line included."""
        return self.read() + [as_shown(line) for line in self._lines.flush()]

    def close(self) -> None:
        self.started()
        with contextlib.suppress(OSError):
            os.close(self.master)
