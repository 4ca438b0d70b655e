"""Strict validation of scenario data: every problem, with its field and line.

Kept apart from the scenario dataclasses (core/scenario/definition.py) because only
validation needs the compiler (custom code is parsed, never run) and the
per-field rules; workers and exporters only read validated scenarios.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from core.input_checks import (
    InputError,
    Problem,
    check_bool,
    check_choice,
    check_float,
    check_int,
    check_str,
    type_name,
)
from core.scenario import target_catalog
from core.scenario.custom_code_rules import custom_code_problem
from core.scenario.definition import (
    ACTIONS,
    MAX_CODE_CHARS,
    MAX_DELAY,
    MAX_RUN_SECONDS,
    MAX_WORKERS,
    MODES,
    NAME_PATTERN,
    START_METHODS,
    Action,
    Locate,
    Path,
    Scenario,
    WorkerGroup,
)
from core.scenario.param_rules import check_param


def scenario_from_dict(data: Any, locate: Locate | None = None) -> Scenario:
    """Validate plain data into a Scenario, or raise InputError listing every
    problem with its field path and (via ``locate``) its line."""
    return _Validator(locate or (lambda path: None)).scenario(data)


def path_text(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


LESSON_TEXTS = ("question", "answer", "takeaway")
"""Optional texts of a lesson: a question to predict, its answer (hidden until
the run ends or the teacher reveals it) and the one-line takeaway of a slide."""


class _Validator:
    """Collects every problem instead of stopping at the first."""

    TOP = (
        "title",
        "description",
        "mode",
        "start_method",
        "join",
        "join_timeout",
        "workers",
        "actions",
        "max_output_lines",
        "max_processes",
        *LESSON_TEXTS,
    )
    GROUP = (
        "name",
        "target",
        "count",
        "args",
        "start_delay",
        "daemon",
        "function",
        "code",
        "mode",
        "start_method",
        "wait_for_previous",
    )
    ACTION = ("at", "action", "worker")

    def __init__(self, locate: Locate) -> None:
        self.locate = locate
        self.problems: list[Problem] = []

    def fail(self, path: Path, message: str) -> None:
        line = None
        for depth in range(len(path), 0, -1):  # the closest known enclosing line
            line = self.locate(path[:depth])
            if line:
                break
        self.problems.append(Problem(path_text(path), message, line))

    def table(self, value: Any, path: Path, known: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"expected a table, got {type_name(value)}")
            return {}
        for key in value:
            if key not in known:
                self.fail(
                    (*path, key),
                    f"unknown key {key!r}; known keys: " + ", ".join(known),
                )
        return value

    def failed(self, path: Path) -> bool:
        """Whether a problem was already reported at ``path``."""
        text = path_text(path)
        return any(problem.path == text for problem in self.problems)

    def get(
        self,
        data: dict[str, Any],
        path: Path,
        key: str,
        default: Any,
        check: Callable[[Any], str | None],
    ) -> Any:
        if key not in data:
            return default
        problem = check(data[key])
        if problem:
            self.fail((*path, key), problem)
            return default
        return data[key]

    def scenario(self, raw: Any) -> Scenario:
        data = self.table(raw, (), self.TOP)
        top = {
            "title": self.get(data, (), "title", "Untitled scenario", check_str),
            "description": self.get(
                data, (), "description", "", lambda v: check_str(v, 20_000)
            ),
            "mode": self.get(
                data, (), "mode", "process", lambda v: check_choice(v, MODES)
            ),
            "start_method": self.get(
                data,
                (),
                "start_method",
                "spawn",
                lambda v: check_choice(v, START_METHODS),
            ),
            "join": self.get(data, (), "join", True, check_bool),
            "join_timeout": self.get(
                data,
                (),
                "join_timeout",
                None,
                lambda v: check_float(v, 0, MAX_RUN_SECONDS),
            ),
            "max_output_lines": self.get(
                data,
                (),
                "max_output_lines",
                10_000,
                lambda v: check_int(v, 0, 1_000_000),
            ),
            "max_processes": self.get(
                data, (), "max_processes", 512, lambda v: check_int(v, 1, 8192)
            ),
            # predict-then-reveal and the slide's last line (issue 11)
            **{
                key: self.get(data, (), key, "", lambda v: check_str(v, 2_000))
                for key in LESSON_TEXTS
            },
        }
        groups = self.groups(data.get("workers"), top["mode"])
        scenario = Scenario(**top, workers=tuple(groups))
        actions = self.actions(data.get("actions", []), scenario)
        if self.problems:
            raise InputError(self.problems)
        return replace(scenario, actions=tuple(actions))

    def groups(self, raw: Any, default_mode: str) -> list[WorkerGroup]:
        if not isinstance(raw, list) or not raw:
            self.fail(
                ("workers",),
                "expected at least one [[workers]] table, got "
                + ("nothing" if raw is None else type_name(raw)),
            )
            return []
        groups: list[WorkerGroup] = []
        seen: set[str] = set()
        total = 0
        for index, item in enumerate(raw):
            group = self.group(item, ("workers", index), default_mode, index)
            if group is None:
                continue
            if group.name in seen:
                self.fail(
                    ("workers", index, "name"),
                    f"the name {group.name!r} is used by another group",
                )
            seen.update([*group.instance_names(), group.name])
            total += group.count
            groups.append(group)
        if total > MAX_WORKERS:
            self.fail(("workers",), f"{total} workers in all; at most {MAX_WORKERS}")
        return groups

    def group(
        self, raw: Any, path: Path, default_mode: str, index: int
    ) -> WorkerGroup | None:
        data = self.table(raw, path, self.GROUP)
        if not data and not isinstance(raw, dict):
            return None
        target = data.get("target")
        if target is None:
            self.fail(path, "missing key 'target'")
            return None
        choices = (*target_catalog.LIBRARY, target_catalog.CUSTOM)
        problem = check_choice(target, choices)
        if problem:
            self.fail((*path, "target"), problem)
            return None
        name = self.get(
            data,
            path,
            "name",
            target,
            lambda v: (
                check_str(v, 40)
                or (
                    None
                    if NAME_PATTERN.fullmatch(v)
                    else "use letters, digits, '_', '-' or '.' (at most 40)"
                )
            ),
        )
        mode = self.get(data, path, "mode", None, lambda v: check_choice(v, MODES))
        group = WorkerGroup(
            name=name,
            target=target,
            count=self.get(
                data, path, "count", 1, lambda v: check_int(v, 1, MAX_WORKERS)
            ),
            start_delay=self.get(
                data, path, "start_delay", 0.0, lambda v: check_float(v, 0, MAX_DELAY)
            ),
            daemon=self.get(data, path, "daemon", False, check_bool),
            function=self.get(data, path, "function", "", check_str),
            code=self.get(
                data, path, "code", "", lambda v: check_str(v, MAX_CODE_CHARS)
            ),
            mode=mode,
            start_method=self.get(
                data,
                path,
                "start_method",
                None,
                lambda v: check_choice(v, START_METHODS),
            ),
            wait_for_previous=self.get(
                data, path, "wait_for_previous", False, check_bool
            ),
        )
        if group.wait_for_previous and index == 0:
            self.fail(
                (*path, "wait_for_previous"),
                "the first group has no previous group to wait for",
            )
        args = data.get("args", {})
        if not isinstance(args, dict):
            self.fail((*path, "args"), f"expected a table, got {type_name(args)}")
            args = {}
        if target == target_catalog.CUSTOM:
            self.custom(group, args, path)
        else:
            self.library_args(target_catalog.LIBRARY[target], args, path, group)
            thread_problem = target_catalog.LIBRARY[target].thread_problem
            if (mode or default_mode) == "thread" and thread_problem:
                self.fail(
                    (*path, "target"),
                    f"{target!r} cannot run as a thread: {thread_problem}",
                )
        return replace(group, args=dict(args))

    def library_args(
        self,
        target: target_catalog.Target,
        args: dict[str, Any],
        path: Path,
        group: WorkerGroup,
    ) -> None:
        for key in ("function", "code"):
            if getattr(group, key):
                self.fail((*path, key), "only used with target = 'custom'")
        for key, value in args.items():
            param = target.param(key)
            if param is None:
                known = ", ".join(p.name for p in target.params) or "none"
                self.fail(
                    (*path, "args", key),
                    f"{target.name!r} has no argument {key!r}; its arguments: {known}",
                )
                continue
            problem = check_param(param, value)
            if problem:
                self.fail((*path, "args", key), problem)

    def custom(self, group: WorkerGroup, args: dict[str, Any], path: Path) -> None:
        if not group.code.strip():
            # Unless the code was there and refused (too long, not text): that
            # problem is already named, and "needs its code" would be false.
            if not self.failed((*path, "code")):
                self.fail((*path, "code"), "a custom target needs its code")
            return
        if not group.function:
            self.fail(
                (*path, "function"),
                "a custom target needs the name of the function to call",
            )
            return
        problem = custom_code_problem(group.code, group.function, set(args))
        if problem:
            code_line, message = problem
            start = self.locate((*path, "code"))
            line = start + code_line if start and code_line else start
            self.problems.append(Problem(path_text((*path, "code")), message, line))
        for key, value in args.items():
            if type(value) not in (str, int, float, bool):
                self.fail(
                    (*path, "args", key),
                    "custom arguments must be text, "
                    f"numbers or booleans, got {type_name(value)}",
                )
            elif isinstance(value, float) and check_float(value):
                self.fail((*path, "args", key), check_float(value) or "")

    def actions(self, raw: Any, scenario: Scenario) -> list[Action]:
        if not isinstance(raw, list):
            self.fail(
                ("actions",),
                f"expected a list of [[actions]] tables, got {type_name(raw)}",
            )
            return []
        groups_invalid = any(p.path.startswith("workers") for p in self.problems)
        specs = {s.name: s for s in scenario.instances()}
        actions: list[Action] = []
        for index, item in enumerate(raw[:256]):
            path: Path = ("actions", index)
            data = self.table(item, path, self.ACTION)
            if not isinstance(item, dict):
                continue
            missing = [k for k in self.ACTION if k not in data]
            if missing:
                self.fail(path, "missing " + ", ".join(repr(k) for k in missing))
                continue
            at = self.get(
                data, path, "at", None, lambda v: check_float(v, 0, MAX_RUN_SECONDS)
            )
            kind = self.get(
                data, path, "action", None, lambda v: check_choice(v, ACTIONS)
            )
            worker = self.get(data, path, "worker", None, check_str)
            if at is None or kind is None or worker is None:
                continue
            names = scenario.resolve_worker_ref(worker)
            if not names and groups_invalid:
                continue  # the names depend on fields that are already wrong
            if not names:
                self.fail(
                    (*path, "worker"),
                    f"no worker or group named {worker!r}; "
                    "use an instance name, a group name or 'all'",
                )
                continue
            threads = [n for n in names if specs[n].mode == "thread"]
            if kind != "stop" and threads:
                self.fail(
                    (*path, "action"),
                    f"cannot {kind} {threads[0]!r}: threads "
                    "cannot be force-stopped; use 'stop' (cooperative)",
                )
                continue
            actions.append(Action(float(at), kind, worker))
        if isinstance(raw, list) and len(raw) > 256:
            self.fail(("actions",), f"{len(raw)} actions; at most 256")
        return sorted(actions, key=lambda a: a.at)
