"""A user's own script as a program Procession runs (``procession run x.py``).

What the engine needs from it (the ``Program`` protocol of core/engine): how
to start it (the tracer's launcher, core/tracer/launcher.py), its title and
description, the lanes known before it runs (only the main program's), and
whether it can run at all. Bad input is refused here, before anything starts:
a missing file, a directory, bytes that are not valid source (not UTF-8 and
no coding declaration) or a SyntaxError, each named with file:line.
"""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.engine import bytecode_cache
from core.engine.bytecode_cache import bytecode_suppressed, prepare_bytecode
from core.input_checks import InputError, Problem
from core.tracer.hook import HOOK_DIR

if TYPE_CHECKING:
    from core.model.run_model import RunModel

MAX_PROCESSES = 4096
"""The process cap of a traced run: a user's program is not a fork bomb by
default, but the app's watchdog still needs a bound."""
CHECK_TIMEOUT = 30.0  # seconds for another interpreter to compile the script


@dataclass(frozen=True)
class ScriptProgram:
    path: str
    """The script as an absolute path (the command line names it as given)."""
    argv: tuple[str, ...] = ()
    shown_path: str = ""
    """The path as the user typed it: what ``sys.argv[0]`` is in plain Python."""
    python: str = sys.executable
    cwd: str = field(default_factory=os.getcwd)
    start_method: str = ""
    python_version: str = platform.python_version()
    console: bool = False
    """Run without a terminal (the window): the program's output is read from
    a pseudo-terminal onto the main lane (core/tracer/main_console.py)."""
    sigint_ignored: bool = False
    """SIGINT was ignored where the command started (``nohup``, a job a
    script started with ``&``): the script inherits that, as without us."""

    # -- the Program protocol ----------------------------------------------------------

    @property
    def title(self) -> str:
        return Path(self.path).name

    @property
    def description(self) -> str:
        return " ".join(["python", self.shown_path or self.path, *self.argv])

    @property
    def max_processes(self) -> int:
        return MAX_PROCESSES

    def main_entry(self) -> tuple[Any, tuple[Any, ...]]:
        from core.tracer.launcher import trace_main

        return trace_main, (self,)

    def preflight_problems(self) -> list[str]:
        return []

    def preview(self) -> RunModel:
        """Before it runs: its title and the main program's lane."""
        # Imported here: the launcher process unpickles this class and needs
        # none of the model (it starts the user's script sooner without it).
        from core.model.events import MAIN_ID, Event, EventKind
        from core.model.run_model import RunModel

        start = Event.make(EventKind.RUN_STARTED, MAIN_ID, self.run_info())
        model = RunModel(preview=[start])
        model.code = script_text(self.path)
        return model

    def command(self) -> list[str]:
        return [self.python, self.shown_path or self.path, *self.argv]

    def run_info(self) -> dict[str, Any]:
        """RUN_STARTED's payload (without the pid, known once it runs)."""
        default = default_start_method(self.python_version)
        return {
            "title": self.title,
            "description": self.description,
            "program_kind": "script",
            "path": self.path,
            "argv": list(self.argv),
            "mode": "process",
            "start_method": self.start_method or default,
            "default_start_method": self.start_method or default,
            "join": True,
            "cpu_count": os.cpu_count(),
            "python": self.python_version,
            "platform": platform_text(),
        }


def platform_text() -> str:
    """What ``platform.platform()`` says on Linux ("Linux-6.1-x86_64-with-glibc2.36"),
    without its ``uname -p`` subprocess (~8 ms, paid twice before a traced
    script could start)."""
    if sys.platform != "linux":
        return platform.platform()
    uname = os.uname()
    name = f"{uname.sysname}-{uname.release}-{uname.machine}"
    libc = None
    if "CS_GNU_LIBC_VERSION" in os.confstr_names:
        libc = os.confstr("CS_GNU_LIBC_VERSION")  # "glibc 2.36"
    return f"{name}-with-{libc.replace(' ', '')}" if libc else name


def default_start_method(version: str) -> str:
    """Linux's default: fork up to 3.13, forkserver from 3.14."""
    parts = version.split(".")
    minor = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    return "forkserver" if sys.platform == "linux" and minor >= 14 else "fork"


def script_text(path: str) -> str | None:
    """The script's text for a recording to carry (None if it cannot be read
    as a program: too large, not UTF-8, gone)."""
    from core.lesson_programs import read_program_text

    try:
        return read_program_text(path)
    except (InputError, OSError):
        return None


