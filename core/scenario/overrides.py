"""A scenario with its groups forced to one mode or start method (the CLI's
``--mode`` and ``--start-method``), checked again by the same rules."""

from __future__ import annotations

from dataclasses import replace

from core.scenario.definition import Scenario
from core.scenario.rules import scenario_from_dict


def with_overrides(
    scenario: Scenario, mode: str | None = None, start_method: str | None = None
) -> Scenario:
    """The same scenario with every group forced to ``mode``/``start_method``.

    Re-validated: forcing threads onto a scenario that terminates a worker
    is an error, not a silent change.
    """
    groups = tuple(
        replace(
            g,
            mode=None if mode else g.mode,
            start_method=None if start_method else g.start_method,
        )
        for g in scenario.workers
    )
    changed = replace(
        scenario,
        workers=groups,
        mode=mode or scenario.mode,
        start_method=start_method or scenario.start_method,
    )
    return scenario_from_dict(changed.to_dict())
