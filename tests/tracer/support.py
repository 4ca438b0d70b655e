"""Running a traced program for tests: the launcher in its own process, as
the app's link starts it, its batches decoded with a Lineage into a model."""

from __future__ import annotations

import contextlib
import glob
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from core.model.decoding import Lineage, decode_batch
from core.model.run_model import Lane, RunModel
from core.tracer.launcher import trace_main
from core.tracer.script_program import ScriptProgram, load_script

PROGRAMS = Path(__file__).resolve().parent.parent / "programs"


def _installed(version: str) -> str:
    """pyenv's newest interpreter for ``version`` (the real binary, not the
    shim); newest by number: as text, 3.12.9 would sort after 3.12.10."""
    found = glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python"))

    def micro(path: str) -> int:
        release = Path(path).parent.parent.name.split(".")[2]
        return int(release) if release.isdigit() else -1  # 3.13.0t and the like

    return max(found, key=micro) if found else ""


PYTHONS = {
    "3.11": sys.executable,
    "3.12": _installed("3.12"),
    "3.13": _installed("3.13"),
}
HANG_GUARD = 60.0  # seconds: a traced program here takes 2 s at most


def traced_python() -> str:
    """The interpreter the traced programs run under: PROCESSION_TRACED_PYTHON
    (a version such as 3.12, or a path), else the one running the tests."""
    chosen = os.environ.get("PROCESSION_TRACED_PYTHON", "")
    python = PYTHONS.get(chosen, chosen) or sys.executable
    if not os.path.exists(python):
        raise RuntimeError(f"PROCESSION_TRACED_PYTHON={chosen}: no such interpreter")
    return python


def run_traced(
    program: ScriptProgram,
    streams: tuple[int, int] | None = None,
    stop_after: float | None = None,
) -> RunModel:
    """Run to the end; ``streams``: descriptors the script's fd 1 and 2 go to
    (the launcher passes its own on, as the conductor does the terminal's)."""
    ctx = multiprocessing.get_context("spawn")
    events_reader, events_writer = ctx.Pipe(duplex=False)
    commands_reader, commands_writer = ctx.Pipe(duplex=False)
    run_dir = tempfile.mkdtemp(prefix="procession-test-trace-")
    saved = [os.dup(1), os.dup(2)] if streams is not None else []
    if streams is not None:
        os.dup2(streams[0], 1)
        os.dup2(streams[1], 2)
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
    """The same program under the plain interpreter: the truth to compare with.
    Both runs get Ctrl+C as in a terminal's foreground, whatever started the
    tests (a job started with ``&`` ignores SIGINT, and so would this child:
    a KeyboardInterrupt then never happened plainly)."""
    return subprocess.run(
        [traced_python(), str(PROGRAMS / name), *argv],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        env={k: v for k, v in os.environ.items() if not k.startswith("PROCESSION")},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def run_both(name: str, *argv: str) -> tuple[RunModel, str, str, str, str, int]:
    """The program traced and plain: (model, traced out, traced err, plain out,
    plain err, plain exit status)."""
    with whole_line_writes():
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            model = run_traced(program(name, *argv), (out.fileno(), err.fileno()))
            out.seek(0)
            err.seek(0)
            traced_out, traced_err = out.read().decode(), err.read().decode()
        done = plain(name, *argv)
    return model, traced_out, traced_err, done.stdout, done.stderr, done.returncode


@contextlib.contextmanager
def whole_line_writes() -> Iterator[None]:
    """Both runs with buffered standard streams, so their outputs can be
    compared as sorted lines. PYTHONUNBUFFERED=1 (set on some CI machines)
    makes print() write each piece apart ("working", then "\\n"): two
    children printing at once then mix inside a line, plain as traced (the
    relay passes bytes on as they come, as the terminal would get them), and
    the plain run printed "workingworking" once in 30. A buffered stream writes
    a flushed print() in one write."""
    saved = os.environ.pop("PYTHONUNBUFFERED", None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ["PYTHONUNBUFFERED"] = saved


def lane(model: RunModel, name: str) -> Lane:
    found = [lane for lane in model.lanes.values() if lane.name == name]
    assert len(found) == 1, f"{len(found)} lanes named {name!r}: {list(model.lanes)}"
    return found[0]