def load_script_args(args: Any) -> ScriptProgram:
    """The program for the CLI's parsed ``run`` arguments."""
    if args.mode == "thread":
        problem = Problem("", "--mode thread: a .py program runs as it is written")
        raise InputError([problem], args.scenario)
    method = "" if args.start_method in (None, "default") else args.start_method
    program = load_script(args.scenario, args.program_args, args.python, method)
    # Read before the CLI installs its own Ctrl+C handler.
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    return replace(program, sigint_ignored=ignored)


def script_status(exitcode: int | None, signalled: int) -> int:
    """The command's exit status for a traced program: the script's own
    (128 + N for a signal N, as a shell says it); the CLI's own signal status
    if the script's is unknown."""
    if exitcode is None:
        return signalled or 1
    return 128 - exitcode if exitcode < 0 else exitcode


def load_script(
    path_text: str, argv: list[str], python: str | None = None, start_method: str = ""
) -> ScriptProgram:
    """The program for ``procession run PATH ARGS``; InputError if it cannot run."""
    path = Path(path_text)
    if not path.exists():
        raise InputError([Problem("", "no such file")], path_text)
    if path.is_dir():
        raise InputError([Problem("", "is a directory, not a Python file")], path_text)
    interpreter = python or sys.executable
    if python is not None and not os.access(python, os.X_OK):
        raise InputError([Problem("", "not an executable interpreter")], python)
    version = platform.python_version()
    if os.path.realpath(interpreter) == os.path.realpath(sys.executable):
        _compile_here(path, path_text)
        prepare_bytecode(Path(HOOK_DIR))  # the same Python: its bytecode serves
    else:
        version = _compile_with(interpreter, path, path_text)
    return ScriptProgram(
        path=str(path.resolve()),
        argv=tuple(argv),
        shown_path=path_text,
        python=interpreter,
        start_method=start_method,
        python_version=version,
    )


def _compile_here(path: Path, shown: str) -> None:
    try:
        source = path.read_bytes()
    except OSError as error:
        raise InputError([Problem("", error.strerror or str(error))], shown) from None
    try:
        compile(source, shown, "exec", dont_inherit=True)
    except SyntaxError as error:
        where = f"{shown}:{error.lineno}" if error.lineno else shown
        message = f"{type(error).__name__}: {error.msg}"
        raise InputError([Problem("", message)], where) from None
    except ValueError as error:  # null bytes
        raise InputError([Problem("", str(error))], shown) from None


_CHECK = """
import platform, sys
try:
    compile(open(sys.argv[1], 'rb').read(), sys.argv[2], 'exec', dont_inherit=True)
except SyntaxError as e:
    print(platform.python_version()); print(e.lineno or 0)
    print(type(e).__name__ + ': ' + str(e.msg)); sys.exit(3)
except (OSError, ValueError) as e:
    print(platform.python_version()); print(0); print(e); sys.exit(3)
print(platform.python_version())
if sys.argv[3]:  # the hook's bytecode for this Python (see bytecode_cache)
    import runpy
    script, sys.argv[1:] = sys.argv[3], sys.argv[4:]
    try:
        runpy.run_path(script, run_name="__main__")
    except Exception:
        pass  # its processes then compile the hook, as they did before
"""


def _hook_bytecode() -> list[str]:
    """The arguments that make the check compile the hook's modules too,
    where the environment would let no interpreter write bytecode."""
    if not bytecode_suppressed():
        return ["", ""]
    return [bytecode_cache.__file__, HOOK_DIR]


def _compile_with(python: str, path: Path, shown: str) -> str:
    """Compile with the interpreter that will run it (its syntax may be newer
    than ours); its version, or InputError."""
    try:
        done = subprocess.run(
            [python, "-I", "-c", _CHECK, str(path), shown, *_hook_bytecode()],
            capture_output=True,
            text=True,
            timeout=CHECK_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise InputError([Problem("", f"cannot run it: {error}")], python) from None
    lines = done.stdout.splitlines()
    if done.returncode == 3 and len(lines) >= 3:
        where = f"{shown}:{lines[1]}" if lines[1] != "0" else shown
        raise InputError([Problem("", lines[2])], where)
    if done.returncode != 0 or not lines:
        text = (done.stderr.strip().splitlines() or ["it failed"])[-1]
        raise InputError([Problem("", f"not a usable Python: {text}")], python)
    return lines[0]
