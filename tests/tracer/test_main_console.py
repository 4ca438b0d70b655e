"""The window's pseudo-terminal for the main program: a real program writes
to it, the launcher's side reads lines as a terminal would show them."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from core.tracer.main_console import READ_SYSCALL, MainConsole

sees_prompts = pytest.mark.skipif(
    os.uname().machine not in READ_SYSCALL or not os.path.exists("/proc/self/syscall"),
    reason="a prompt is told from /proc/PID/syscall, not readable here "
    "(the prompt then shows with its answer)",
)

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


ASKS = """
import sys
name = input("Your name: ")
print("Hello", name)
print(len(sys.stdin.read().splitlines()), "more lines")
"""


@sees_prompts
def test_a_prompt_shows_while_the_program_waits_and_typed_lines_reach_it() -> None:
    console = MainConsole()
    lines: list[str] = []
    try:
        with subprocess.Popen(
            [sys.executable, "-c", ASKS],
            stdin=console.slave,
            stdout=console.slave,
            stderr=console.slave,
        ) as child:
            console.started()

            def wait_for(text: str) -> None:
                deadline = time.monotonic() + 30
                while text not in lines and time.monotonic() < deadline:
                    lines.extend(console.read() + console.prompt(child.pid))
                    time.sleep(0.01)
                assert text in lines, lines

            wait_for("Your name: ")  # shown before anything is typed
            assert console.type_line("Ann")
            wait_for("Hello Ann")
            assert console.type_line("one") and console.type_line("two")
            assert console.end_input()  # Ctrl+D: read() returns what it has
            assert child.wait(timeout=30) == 0
        lines += console.finish()
    finally:
        console.close()
    # the answers appear as the terminal echoed them, each on its own line
    assert lines == ["Your name: ", "Ann", "Hello Ann", "one", "two", "2 more lines"]


BUSY = "import time; print('working', end='', flush=True); time.sleep(1)"


def test_no_prompt_while_the_program_is_busy_and_too_long_a_line_is_refused() -> None:
    console = MainConsole()
    try:
        with subprocess.Popen(
            [sys.executable, "-c", BUSY], stdin=console.slave, stdout=console.slave
        ) as child:
            console.started()
            assert not console.type_line("x" * 5000)
            shown, prompted = [], []
            while child.poll() is None:  # asleep with a line unfinished
                shown += console.read()
                prompted += console.prompt(child.pid)
                time.sleep(0.01)
            assert child.wait() == 0
        assert (shown, prompted, console.finish()) == ([], [], ["working"])
    finally:
        console.close()
