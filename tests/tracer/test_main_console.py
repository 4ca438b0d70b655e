"""The window's pseudo-terminal for the main program: a real program writes
to it, the launcher's side reads lines as a terminal would show them."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from core.tracer.main_console import MainConsole

PROGRAM = r"""
import sys
print("on a terminal:", sys.stdout.isatty(), sys.stdout.line_buffering)
print("\x1b[31mred\x1b[0m and plain")
print("10%\r50%\r100% done")
print("no end", end="")
"""


def test_a_program_on_the_console_is_line_buffered_and_read_as_shown() -> None:
    console = MainConsole()
    try:
        with subprocess.Popen(
            [sys.executable, "-c", PROGRAM],
            stdout=console.slave,
            stderr=console.slave,
            # Buffered unless on a terminal (PYTHONUNBUFFERED would hide it).
            env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
        ) as child:
            console.started()  # ours closed: the terminal ends with the child
            lines: list[str] = []
            deadline = time.monotonic() + 30
            while child.poll() is None and time.monotonic() < deadline:
                lines += console.read()
                time.sleep(0.01)
        assert child.returncode == 0
        lines += console.finish()
    finally:
        console.close()
    assert lines == [
        "on a terminal: True True",
        "red and plain",
        "100% done",
        "no end",
    ]
