"""How parallel a run really was: CPU time summed over lanes ÷ wall time.

Two CPU-bound processes on a 2-core machine should give an effective
parallelism near 2. On a shared or throttled VM that claims 2 vCPUs they may
get about 1 (measured: issue 11), and lesson 6 would then "show" that
processes are no faster than threads. This module measures what the lanes
really got, per worker group (lesson 6's baseline, threads and processes are
groups run one after the other), so the window can say so instead of letting
the class draw the wrong conclusion.

CPU time comes from the psutil samples (percent of one core between two
samples, so summing percent × interval gives CPU seconds).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.model.lanes import Lane
from core.model.run_model import RunModel

CPU_BOUND = 0.1
"""A lane that kept a core busy a tenth of its running time is CPU-bound (a
sleeper uses ~0 %; a CPU burner on a loaded 2-vCPU VM was measured at 42 %)."""
THROTTLED = 0.65
"""Warn when CPU-bound workers together get less than this share of the
cores they could use (min(workers, CPUs))."""


@dataclass(frozen=True)
class GroupParallelism:
    group: str
    workers: int
    cpu_bound: int
    """How many of them kept a core at least half busy."""
    wall: float
    """First target start to last target end, seconds."""
    cpu: float
    """CPU seconds summed over the group's lanes."""

    @property
    def effective(self) -> float:
        return self.cpu / self.wall if self.wall > 0 else 0.0


def cpu_seconds(lane: Lane) -> float:
    """CPU time while the target ran, from the samples: each gives the percent
    of a core used since the previous one. Booting (imports, unpickling) is
    left out: on a loaded machine a slow boot made a sleeper look CPU-bound."""
    begin, end = lane.times.get("target_started"), _work_end(lane)
    if begin is None or end is None:
        return 0.0
    memo = lane.cpu_memo  # the window asks again several times a second
    if memo[:3] == (begin, end, len(lane.samples)):
        return memo[3]
    total = 0.0
    previous: float | None = None
    for t, cpu, *_ in lane.samples:
        if previous is not None and cpu is not None:
            overlap = min(t, end) - max(previous, begin)
            if overlap > 0:
                total += max(cpu, 0.0) / 100.0 * overlap
        previous = t
    lane.cpu_memo = (begin, end, len(lane.samples), total)
    return total


def _work_end(lane: Lane) -> float | None:
    return lane.times.get("target_ended", lane.times.get("exited"))


def running_time(lane: Lane) -> float:
    begin, end = lane.times.get("target_started"), _work_end(lane)
    if begin is None or end is None:
        return 0.0
    return max(0.0, end - begin)


def by_group(model: RunModel) -> list[GroupParallelism]:
    """One figure per worker group, in the scenario's order."""
    groups: dict[str, list[Lane]] = {}
    for lane in model.worker_lanes():
        groups.setdefault(lane.group or lane.name, []).append(lane)
    found = []
    for name, lanes in groups.items():
        starts = [
            lane.times["target_started"]
            for lane in lanes
            if "target_started" in lane.times
        ]
        # a killed worker's target never ends: it stops where the process did
        ends = [end for lane in lanes if (end := _work_end(lane)) is not None]
        if not starts or not ends:
            continue
        cpu = [cpu_seconds(lane) for lane in lanes]
        bound = sum(
            1
            for lane, used in zip(lanes, cpu, strict=True)
            if running_time(lane) > 0 and used / running_time(lane) >= CPU_BOUND
        )
        found.append(
            GroupParallelism(name, len(lanes), bound, max(ends) - min(starts), sum(cpu))
        )
    return found


def cpu_count(model: RunModel) -> int | None:
    count = model.info.cpu_count
    return count if count is not None and count > 0 else None


def expected_cores(model: RunModel, group: GroupParallelism) -> float:
    """What the group's CPU-bound workers could use at best: one core each up
    to the CPU count for processes, one core in all for threads (the GIL)."""
    cores = cpu_count(model) or 1
    kinds = {
        lane.kind
        for lane in model.worker_lanes()
        if (lane.group or lane.name) == group.group
    }
    if kinds == {"process"}:
        return float(min(group.cpu_bound, cores))
    return float(min(group.cpu_bound, 1))


def throttled(model: RunModel, group: GroupParallelism) -> bool:
    """CPU-bound workers that together got much less than they could use."""
    if group.cpu_bound < 1 or cpu_count(model) is None:
        return False
    return group.effective < THROTTLED * expected_cores(model, group)


def warning(model: RunModel) -> str:
    """A sentence for the class when the machine gave less than it claims."""
    for group in by_group(model):
        if throttled(model, group):
            could = expected_cores(model, group)
            return (
                f"Busy machine: the CPU-bound '{group.group}' got "
                f"{group.effective:.1f} of the {could:.0f} core"
                f"{'s' if could != 1 else ''} it could use ({cpu_count(model)} CPUs "
                "claimed); timings and speed-ups are smaller than on an idle machine."
            )
    return ""


def summary(model: RunModel) -> str:
    """Per group: wall time and effective parallelism (lesson 6's numbers)."""
    parts = [
        f"{g.workers} × {g.group} {g.wall:.2f} s ({g.effective:.1f} cores)"
        for g in by_group(model)
    ]
    return "; ".join(parts)
