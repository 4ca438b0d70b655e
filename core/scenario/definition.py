"""Scenarios: what the main program does, as plain data.

A scenario is data only. Reading one never runs code and never unpickles; a
custom target's code is kept as text and only compiled (to find syntax errors
with their line) until someone runs it. Validation is strict and complete: every
problem is reported with its field path (``workers[1].count``) and, when the
scenario came from a file, its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.scenario import target_catalog

MODES = ("process", "thread")
START_METHODS = ("spawn", "fork", "forkserver", "default")
ACTIONS = ("stop", "terminate", "kill")
MAX_WORKERS = 1024
MAX_CODE_CHARS = 256 * 1024
MAX_DELAY = 3600.0  # seconds: a worker's start_delay
MAX_RUN_SECONDS = 86_400.0  # seconds: join_timeout and an action's time
NAME_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,39}", re.ASCII)

Path = tuple[str | int, ...]
Locate = Callable[[Path], int | None]


@dataclass(frozen=True)
class WorkerGroup:
    """``count`` workers that run the same target."""

    name: str
    target: str
    count: int = 1
    args: Mapping[str, Any] = field(default_factory=dict)
    start_delay: float = 0.0
    daemon: bool = False
    function: str = ""
    code: str = ""
    mode: str | None = None
    start_method: str | None = None
    wait_for_previous: bool = False

    def instance_names(self) -> list[str]:
        if self.count == 1:
            return [self.name]
        return [f"{self.name}-{i}" for i in range(1, self.count + 1)]


@dataclass(frozen=True)
class Action:
    """At ``at`` seconds, the main program does ``action`` to ``worker``."""

    at: float
    action: str
    worker: str


@dataclass(frozen=True)
class WorkerSpec:
    """One worker instance, fully resolved: what the conductor starts."""

    worker_id: int
    name: str
    group: str
    stage: int
    target: str
    args: Mapping[str, Any]
    mode: str
    start_method: str
    start_delay: float
    daemon: bool
    function: str = ""
    code: str = ""


@dataclass(frozen=True)
class Scenario:
    title: str = "Untitled scenario"
    description: str = ""
    mode: str = "process"
    start_method: str = "spawn"
    join: bool = True
    join_timeout: float | None = None
    workers: tuple[WorkerGroup, ...] = ()
    actions: tuple[Action, ...] = ()
    max_output_lines: int = 10_000
    max_processes: int = 512
    question: str = ""
    """A question the class answers before Run (predict, then reveal)."""
    answer: str = ""
    """Its answer: hidden until the run has ended or the teacher reveals it."""
    takeaway: str = ""
    """The lesson in one line, written under exported slides."""

    # -- derived views -----------------------------------------------------------

    def instances(self) -> list[WorkerSpec]:
        specs: list[WorkerSpec] = []
        stage = 0
        for index, group in enumerate(self.workers):
            if index and group.wait_for_previous:
                stage += 1
            for name in group.instance_names():
                specs.append(
                    WorkerSpec(
                        worker_id=len(specs) + 1,
                        name=name,
                        group=group.name,
                        stage=stage,
                        target=group.target,
                        args=dict(group.args),
                        mode=group.mode or self.mode,
                        start_method=group.start_method or self.start_method,
                        start_delay=group.start_delay,
                        daemon=group.daemon,
                        function=group.function,
                        code=group.code,
                    )
                )
        return specs

    def resolve_worker_ref(self, ref: str) -> list[str]:
        """Instance names an action's ``worker`` refers to (empty if none)."""
        if ref == "all":
            return [s.name for s in self.instances()]
        for group in self.workers:
            if group.name == ref:
                return group.instance_names()
        names = [s.name for s in self.instances()]
        return [ref] if ref in names else []

    @property
    def has_custom_code(self) -> bool:
        return any(g.target == target_catalog.CUSTOM for g in self.workers)

    def to_dict(self) -> dict[str, Any]:
        """Plain data in file order; optional fields only when they differ."""
        data: dict[str, Any] = {
            "title": self.title,
            "description": self.description,
            "mode": self.mode,
            "start_method": self.start_method,
            "join": self.join,
        }
        if self.join_timeout is not None:
            data["join_timeout"] = self.join_timeout
        for key in ("max_output_lines", "max_processes"):
            if getattr(self, key) != getattr(Scenario, key):
                data[key] = getattr(self, key)
        for key in ("question", "answer", "takeaway"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        data["workers"] = [_group_to_dict(g) for g in self.workers]
        if self.actions:
            data["actions"] = [
                {"at": a.at, "action": a.action, "worker": a.worker}
                for a in self.actions
            ]
        return data


def _group_to_dict(group: WorkerGroup) -> dict[str, Any]:
    data: dict[str, Any] = {"name": group.name, "target": group.target}
    if group.function:
        data["function"] = group.function
    data["count"] = group.count
    data["args"] = dict(group.args)
    if group.start_delay:
        data["start_delay"] = group.start_delay
    if group.daemon:
        data["daemon"] = True
    for key in ("mode", "start_method"):
        if getattr(group, key):
            data[key] = getattr(group, key)
    if group.wait_for_previous:
        data["wait_for_previous"] = True
    if group.code:
        data["code"] = group.code
    return data
