"""Every detector, in the order hazards are listed, and one call to run them."""

from __future__ import annotations

from collections.abc import Callable

from core.hazards import cpu, exits, joins, pools, shared_state, starting
from core.hazards.hazard import Hazard
from core.model.run_model import RunModel

Detector = Callable[[RunModel], list[Hazard]]

DETECTORS: dict[str, Detector] = {
    "missing_main_guard": starting.missing_main_guard,
    "join_before_queue_read": joins.join_before_queue_read,
    "daemon_ended_at_exit": exits.daemon_ended_at_exit,
    "pool_shutdown_under_tasks": pools.shutdown_under_tasks,
    "broken_pool": pools.broken_pool,
    "never_joined": joins.never_joined,
    "never_started": joins.never_started,
    "join_timed_out": joins.join_timed_out,
    "fork_with_threads": starting.fork_with_threads,
    "orphan": exits.orphans,
    "cpu_bound_threads": cpu.cpu_bound_threads,
    "throttled_machine": cpu.throttled_machine,
    "start_cost": starting.start_cost,
    "terminate_with_shared_state": shared_state.terminate_with_shared_state,
}
"""Issue 13's twelve traps (the sixth is three: never joined, never started,
join timed out), keyed by the kind each reports."""


def detect(model: RunModel) -> list[Hazard]:
    """Every hazard in the run so far, in time order. Cheap enough to call
    again as a live run grows: each detector reads the model once."""
    found = [hazard for detector in DETECTORS.values() for hazard in detector(model)]
    return sorted(found, key=lambda hazard: (hazard.at, hazard.lane))
