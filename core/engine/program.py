"""What a run runs: a :class:`Program`, and the first kind of program, a scenario.

The engine needs five things from whatever it runs, and nothing else: how to
start the main program (a function the conductor process calls, with its
arguments), a title and a description, its process cap, what to show before
it runs, and the reasons this machine cannot run it. A scenario is one such
program; a user's own script, traced, will be another (docs/ARCHITECTURE.md,
"a new source of events").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from core.engine import preflight
from core.engine.conductor import conductor_main
from core.model.run_model import RunModel
from core.scenario import lane_announcements
from core.scenario.definition import Scenario

MainEntry = tuple[Callable[..., None], tuple[Any, ...]]
"""The function the conductor process runs and its first arguments; the link
appends its own: the events pipe, the commands pipe and the run directory.
Spawn pickles both, so the function must be importable by name."""


class Program(Protocol):
    @property
    def title(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def max_processes(self) -> int:
        """The run's process cap (workers and everything they start)."""
        ...

    def main_entry(self) -> MainEntry: ...

    def preview(self) -> RunModel:
        """The model shown before the run (lanes known in advance, no events)."""
        ...

    def preflight_problems(self) -> list[str]:
        """Why this machine cannot run it as a whole (empty: it can)."""
        ...


@dataclass(frozen=True)
class ScenarioProgram:
    """A scenario, played by the conductor's scenario player."""

    scenario: Scenario

    @property
    def title(self) -> str:
        return self.scenario.title

    @property
    def description(self) -> str:
        return self.scenario.description

    @property
    def max_processes(self) -> int:
        return self.scenario.max_processes

    def main_entry(self) -> MainEntry:
        return conductor_main, (self.scenario,)

    def preview(self) -> RunModel:
        return lane_announcements.preview_model(self.scenario)

    def preflight_problems(self) -> list[str]:
        return preflight.problems(self.scenario)
