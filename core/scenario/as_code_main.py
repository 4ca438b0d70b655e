"""The ``if __name__ == "__main__":`` block of a scenario shown as code.

The same order of operations as :class:`core.engine.scenario_player.MainProgram`:
per stage, start each worker at its start delay, then join each (with the join
timeout) when the scenario joins or another stage follows. Timed actions are
plain sleeps and calls when they all fall after the last start() (the usual
case, and the readable one); otherwise each is a ``threading.Timer``, because
the main thread may be blocked in a start delay or a join when it is due.
"""

from __future__ import annotations

import json
from typing import Any

from core.scenario.as_code_actions import ActionWriter, stoppable_targets
from core.scenario.definition import Scenario, WorkerGroup

INDENT = "    "
LINE_WIDTH = 88


def literal(value: Any) -> str:
    """A Python literal for a plain scenario value, double-quoted strings."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        items = ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return repr(value)


class _Writer(ActionWriter):
    def __init__(
        self, scenario: Scenario, variables: dict[str, str], functions: dict[str, str]
    ) -> None:
        self.s = scenario
        self.var = variables
        self.functions = functions
        self.lines: list[str] = ['if __name__ == "__main__":']
        self.uses: set[str] = set()
        self.groups = {g.name: g for g in scenario.workers}
        self.modes = {spec.group: spec.mode for spec in scenario.instances()}
        methods = {
            spec.start_method for spec in scenario.instances() if spec.mode == "process"
        }
        self.methods = sorted(methods)
        self.stoppable = stoppable_targets(scenario)

    def say(self, text: str = "", depth: int = 1) -> None:
        for line in text.split("\n"):
            self.lines.append(INDENT * depth + line if line else "")

    # -- making the worker objects -----------------------------------------------

    def factory(self, group: WorkerGroup) -> str:
        if self.modes[group.name] == "thread":
            self.uses.add("threading")
            return "threading.Thread"
        method = group.start_method or self.s.start_method
        if len(self.methods) == 1:
            return "multiprocessing.Process"
        return f"{method}_context.Process"

    def contexts(self) -> None:
        if len(self.methods) == 1:
            method = self.methods[0]
            if method == "default":
                self.say("# The platform's default start method (none is set).")
            else:
                self.say(f"multiprocessing.set_start_method({literal(method)})")
            return
        for method in self.methods:
            arg = "" if method == "default" else literal(method)
            self.say(f"{method}_context = multiprocessing.get_context({arg})")

    def create(self, group: WorkerGroup) -> None:
        args = [f"target={self.functions.get(group.name, group.target)}"]
        stop = self.flag(group, None if group.count == 1 else "i - 1")
        kwargs = [f"{literal(k)}: {literal(v)}" for k, v in group.args.items()]
        if stop != "None":
            kwargs.insert(0, f'"stop": {stop}')
        if kwargs:
            args.append("kwargs={" + ", ".join(kwargs) + "}")
        if group.daemon:
            args.append("daemon=True")
        kind = "thread" if self.modes[group.name] == "thread" else "process"
        variable = self.var[group.name]
        event = self.event_factory(group)
        if group.count == 1:
            if stop != "None":
                self.say(f"{stop} = {event}")
            name = f"name={literal(group.name)}"
            self.call(f"{variable} = {self.factory(group)}(", [name, *args], ")")
            return
        if stop != "None":
            self.say(f"{variable}_stops = [{event} for _ in range({group.count})]")
        self.say(f"# {group.count} {'processes' if kind == 'process' else 'threads'}")
        self.say(f"{variable} = [")
        name = f"name=f{literal(group.name + '-{i}')}"
        self.call(f"{self.factory(group)}(", [name, *args], ")", 2)
        self.say(f"for i in range(1, {group.count + 1})", 2)
        self.say("]")

    def event_factory(self, group: WorkerGroup) -> str:
        """An Event for the worker's stop flag, of its own kind."""
        return self.factory(group).rsplit(".", 1)[0] + ".Event()"

    def call(self, head: str, args: list[str], tail: str, depth: int = 1) -> None:
        """``head`` + args + ``tail`` on one line if it fits in LINE_WIDTH,
        else the arguments on their own line(s), as a formatter would."""
        joined = ", ".join(args)
        room = LINE_WIDTH - len(INDENT) * depth
        if len(head) + len(joined) + len(tail) <= room:
            self.say(head + joined + tail, depth)
            return
        self.say(head, depth)
        if len(joined) <= room - len(INDENT):
            self.say(joined, depth + 1)
        else:
            for arg in args:
                self.say(arg + ",", depth + 1)
        self.say(tail, depth)

    def each(self, group: WorkerGroup, call: str) -> None:
        name = self.var[group.name]
        if group.count == 1:
            self.say(f"{name}.{call}")
        else:
            item = "thread" if self.modes[group.name] == "thread" else "process"
            item = "each" if item == name else item
            self.say(f"for {item} in {name}:")
            self.say(f"{item}.{call}", 2)

    # -- the program ----------------------------------------------------------------

    def write(self) -> None:
        self.contexts()
        for group in self.s.workers:
            self.create(group)
        everyone = [
            self.var[g.name] if g.count == 1 else f"*{self.var[g.name]}"
            for g in self.s.workers
        ]
        self.say(f"workers = [{', '.join(everyone)}]")
        self.say("atexit.register(report)")
        self.say()
        self.say("t0 = time.monotonic()")
        stages = self.stages()
        linear = len(stages) == 1 and all(
            g.start_delay <= a.at for g in self.s.workers for a in self.s.actions
        )
        if self.s.actions and not linear:
            self.timers()
        for index, stage in enumerate(stages):
            self.start_stage(index, stage)
            if linear and self.s.actions:
                self.linear_actions()
            if self.s.join or index < len(stages) - 1:
                self.join_stage(stage)
        self.say()
        self.say(
            'print(f"main program: my code ran for {time.monotonic() - t0:.3f} s")'
        )
        if not self.s.join:
            self.say(
                "# Not joined: at exit, multiprocessing terminates daemon children\n"
                "# and waits for the others."
            )

    def stages(self) -> list[list[WorkerGroup]]:
        stages: list[list[WorkerGroup]] = []
        for index, group in enumerate(self.s.workers):
            if not stages or (index and group.wait_for_previous):
                stages.append([])
            stages[-1].append(group)
        return stages

    def start_stage(self, index: int, stage: list[WorkerGroup]) -> None:
        self.say()
        delayed = any(g.start_delay for g in stage)
        origin = "t0"
        if index:
            self.say("# The next group waits for the previous one (joined above).")
            if delayed:
                self.say("stage_start = time.monotonic()")
                origin = "stage_start"
        now = 0.0
        for group in sorted(stage, key=lambda g: g.start_delay):
            if group.start_delay > now:
                now = group.start_delay
                self.say(f"sleep_until({origin} + {now!r})  # start_delay")
            self.each(group, "start()")

    def join_stage(self, stage: list[WorkerGroup]) -> None:
        timeout = self.s.join_timeout
        call = "join()" if timeout is None else f"join(timeout={timeout!r})"
        self.say()
        for group in stage:
            self.each(group, call)


def main_block(
    scenario: Scenario, variables: dict[str, str], functions: dict[str, str]
) -> tuple[str, set[str]]:
    """The main block's text and the modules it needs besides the usual ones."""
    writer = _Writer(scenario, variables, functions)
    writer.write()
    return "\n".join(writer.lines) + "\n", writer.uses
