"""The lanes a scenario will have, as the conductor announces them.

The conductor sends RUN_STARTED and one ``LANE_ADDED`` per worker instance at
run start; the window shows the same lanes and title before the run (a lesson
opens on its lanes), built from the same functions, so the two cannot disagree.
"""

from __future__ import annotations

from typing import Any

from core.model.events import MAIN_ID, Event, EventKind
from core.model.run_model import RunModel
from core.scenario.definition import Scenario, WorkerSpec
from core.worker.wire import plain_dict


def lane_of(spec: WorkerSpec) -> dict[str, Any]:
    """The LANE_ADDED payload of one worker instance (plain values only)."""
    return {
        "name": spec.name,
        "kind": spec.mode,
        "parent": MAIN_ID,
        "start_method": spec.start_method if spec.mode == "process" else "thread",
        "target": spec.target,
        "group": spec.group,
        "daemon": spec.daemon,
        "args": plain_dict(spec.args),
    }


def run_info(scenario: Scenario) -> dict[str, Any]:
    """What RUN_STARTED says about the scenario (the conductor adds the machine)."""
    return {
        "title": scenario.title,
        "description": scenario.description,
        "takeaway": scenario.takeaway,
        "program_kind": "scenario",
        "mode": scenario.mode,
        "start_method": scenario.start_method,
        "join": scenario.join,
    }


def preview(scenario: Scenario) -> list[Event]:
    """What the run will announce, for a model before its run starts: its
    metadata (RUN_STARTED, which a model only reads here) and every lane."""
    return [
        Event.make(EventKind.RUN_STARTED, MAIN_ID, run_info(scenario)),
        *(
            Event.make(EventKind.LANE_ADDED, spec.worker_id, lane_of(spec))
            for spec in scenario.instances()
        ),
    ]


def preview_model(scenario: Scenario) -> RunModel:
    """A model that shows ``scenario`` before its run, ready to receive it."""
    return RunModel(preview(scenario), source=scenario.to_dict())
