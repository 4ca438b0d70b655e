"""Hand-made runs in event protocol v2, shaped as a traced program sends them.

Each lane's own events come from the lane (its sender); what a parent sees of
a child (lane_added, start, join, signals, exit) comes from the parent's
sender, as the tracer's trust rule has it; samples are the app's (unnumbered).
"""

from __future__ import annotations

from typing import Any

from core.hazards import Hazard, detect
from core.model.events import Event, EventKind
from core.model.kinds import TRACED_MAIN
from core.model.run_model import RunModel

MS = 1_000_000
MAIN_SENDER = TRACED_MAIN  # events from a traced main program


class Run:
    def __init__(self, cpu_count: int = 2, program_kind: str = "script") -> None:
        self.model = RunModel()
        self.seq: dict[int, int] = {}
        self.send(
            0,
            0,
            "run_started",
            0,
            pid=100,
            cpu_count=cpu_count,
            program_kind=program_kind,
            start_method="spawn",
        )

    def send(
        self, sender: int, ms: float, kind: str, lane: int, /, **data: Any
    ) -> None:
        seq = -1
        if sender != -1:
            seq = self.seq.get(sender, 0)
            self.seq[sender] = seq + 1
        event = Event.make(
            EventKind(kind), lane, data, sender=sender, seq=seq, t_ns=int(ms * MS)
        )
        self.model.apply([event])

    def signal(self, lane: int, ms: float, signal: str, action: str, by: str) -> None:
        """The traced main program's signal to ``lane`` (who sent it: ``by``)."""
        self.send(
            MAIN_SENDER,
            ms,
            "signal_sent",
            lane,
            caller=0,
            signal=signal,
            action=action,
            by=by,
        )

    def _as(self, lane: int) -> int:
        return MAIN_SENDER if lane == 0 else lane

    def add(
        self,
        lane: int,
        name: str,
        ms: float = 1,
        *,
        parent: int = 0,
        kind: str = "process",
        **data: Any,
    ) -> None:
        self.send(
            self._as(parent),
            ms,
            "lane_added",
            lane,
            name=name,
            kind=kind,
            parent=parent,
            **data,
        )

    def start(self, lane: int, ms: float, boot_ms: float = 40, parent: int = 0) -> None:
        """start() called at ms; booted and target started boot_ms later."""
        self.send(self._as(parent), ms, "start_called", lane, caller=parent)
        self.send(
            self._as(parent),
            ms + 1,
            "start_returned",
            lane,
            caller=parent,
            pid=1000 + lane,
        )
        self.send(lane, ms + boot_ms, "booted", lane, pid=1000 + lane)
        self.send(lane, ms + boot_ms + 1, "target_started", lane, target="work")

    def returned(self, lane: int, ms: float, value: str = "None") -> None:
        self.send(lane, ms, "target_returned", lane, value=value)

    def exited(
        self, lane: int, ms: float, code: int | None = 0, parent: int = 0, **data: Any
    ) -> None:
        self.send(self._as(parent), ms, "exited", lane, exitcode=code, **data)

    def join(
        self,
        lane: int,
        called: float,
        returned: float | None = None,
        *,
        timeout: float | None = None,
        timed_out: bool = False,
        parent: int = 0,
    ) -> None:
        self.send(
            self._as(parent),
            called,
            "join_called",
            lane,
            caller=parent,
            timeout=timeout,
        )
        if returned is not None:
            self.send(
                self._as(parent),
                returned,
                "join_returned",
                lane,
                caller=parent,
                timed_out=timed_out,
            )

    def worker(
        self,
        lane: int,
        name: str,
        start: float,
        end: float,
        *,
        code: int = 0,
        **lane_data: Any,
    ) -> None:
        """A process that starts, returns at ``end`` and exits 2 ms later."""
        self.add(lane, name, start - 1, **lane_data)
        self.start(lane, start)
        self.returned(lane, end)
        self.exited(lane, end + 2, code)

    def samples(self, lane: int, start: float, end: float, cpu: float) -> None:
        """Readings every 200 ms at ``cpu`` percent of a core."""
        t = start
        while t <= end:
            self.send(-1, t, "sample", lane, cpu=cpu, rss=1, threads=1)
            t += 200

    def finish(self, ms: float, joined: bool = True) -> list[Hazard]:
        self.send(MAIN_SENDER, ms, "main_finished", 0, joined=joined)
        self.send(0, ms + 1, "run_finished", 0)
        return detect(self.model)


def kinds(hazards: list[Hazard]) -> list[str]:
    return [hazard.kind for hazard in hazards]
