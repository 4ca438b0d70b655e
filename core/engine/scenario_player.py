"""The scenario's main program, as a state machine the conductor advances.

A real main program blocks in ``time.sleep()`` before a delayed ``start()`` and
in ``join()``; the conductor cannot block (it must keep reading every worker's
pipe), so this class keeps the same order of operations as plain code would and
reports each step as it happens:

    for each stage (groups with wait_for_previous start a new stage):
        start every worker of the stage at its start_delay
        if join (or another stage follows): join each of them, in order
    main program finished
    (without join, multiprocessing terminates daemon workers at exit)
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Mapping
from multiprocessing.context import BaseContext
from pathlib import Path

from core.engine.stopping import Stopper
from core.engine.worker_handle import Emit, WorkerHandle, notice
from core.model.kinds import MAIN_ID
from core.scenario.definition import Action, Scenario
from core.worker.bootstrap import WorkerConfig

_PRELOAD = ["core.worker.bootstrap", "core.worker.builtin_targets"]
STEP_BUDGET = 0.02  # seconds of start() calls before events are forwarded again


def build_handles(scenario: Scenario, run_dir: Path) -> dict[int, WorkerHandle]:
    """One handle per worker instance, each with its log file and code module."""
    modules = _write_custom_code(scenario, run_dir)
    handles: dict[int, WorkerHandle] = {}
    for spec in scenario.instances():
        config = WorkerConfig(
            log_path=str(run_dir / f"worker-{spec.worker_id}.log")
            if spec.mode == "process"
            else "",
            max_output_lines=scenario.max_output_lines,
            code_dir=str(run_dir / "code"),
            code_module=modules.get(spec.group, ""),
        )
        handles[spec.worker_id] = WorkerHandle(spec, config)
    return handles


def _write_custom_code(scenario: Scenario, run_dir: Path) -> dict[str, str]:
    """Write each custom group's code to a real module file, so that spawn
    and forkserver children can import it like any other module."""
    modules: dict[str, str] = {}
    for index, group in enumerate(scenario.workers):
        if group.target == "custom":
            code_dir = run_dir / "code"
            code_dir.mkdir(exist_ok=True)
            module = f"procession_custom_{index}"
            (code_dir / f"{module}.py").write_text(group.code, encoding="utf-8")
            modules[group.name] = module
    return modules


class ScenarioPlayer:
    """Plays a scenario's main program on the conductor's workers.

    It is handed only what it uses: the workers, ``emit``, the stopper (for
    timed actions and daemon cleanup), ``own_fds()`` (descriptors a forked
    worker must close) and ``on_started(handle)`` (a worker now holds pipes).
    """

    def __init__(
        self,
        scenario: Scenario,
        handles: Mapping[int, WorkerHandle],
        emit: Emit,
        stopper: Stopper,
        own_fds: Callable[[], list[int]],
        on_started: Callable[[WorkerHandle], None],
    ) -> None:
        self.scenario = scenario
        self.handles = handles
        self.by_name = {h.spec.name: h for h in handles.values()}
        self.emit = emit
        self.stopper = stopper
        self.own_fds = own_fds
        self.on_started = on_started
        stages: dict[int, list[WorkerHandle]] = {}
        for handle in handles.values():
            stages.setdefault(handle.spec.stage, []).append(handle)
        self.stages = [stages[k] for k in sorted(stages)]
        self.stage_index = -1
        self.stage_started = 0.0
        self.pending: list[WorkerHandle] = []
        self.join_queue: list[WorkerHandle] = []
        self.joining: WorkerHandle | None = None
        self.join_deadline: float | None = None
        self.actions: list[Action] = list(scenario.actions)
        self.t0: float | None = None
        self.finished = False
        self.launch_stopped: str | None = None
        self.started_count = 0
        self._contexts: dict[str, BaseContext] = {}

    # -- driving -------------------------------------------------------------------

    def advance(self, now: float) -> None:
        if self.t0 is None:
            self.t0 = now
            self._next_stage(now)
        self._fire_actions(now)
        # Bounded: starting hundreds of spawn workers takes seconds, and the
        # conductor must keep forwarding the events of those already started.
        budget_end = time.monotonic() + STEP_BUDGET
        while not self.finished and self._step(now):
            if time.monotonic() >= budget_end:
                break

    def _step(self, now: float) -> bool:
        """Do the next thing if it is due; False when the program must wait."""
        if self.joining is not None:
            return self._continue_join(now)
        if self.pending:
            handle = self.pending[0]
            if (
                self.launch_stopped is None
                and now < self.stage_started + handle.spec.start_delay
            ):
                return False
            self.pending.pop(0)
            self._start(handle)
            return True
        if self.join_queue:
            handle = self.join_queue.pop(0)
            if handle.started:
                timeout = self.scenario.join_timeout
                self.emit(
                    "join_called",
                    handle.spec.worker_id,
                    caller=MAIN_ID,
                    timeout=timeout,
                )
                self.joining = handle
                self.join_deadline = None if timeout is None else now + timeout
            return True
        if self.stage_index + 1 < len(self.stages) and self.launch_stopped is None:
            self._next_stage(now)
            return True
        self._finish_code(now)
        return False

    def _continue_join(self, now: float) -> bool:
        handle = self.joining
        assert handle is not None
        if handle.finished:
            self.emit(
                "join_returned", handle.spec.worker_id, caller=MAIN_ID, timed_out=False
            )
        elif self.join_deadline is not None and now >= self.join_deadline:
            self.emit(
                "join_returned", handle.spec.worker_id, caller=MAIN_ID, timed_out=True
            )
        else:
            return False
        self.joining = None
        self.join_deadline = None
        return True

    def _next_stage(self, now: float) -> None:
        self.stage_index += 1
        self.stage_started = now
        stage = self.stages[self.stage_index]
        self.pending = sorted(stage, key=lambda h: h.spec.start_delay)
        last = self.stage_index == len(self.stages) - 1
        self.join_queue = list(stage) if self.scenario.join or not last else []

    def _finish_code(self, now: float) -> None:
        self.finished = True
        self.emit("main_finished", joined=self.scenario.join)
        if self.scenario.join:
            return
        # What multiprocessing's atexit hook does when the main code ends:
        # terminate daemonic children, then wait for the others.
        for handle in self.handles.values():
            if handle.spec.daemon and handle.alive:
                if handle.is_thread:
                    notice(
                        self.emit,
                        f"{handle.spec.name} is a daemon thread: it is "
                        "abandoned when the main program exits",
                        "info",
                        handle.spec.worker_id,
                    )
                    self.stopper.abandon(handle, now, "daemon")
                else:
                    self.stopper.send_signal(
                        handle,
                        "terminate",
                        "multiprocessing at the main program's exit (daemon cleanup)",
                    )

    def next_deadline(self) -> float | None:
        deadlines: list[float] = []
        if self.join_deadline is not None:
            deadlines.append(self.join_deadline)
        if self.pending and self.joining is None:
            deadlines.append(self.stage_started + self.pending[0].spec.start_delay)
        if self.actions and self.t0 is not None:
            deadlines.append(self.t0 + self.actions[0].at)
        return min(deadlines) if deadlines else None

    # -- starting ------------------------------------------------------------------

    def _context(self, method: str) -> BaseContext:
        if method not in self._contexts:
            ctx = multiprocessing.get_context(None if method == "default" else method)
            if ctx.get_start_method() == "forkserver":
                # Import our bootstrap once in the server, not in every child,
                # so the start cost shown is multiprocessing's, not ours.
                ctx.set_forkserver_preload(_PRELOAD)
            self._contexts[method] = ctx
        return self._contexts[method]

    def _start(self, handle: WorkerHandle) -> None:
        wid = handle.spec.worker_id
        if self.launch_stopped is not None:
            self.emit(
                "start_failed",
                wid,
                caller=MAIN_ID,
                error=self.launch_stopped,
                never_called=True,
            )
            handle.finished = True
            return
        ctx = self._context(handle.spec.start_method)
        self.emit("start_called", wid, caller=MAIN_ID)
        try:
            if handle.is_thread:
                ident = handle.start_thread(ctx)
                self.emit(
                    "start_returned",
                    wid,
                    caller=MAIN_ID,
                    ident=ident,
                    start_method="thread",
                )
            else:
                pid = handle.start_process(ctx, self.own_fds())
                self.emit(
                    "start_returned",
                    wid,
                    caller=MAIN_ID,
                    pid=pid,
                    start_method=ctx.get_start_method(),
                )
        except Exception as error:  # EMFILE, EAGAIN, a dead forkserver, ...
            text = f"{type(error).__name__}: {error}"
            self.emit("start_failed", wid, caller=MAIN_ID, error=text)
            handle.finished = True
            total = len(self.handles)
            notice(
                self.emit, f"started {self.started_count} of {total}: {text}", "error"
            )
            self.stop_launching(f"not started: launching stopped after {text}")
            return
        self.on_started(handle)
        self.started_count += 1

    def stop_launching(self, reason: str) -> None:
        """Start nothing more; every worker not yet started is reported as such."""
        if self.launch_stopped is not None:
            return
        self.launch_stopped = reason
        for stage in self.stages[self.stage_index + 1 :]:
            self.pending.extend(stage)
        self.stage_index = len(self.stages) - 1
        self.actions.clear()

    # -- timed actions -------------------------------------------------------------

    def _fire_actions(self, now: float) -> None:
        assert self.t0 is not None
        while self.actions and now >= self.t0 + self.actions[0].at:
            action = self.actions.pop(0)
            by = f"the main program (action at {action.at:g} s)"
            for handle in self.resolve(action.worker):
                if not handle.alive:
                    notice(
                        self.emit,
                        f"{action.action} at {action.at:g} s: "
                        f"{handle.spec.name} was not running",
                        "info",
                        handle.spec.worker_id,
                    )
                elif action.action == "stop":
                    self.stopper.stop(handle, by)
                else:
                    self.stopper.send_signal(handle, action.action, by)

    def resolve(self, ref: str | int) -> list[WorkerHandle]:
        """The workers a command or an action names: "all", an id, a worker's
        or a group's name."""
        if ref == "all":
            return list(self.handles.values())
        if isinstance(ref, int):
            return [self.handles[ref]] if ref in self.handles else []
        names = self.scenario.resolve_worker_ref(ref)
        return [self.by_name[n] for n in names if n in self.by_name]
