"""Benchmark 11: pool task events into the real collector and model.

Issue 14 item 5: a traced ``Pool`` sends two events per task (TASK_STARTED,
TASK_ENDED); the tracer must take at least 200 000 of them a second, and lose
none. Synthetic senders, each a real forked process, speak the hook's own
protocol: they connect with the hook's ``Channel``
(core/tracer/hook/procession_trace.py: one AF_UNIX SOCK_SEQPACKET message per
event, sent synchronously), announce themselves as the pool's workers do (the
parent's LANE_ADDED and START_RETURNED, the child's BOOTED with its uid), then
send task_started / task_ended pairs as fast as they can. The real
``Collector``, in a process of its own, reads them and frames them as the
launcher does, and sends them in batches over a pipe, as the launcher does to
the app; here they are decoded with the traced program's trust rule
(``decode_batch`` with a ``Lineage``) and applied to a real ``RunModel``.
Senders, collector and app are separate processes, as in a real run, on the
machine's 2 cores.

Rate = task events applied / (go signal → last one applied). Lost = task
events sent - task events applied, and every task must be a closed span on
its sender's lane.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import shutil
import tempfile
import time
from multiprocessing.connection import Connection
from typing import Any

from bench.common import Report, median, table
from core.model.decoding import Lineage, decode_batch
from core.model.frames import frame
from core.model.kinds import MAIN_ID, EventKind
from core.model.run_model import RunModel
from core.tracer.collector import Collector
from core.tracer.hook.procession_trace import Channel
from core.tracer.launcher import FLUSH_FRAMES
from core.tracer.script_program import ScriptProgram
from core.worker.wire import encode

TARGET = 200_000  # task events a second
TASK_KINDS = (EventKind.TASK_STARTED, EventKind.TASK_ENDED)


def _sender(path: str, uid: str, go: int, tasks: int) -> None:
    """A pool worker's side, in a forked child: never returns."""
    try:
        channel = Channel(path)
        channel.connect()
        channel.send("booted", {"uid": uid, "pid": os.getpid(), "ppid": os.getppid()})
        os.read(go, 1)  # every sender starts at once
        for task in range(tasks):
            channel.send(
                "task_started",
                {"task_id": task, "label": "square", "detail": f"({task},)"},
            )
            channel.send("task_ended", {"task_id": task, "outcome": "ok"})
    finally:
        os._exit(0)


def ingest(senders: int, tasks: int) -> dict[str, Any]:
    """One run: ``senders`` processes × ``tasks`` tasks each, collected in a
    process of its own (the launcher's place), decoded and applied here (the
    app's), the two joined by a pipe of batches as in a real run."""
    folder = tempfile.mkdtemp(prefix="procession-ingest-")
    reader, writer = multiprocessing.Pipe(duplex=False)
    collecting = os.fork()
    if collecting == 0:
        reader.close()
        try:
            _collect(os.path.join(folder, "trace.sock"), senders, tasks, writer)
        finally:
            os._exit(0)
    writer.close()
    model: RunModel = ScriptProgram(path=os.path.join(folder, "pool.py")).preview()
    lineage = Lineage()
    applied = damaged = 0
    began = last = 0.0
    try:
        while True:
            try:
                batch = reader.recv_bytes()
            except EOFError:
                break
            if not batch:  # the senders were told to go
                began = last = time.perf_counter()
                continue
            events = decode_batch(batch, lineage)
            model.apply(events)
            damaged += sum(1 for e in events if e.kind is EventKind.EVENT_DAMAGED)
            done = sum(1 for e in events if e.kind in TASK_KINDS)
            if done:
                applied += done
                last = time.perf_counter()
    finally:
        reader.close()
        os.waitpid(collecting, 0)
        shutil.rmtree(folder, ignore_errors=True)
    spans = [task for lane in model.lanes.values() for task in lane.tasks]
    closed = sum(1 for task in spans if task.end is not None and task.outcome == "ok")
    sent = 2 * senders * tasks
    return {
        "rate": applied / (last - began) if last > began else 0.0,
        "sent": sent,
        "lost": sent - applied,
        "spans": closed,
        "damaged": damaged,
    }


def _collect(path: str, senders: int, tasks: int, out: Connection) -> None:
    """The launcher's part: the collector, and the batches it forwards."""
    own: list[bytes] = []

    def emit(kind: EventKind, lane: int, data: dict[str, Any]) -> None:
        body = encode(str(kind), len(own), time.monotonic_ns(), data)
        own.append(frame(MAIN_ID, lane, body))

    collector = Collector(path, os.getpid, emit)
    parent = Channel(path)  # this process is the traced main program
    parent.connect()
    go_read, go_write = os.pipe()
    alive = set()
    for index in range(senders):
        uid = f"bench.{index}"
        data = {"name": f"ForkPoolWorker-{index + 1}", "kind": "process"}
        parent.send("lane_added", {**data, "start_method": "fork"}, uid)
        pid = os.fork()
        if pid == 0:
            _sender(path, uid, go_read, tasks)
        parent.send("start_returned", {"pid": pid, "start_method": "fork"}, uid)
        alive.add(pid)
    os.close(go_read)
    out.send_bytes(b"")
    os.write(go_write, b"g" * senders)
    while alive or collector.open_peers() > 1:  # the parent's stays open
        select.select([collector.fileno(), *collector.sockets()], [], [], 0.05)
        collector.poll()
        frames = own + collector.take_frames()
        own.clear()
        for first in range(0, len(frames), FLUSH_FRAMES):
            out.send_bytes(b"".join(frames[first : first + FLUSH_FRAMES]))
        for pid in list(alive):
            if os.waitpid(pid, os.WNOHANG)[0]:
                alive.discard(pid)
    out.close()


def run(quick: bool) -> Report:
    report = Report("11", "Pool task events into the collector and model")
    sizes = [(1, 2_000), (8, 250)] if quick else [(1, 100_000), (8, 12_500)]
    trials = 1 if quick else 3
    rows = []
    for senders, tasks in sizes:
        runs = [ingest(senders, tasks) for _ in range(trials)]
        rate = median([r["rate"] for r in runs])
        lost = max(r["lost"] for r in runs)
        spans = min(r["spans"] for r in runs)
        damaged = max(r["damaged"] for r in runs)
        rows.append(
            [
                str(senders),
                f"{tasks:,}",
                f"{rate:,.0f}",
                str(lost),
                f"{spans:,}/{senders * tasks:,}",
                str(damaged),
            ]
        )
        report.check(
            f"task events, {senders} sender(s), 0 lost",
            f">= {TARGET:,}/s",
            f"{rate:,.0f}/s, {lost} lost, {spans:,} closed spans",
            rate >= TARGET and lost == 0 and spans == senders * tasks,
        )
    report.tables.append(
        table(
            ["senders", "tasks each", "events/s", "lost", "closed spans", "damaged"],
            rows,
        )
    )
    return report
