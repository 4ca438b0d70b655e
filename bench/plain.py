"""The baseline: the same workloads run by a plain ``multiprocessing`` script.

Only the standard library is imported here, so a spawn or forkserver child of
the plain script pays exactly what a student's script would. The plain parent
is itself a fresh spawned process (like Procession's conductor), started once
per trial, so both sides start from the same state: a new interpreter that has
never forked, never started a forkserver, with the same ``__main__``.

The child writes ``time.monotonic_ns()`` as its first line into a shared array:
the plain counterpart of Procession's BOOTED event.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from typing import Any


def _sleep(seconds: float = 1.0) -> str:
    """What Procession's ``sleep`` target does: print, sleep, print."""
    print("I'm going to sleep")
    time.sleep(seconds)
    print("I'm awake")
    return "done sleeping"


def _noop() -> None:
    return None


def _stop_requested() -> bool:
    return False


def _countdown(n: int = 20_000_000) -> int:
    """The same loop as Procession's ``countdown`` target, check call included."""
    while n > 0:
        chunk = min(n, 100_000)
        while chunk > 0:
            chunk -= 1
        n -= 100_000
        if _stop_requested():
            return max(n, 0)
    return 0


def _print_lines(count: int = 10, interval: float = 0.1, stream: str = "stdout") -> int:
    out = sys.stderr if stream == "stderr" else sys.stdout
    for i in range(1, count + 1):
        print(f"line {i} of {count}", file=out)
        if interval:
            time.sleep(interval)
    return count


WORKLOADS = {
    "noop": _noop,
    "sleep": _sleep,
    "countdown": _countdown,
    "print_lines": _print_lines,
}


def _child(report: Any, target: str, args: dict[str, Any]) -> None:
    first_line = time.monotonic_ns()
    WORKLOADS[target](**args)
    report.send((first_line, time.monotonic_ns() - first_line))


def plain_main(
    result: Any, target: str, args: dict[str, Any], count: int, method: str
) -> None:
    """Start ``count`` workers back to back, then join them in order.

    Sends back {starts, first_lines, target_ns, t_first_start, t_last_join} (ns).
    Each child reports over a pipe of its own, as Procession's workers do; a
    shared RawArray would make every spawn child import ctypes to unpickle it
    (several ms), slowing the baseline down.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # the children's prints go where a terminal would be
    ctx = multiprocessing.get_context(method)
    processes = []
    readers = []
    starts = []
    for _ in range(count):
        reader, writer = ctx.Pipe(duplex=False)
        starts.append(time.monotonic_ns())
        process = ctx.Process(target=_child, args=(writer, target, args))
        process.start()
        writer.close()
        processes.append(process)
        readers.append(reader)
    for process in processes:
        process.join()
    last_join = time.monotonic_ns()
    reports = [reader.recv() for reader in readers]
    result.send(
        {
            "starts": starts,
            "first_lines": [first for first, _ in reports],
            "target_ns": [took for _, took in reports],
            "exitcodes": [p.exitcode for p in processes],
            "t_first_start": starts[0],
            "t_last_join": last_join,
        }
    )
    result.close()


def run_plain(
    target: str, args: dict[str, Any], count: int, method: str, timeout: float = 120
) -> dict[str, Any]:
    """One trial of the plain script in a fresh spawned process."""
    ctx = multiprocessing.get_context("spawn")
    reader, writer = ctx.Pipe(duplex=False)
    parent = ctx.Process(
        target=plain_main, args=(writer, target, args, count, method), daemon=False
    )
    parent.start()
    writer.close()
    try:
        if not reader.poll(timeout):
            raise TimeoutError(f"the plain run did not finish within {timeout:g} s")
        data: dict[str, Any] = reader.recv()
    finally:
        reader.close()
        parent.join(timeout=5)
        if parent.exitcode is None:
            parent.kill()
            parent.join(timeout=5)
    return data


def bare_child(conn: Any) -> None:
    """The floor for starting any helper process: spawn, then say hello."""
    conn.send_bytes(time.monotonic_ns().to_bytes(8, "little"))
    conn.close()


def bare_spawn_ns() -> int:
    """start() of a bare spawned child → its first line, in ns."""
    ctx = multiprocessing.get_context("spawn")
    reader, writer = ctx.Pipe(duplex=False)
    child = ctx.Process(target=bare_child, args=(writer,))
    began = time.monotonic_ns()
    child.start()
    writer.close()
    try:
        if not reader.poll(30):
            raise TimeoutError("the bare child did not answer within 30 s")
        hello = int.from_bytes(reader.recv_bytes(), "little")
    finally:
        reader.close()
        child.join(timeout=5)
        if child.exitcode is None:
            child.kill()
            child.join()
    return hello - began
