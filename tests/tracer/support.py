"""Running a traced program for tests: the launcher in its own process, as
the app's link starts it, its batches decoded with a Lineage into a model."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.model.decoding import Lineage, decode_batch
from core.model.run_model import RunModel
from core.tracer.launcher import trace_main
from core.tracer.script_program import ScriptProgram, load_script

PROGRAMS = Path(__file__).resolve().parent.parent / "programs"
PYTHONS = {
    "3.11": sys.executable,
    "3.12": os.path.expanduser("~/.pyenv/versions/3.12.1/bin/python"),
    "3.13": os.path.expanduser("~/.pyenv/versions/3.13.0/bin/python"),
}
HANG_GUARD = 60.0  # seconds: a traced program here takes 2 s at most


def traced_python() -> str:
    """The interpreter the traced programs run under: PROCESSION_TRACED_PYTHON
    (a version such as 3.12, or a path), else the one running the tests."""
    chosen = os.environ.get("PROCESSION_TRACED_PYTHON", "")
    return PYTHONS.get(chosen, chosen) or sys.executable


def run_traced(
    program: ScriptProgram, stdout: int | None = None, stop_after: float | None = None
) -> RunModel:
    """Run to the end; ``stdout``: a descriptor the script's fd 1 and 2 go to."""
    ctx = multiprocessing.get_context("spawn")
    events_reader, events_writer = ctx.Pipe(duplex=False)
    commands_reader, commands_writer = ctx.Pipe(duplex=False)
    run_dir = tempfile.mkdtemp(prefix="procession-test-trace-")
    saved = [os.dup(1), os.dup(2)] if stdout is not None else []
    if stdout is not None:
        os.dup2(stdout, 1)
        os.dup2(stdout, 2)
    try:
        launcher = ctx.Process(
            target=trace_main,
            args=(program, events_writer, commands_reader, run_dir),
        )
        launcher.start()
    finally:
        for fd, saved_fd in zip((1, 2), saved, strict=False):
            os.dup2(saved_fd, fd)
            os.close(saved_fd)
    events_writer.close()
    commands_reader.close()
    model = RunModel()
    lineage = Lineage()
    started = time.monotonic()
    stopped = False
    try:
        while True:
            if events_reader.poll(0.1):
                try:
                    message = events_reader.recv_bytes()
                except EOFError:
                    break
                model.apply(decode_batch(message, lineage))
            if model.finished:
                break
            elapsed = time.monotonic() - started
            if stop_after is not None and elapsed > stop_after and not stopped:
                stopped = True
                commands_writer.send(("shutdown", "all"))
            if elapsed > HANG_GUARD:
                raise TimeoutError("the traced run did not end")
    finally:
        launcher.join(10)
        if launcher.exitcode is None:
            launcher.kill()
            launcher.join()
        events_reader.close()
        commands_writer.close()
        subprocess.run(["rm", "-rf", run_dir], check=False)
    return model


def program(name: str, *argv: str, start_method: str = "") -> ScriptProgram:
    return load_script(
        str(PROGRAMS / name), list(argv), traced_python(), start_method=start_method
    )


def plain(name: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """The same program under the plain interpreter: the truth to compare with."""
    return subprocess.run(
        [traced_python(), str(PROGRAMS / name), *argv],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        env={k: v for k, v in os.environ.items() if not k.startswith("PROCESSION")},
    )
