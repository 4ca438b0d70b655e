"""Hazards of CPU time: threads sharing one core, a machine that gives less.

Both read the psutil samples through :mod:`core.model.parallelism`, so they
depend on the machine's load; tests feed hand-made samples.
"""

from __future__ import annotations

from core.hazards.hazard import Hazard, seconds
from core.model import parallelism
from core.model.lanes import Lane
from core.model.run_model import RunModel

ONE_CORE = 1.3
"""CPU-bound threads that together got less than this many cores got about
one: the GIL lets one thread run Python at a time."""


def _group_lanes(model: RunModel, group: str) -> list[Lane]:
    return [lane for lane in model.worker_lanes() if (lane.group or lane.name) == group]


def cpu_bound_threads(model: RunModel) -> list[Hazard]:
    found = []
    groups = parallelism.by_group(model)
    for group in groups:
        lanes = _group_lanes(model, group.group)
        if {lane.kind for lane in lanes} != {"thread"} or group.cpu_bound < 2:
            continue
        if group.effective >= ONE_CORE:
            continue
        first = lanes[0]
        better = [
            g
            for g in groups
            if {lane.kind for lane in _group_lanes(model, g.group)} == {"process"}
            and g.effective > group.effective + 0.3
        ]
        evidence = [
            f"{group.cpu_bound} busy threads of '{group.group}' got "
            f"{group.effective:.1f} core(s) together over {seconds(group.wall)}"
        ]
        evidence += [
            f"the processes of '{g.group}' got {g.effective:.1f} cores" for g in better
        ]
        found.append(
            Hazard(
                "cpu_bound_threads",
                "Busy threads shared one core",
                f"{group.cpu_bound} threads of '{group.group}' computed in pure "
                "Python, yet together they used about one core. Python's Global "
                "Interpreter Lock (the GIL) lets only one thread run Python code "
                "at a time: the threads took turns instead of working side by "
                "side, so they were no faster than one.",
                "For work that keeps the CPU busy, use processes (Process, Pool, "
                "ProcessPoolExecutor). Threads are fine for waiting (network, "
                "disk, sleep).",
                "https://docs.python.org/3/glossary.html#term-global-interpreter-lock",
                first.worker_id,
                first.times.get("target_started", 0.0),
                tuple(lane.worker_id for lane in lanes),
                tuple(evidence),
            )
        )
    return found


def throttled_machine(model: RunModel) -> list[Hazard]:
    """CPU-bound processes that together got much less than the cores the
    machine claims (a shared or throttled VM): a speed-up cannot show."""
    found = []
    for group in parallelism.by_group(model):
        lanes = _group_lanes(model, group.group)
        if {lane.kind for lane in lanes} != {"process"} or group.cpu_bound < 2:
            continue
        if not parallelism.throttled(model, group):
            continue
        could = parallelism.expected_cores(model, group)
        first = lanes[0]
        found.append(
            Hazard(
                "throttled_machine",
                "The machine gave less CPU than it claims",
                f"{group.cpu_bound} busy processes of '{group.group}' could have "
                f"used {could:.0f} cores, but together they got "
                f"{group.effective:.1f}. The computer says it has "
                f"{parallelism.cpu_count(model)} CPUs, but other programs (or the "
                "limits of a shared virtual machine) took the rest. Timings and "
                "speed-ups measured now are smaller than on an idle machine.",
                "Measure again on an idle machine, or compare with "
                "os.process_cpu_count() / os.sched_getaffinity(0) and the load "
                "of the machine before drawing conclusions.",
                "multiprocessing.cpu_count",
                first.worker_id,
                first.times.get("target_started", 0.0),
                tuple(lane.worker_id for lane in lanes),
                (
                    f"'{group.group}': {group.effective:.1f} of {could:.0f} cores "
                    f"over {seconds(group.wall)}",
                ),
            )
        )
    return found
