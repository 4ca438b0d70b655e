"""The timed actions of a scenario shown as code: terminate(), kill() and Stop.

terminate() and kill() are the calls themselves. Stop has no one-call
equivalent in multiprocessing, so it is written as what Procession does: set
the worker's flag (an Event its target checks, for the built-in targets that
check one), then SIGTERM after 1 s and SIGKILL after 2 s more if it still runs
(a thread can only be asked). A mixin of the main block's writer.
"""

from __future__ import annotations

from core.scenario.as_code_targets import STOPPABLE
from core.scenario.definition import Action, Scenario, WorkerGroup

STOP_WORKER = '''def stop_worker(worker, flag=None):
    """Procession's Stop: set the flag the target checks, then SIGTERM after
    1 s and SIGKILL after 2 s more if it still runs (a thread can only be asked)."""
    if flag is not None:
        flag.set()
    if hasattr(worker, "terminate"):
        threading.Timer(1.0, lambda: worker.is_alive() and worker.terminate()).start()
        threading.Timer(3.0, lambda: worker.is_alive() and worker.kill()).start()'''


def stoppable_targets(scenario: Scenario) -> set[str]:
    """Built-in targets some Stop action reaches: written with a stop Event
    (every group of such a target gets one, so the function is the same)."""
    stopped = {
        name
        for action in scenario.actions
        if action.action == "stop"
        for name in scenario.resolve_worker_ref(action.worker)
    }
    return {
        group.target
        for group in scenario.workers
        if group.target in STOPPABLE and stopped & set(group.instance_names())
    }


class ActionWriter:
    TYPE_CHECKING = False
    if TYPE_CHECKING:
        s: Scenario
        var: dict[str, str]
        modes: dict[str, str]
        uses: set[str]
        stoppable: set[str]

        def say(self, text: str = "", depth: int = 1) -> None: ...

        def each(self, group: WorkerGroup, call: str) -> None: ...

    def flag(self, group: WorkerGroup, index: str | None = None) -> str:
        """The expression of a worker's stop Event ("None" if it has none)."""
        if group.target not in self.stoppable:
            return "None"
        name = self.var[group.name]
        return f"{name}_stop" if index is None else f"{name}_stops[{index}]"

    def targets_of(self, action: Action) -> list[tuple[WorkerGroup, list[int]]]:
        chosen = set(self.s.resolve_worker_ref(action.worker))
        picked = []
        for group in self.s.workers:
            numbers = [
                n for n, name in enumerate(group.instance_names(), 1) if name in chosen
            ]
            if numbers:
                picked.append((group, numbers))
        return picked

    def ref(self, group: WorkerGroup, n: int) -> tuple[str, str]:
        """(worker, its stop flag) for instance ``n`` (1-based) of ``group``."""
        if group.count == 1:
            return self.var[group.name], self.flag(group)
        return f"{self.var[group.name]}[{n - 1}]", self.flag(group, str(n - 1))

    def thread_note(self, group: WorkerGroup) -> bool:
        """A Stop that cannot reach a thread (no flag to set): say so."""
        if self.modes[group.name] != "thread" or group.target in self.stoppable:
            return False
        self.say(
            f"# {group.name}: a thread cannot be stopped from outside (no "
            "Thread.stop()), and its\n# target checks no flag."
        )
        return True

    def linear_actions(self) -> None:
        at = None
        for action in sorted(self.s.actions, key=lambda a: a.at):
            if action.at != at:
                at = action.at
                self.say()
                self.say(f"sleep_until(t0 + {at!r})")
            for group, numbers in self.targets_of(action):
                if action.action == "stop":
                    self.linear_stop(group, numbers)
                    continue
                call = "kill()" if action.action == "kill" else "terminate()"
                if group.count == 1 or len(numbers) == group.count:
                    self.each(group, call)
                    continue
                for n in numbers:
                    self.say(f"{self.ref(group, n)[0]}.{call}")

    def linear_stop(self, group: WorkerGroup, numbers: list[int]) -> None:
        if self.thread_note(group):
            return
        self.uses.add("threading")
        for n in numbers:
            worker, flag = self.ref(group, n)
            self.say(f"stop_worker({worker}, {flag})")

    def timers(self) -> None:
        self.uses.add("threading")
        self.say(
            "# Timed actions: the main thread may be waiting (a start delay, a\n"
            "# join) when one is due, so each runs in a timer thread."
        )
        for action in sorted(self.s.actions, key=lambda a: a.at):
            for group, numbers in self.targets_of(action):
                if action.action == "stop" and self.thread_note(group):
                    continue
                for n in numbers:
                    worker, flag = self.ref(group, n)
                    if action.action == "stop":
                        call = f"stop_worker, [{worker}, {flag}]"
                        self.say(f"threading.Timer({action.at!r}, {call}).start()")
                        continue
                    method = "kill" if action.action == "kill" else "terminate"
                    self.say(
                        f"threading.Timer({action.at!r}, lambda p={worker}: "
                        f"p.is_alive() and p.{method}()).start()"
                    )
