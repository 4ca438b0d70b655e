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

The terminal is also the main program's stdin: a line typed in the window is
written here, and the terminal echoes it into the output as a keyboard would.
A prompt (``input("Your name: ")`` writes no newline) would stay invisible
until its line ends; so once the main program waits in a read of its stdin,
the unfinished line is shown as a line of its own, and the typed answer
follows on the next.
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
MAX_INPUT = 4095
"""Bytes of one typed line, its Enter included: what a terminal's line
discipline holds (more is cut off by the kernel without a word)."""
END_OF_INPUT = b"\x04"  # VEOF: at a line's start, the reader's read() returns 0
READ_SYSCALL = {"x86_64": 0, "amd64": 0, "aarch64": 63, "arm64": 63, "riscv64": 63}
"""The number of read(2), as /proc/PID/syscall names it, where known."""
_READ_HERE = READ_SYSCALL.get(os.uname().machine)


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
        self._unfinished = False  # the last byte read was not a line end

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
            self._unfinished = not chunk.endswith(b"\n")

    def prompt(self, pid: int) -> list[str]:
        """The unfinished line, as a line, if process ``pid`` now waits for
        its stdin (the prompt of an ``input()``); else nothing."""
        if not self._unfinished or not reads_stdin(pid):
            return []
        self._unfinished = False
        return [as_shown(line) for line in self._lines.flush()]

    def type_line(self, text: str) -> bool:
        """Type ``text`` and Enter, as a keyboard would (the terminal echoes
        it); False if the line was too long or the terminal is gone."""
        data = text.encode("utf-8", "replace") + b"\n"
        return len(data) <= MAX_INPUT and self._type(data)

    def end_input(self) -> bool:
        """Ctrl+D: the program's next read of its stdin meets the end."""
        return self._type(END_OF_INPUT)

    def _type(self, data: bytes) -> bool:
        try:
            return os.write(self.master, data) == len(data)
        except OSError:  # the terminal's input is full, or every holder ended
            return False

    def finish(self) -> list[str]:
        """The run's end: what is left, the unfinished last line included."""
        return self.read() + [as_shown(line) for line in self._lines.flush()]

    def close(self) -> None:
        self.started()
        with contextlib.suppress(OSError):
            os.close(self.master)


def reads_stdin(pid: int) -> bool:
    """True if ``pid`` is blocked in read(2) of its fd 0, from
    /proc/PID/syscall (ours to read: the program is the launcher's child).
    False where that file or the architecture's number is unknown: a prompt
    then shows with its answer."""
    if _READ_HERE is None:
        return False
    try:
        with open(f"/proc/{pid}/syscall") as handle:
            fields = handle.read().split()
    except OSError:
        return False
    return fields[:2] == [str(_READ_HERE), "0x0"]
