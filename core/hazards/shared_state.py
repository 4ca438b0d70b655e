"""Terminating a process that uses a Queue, Lock or other shared object.

The documentation warns that terminate() and kill() can leave such objects
broken for every other process. Whether a process used one is known only from
what a traced program says: a repr among its arguments (``LaneAdded.args``),
or a MARK labelled "uses" whose data names the object. Scenarios carry
neither, so their terminate() actions never trigger this.
"""

from __future__ import annotations

import re

from core.hazards.hazard import Hazard, seconds
from core.model.lanes import Lane
from core.model.outcomes import SignalRecord
from core.model.run_model import RunModel

SHARED = re.compile(
    r"\b(?:Simple|Joinable)?Queue\b|\bR?Lock\b|\bSemaphore\b|\bBoundedSemaphore\b"
    r"|\bCondition\b|\bBarrier\b|\bConnection\b|\bPipe\b|\bValue\b|\bArray\b"
    r"|Proxy\b"
)
"""Names of the shared objects the documentation's warning is about."""
NOT_PROGRAM = {"daemon_cleanup", "shutdown", "escalate", "process_cap"}


def shared_objects(lane: Lane) -> list[str]:
    """The shared objects a lane is known to use, by name."""
    texts = [repr(value) for value in lane.args.values()]
    texts += [m.detail for m in lane.markers if m.kind == "mark" and m.label == "uses"]
    return sorted({match for text in texts for match in SHARED.findall(text)})


def _by_program(record: SignalRecord) -> bool:
    words = f"{record.action} {record.by}"
    return (
        record.signal in ("SIGTERM", "SIGKILL")
        and record.action not in NOT_PROGRAM
        and "daemon cleanup" not in words
        and record.by != "the user"
    )


def terminate_with_shared_state(model: RunModel) -> list[Hazard]:
    found = []
    for lane in model.worker_lanes():
        sent = [s for s in lane.signals if _by_program(s)]
        used = shared_objects(lane)
        if lane.kind != "process" or not sent or not used:
            continue
        first = sent[0]
        how = "kill()" if first.signal == "SIGKILL" else "terminate()"
        objects = ", ".join(used)
        found.append(
            Hazard(
                "terminate_with_shared_state",
                f"{how} of a process that used a {used[0]}",
                f"{lane.name} was stopped with {how} at {seconds(first.t)} while it "
                f"used shared objects ({objects}). {how} stops it at once: it "
                "cannot finish what it was doing with them. A lock it held stays "
                "locked, and a queue can be left half-written, so the other "
                "processes may wait forever or read broken data.",
                "Ask the process to stop instead (send it a 'stop' message or set "
                "an Event it checks), let it finish cleanly, then join() it.",
                "multiprocessing.Process.terminate",
                lane.worker_id,
                first.t,
                (lane.worker_id,),
                (
                    f"{first.signal} sent to {lane.name} at {seconds(first.t)} "
                    f"by {first.by}",
                    f"it used: {objects}",
                ),
            )
        )
    return found
