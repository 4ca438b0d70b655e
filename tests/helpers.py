"""Helpers for tests that run real scenarios."""

from __future__ import annotations

from typing import Any

from core.engine.program import ScenarioProgram
from core.engine.run_to_end import run_to_end
from core.model.run_model import RunModel
from core.scenario.definition import Scenario
from core.scenario.rules import scenario_from_dict


def scenario(workers: list[dict[str, Any]], **top: Any) -> Scenario:
    """A validated scenario from plain data (workers plus top-level keys)."""
    return scenario_from_dict({"title": "test", **top, "workers": workers})


def run(
    spec: Scenario | dict[str, Any],
    timeout: float = 60.0,
    on_events: Any = None,
    sample_hz: float = 5.0,
) -> RunModel:
    """Run a scenario to its end with a real conductor; return the model.

    ``on_events(link, model, events)`` is called after each batch, e.g. to
    send commands mid-run. ``timeout`` is a hang guard, far above any test's
    run (RunDidNotEnd, a TimeoutError, if it is reached); the link is always
    shut down.
    """
    if isinstance(spec, dict):
        spec = scenario_from_dict({"title": "test", **spec})
    return run_to_end(
        ScenarioProgram(spec),
        sample_hz=sample_hz,
        give_up_after=timeout,
        on_events=on_events,
    )
