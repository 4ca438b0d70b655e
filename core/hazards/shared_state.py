"""Terminating a process that uses a Queue, Lock or other shared object.

The documentation warns that terminate() and kill() can leave such objects
broken for every other process. Whether a process used one is known only from
what a program says: the objects a traced Process was given, noted at its
start() (``Call.shares``), a repr among its arguments (``LaneAdded.args``),
or a MARK labelled "uses" whose data names the object. Scenarios carry none,
so their terminate() actions never trigger this. An Event alone is not
warned about: it holds its lock only for an instant inside set() or wait(),
and lesson 5 uses one as a "ready" flag before it kills the process.
"""

from __future__ import annotations

import re

from core.hazards.hazard import Hazard, events_about, seconds
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
POOLS = {"the pool's shutdown", "the executor"}
"""A pool's own workers hold its queues: ending them is the pool's hazard."""
HARMLESS = {"Event"}


def shared_objects(model: RunModel, lane: Lane) -> list[str]:
    """The shared objects a lane is known to use, by name."""
    texts = [repr(value) for value in lane.args.values()]
    texts += [m.detail for m in lane.markers if m.kind == "mark" and m.label == "uses"]
    found = {match for text in texts for match in SHARED.findall(text)}
    for event in events_about(model, lane, "start_called"):
        found.update(getattr(event.data, "shares", ()))
    return sorted(found - HARMLESS)


def _by_program(record: SignalRecord) -> bool:
    words = f"{record.action} {record.by}"
    return (
        record.signal in ("SIGTERM", "SIGKILL")
        and record.action not in NOT_PROGRAM
        and record.by not in POOLS
        and "daemon cleanup" not in words
        and record.by != "the user"
    )


def terminate_with_shared_state(model: RunModel) -> list[Hazard]:
    found = []
    for lane in model.worker_lanes():
        sent = [s for s in lane.signals if _by_program(s)]
        used = shared_objects(model, lane)
        if lane.kind != "process" or not sent or not used:
            continue
        first = sent[0]
        how = "kill()" if first.signal == "SIGKILL" else "terminate()"
        objects = ", ".join(used)
        found.append(
            Hazard(
                "terminate_with_shared_state",
                f"{how} of a process that shares a {used[0]}",
                f"{lane.name} shared {objects} with other processes, and it was "
                f"stopped with {how} at {seconds(first.t)}. {how} stops a "
                "process at once, in the middle of whatever it was doing. A "
                "lock it held stays locked; a queue it was writing to can be "
                "left half-written. The other processes may then wait forever "
                "or read broken data.",
                "Ask the process to stop instead: send it a 'stop' message on "
                "the queue, or set an Event it checks. Let it finish cleanly, "
                "then join() it.",
                "multiprocessing.Process.terminate",
                lane.worker_id,
                first.t,
                (lane.worker_id,),
                (
                    f"{first.signal} sent to {lane.name} at {seconds(first.t)} "
                    f"by {first.by}",
                    f"it was given: {objects}",
                ),
            )
        )
    return found
