"""The CPU hazards on hand-made psutil samples: never on this machine's load."""

from __future__ import annotations

from tests.core.hazard_runs import Run, kinds


def _pair(run: Run, first: int, kind: str, cpu: float, group: str) -> None:
    """Two busy workers of one group, 0.1 s → 2.1 s, at ``cpu`` % each."""
    for lane in (first, first + 1):
        run.add(lane, f"{group}-{lane}", 1, kind=kind, group=group)
        run.start(lane, 60, boot_ms=40)
        run.samples(lane, 0, 2200, cpu)
        run.returned(lane, 2100)
        run.exited(lane, 2102, 0 if kind == "process" else None)
        run.join(lane, 100, 2103)


def test_two_busy_threads_that_shared_one_core():
    run = Run(cpu_count=2)
    _pair(run, 1, "thread", 50.0, "thread")  # the GIL: half a core each
    _pair(run, 3, "process", 100.0, "process")
    [hazard] = run.finish(2200)
    assert hazard.kind == "cpu_bound_threads"
    assert hazard.lanes == (1, 2) and hazard.lane == 1
    assert "GIL" in hazard.text
    assert any("'process' got 2.0 cores" in line for line in hazard.evidence)


def test_threads_that_wait_are_no_hazard():
    run = Run(cpu_count=2)
    _pair(run, 1, "thread", 0.5, "thread")  # sleeping: no CPU
    assert run.finish(2200) == []


def test_busy_processes_that_got_far_less_than_the_cores_claimed():
    run = Run(cpu_count=2)
    _pair(run, 1, "process", 45.0, "process")  # a throttled 2-vCPU VM
    [hazard] = run.finish(2200)
    assert hazard.kind == "throttled_machine"
    assert "0.9" in hazard.text and "2 CPUs" in hazard.text


def test_busy_processes_on_an_idle_machine_get_no_throttling_warning():
    run = Run(cpu_count=2)
    _pair(run, 1, "process", 97.0, "process")
    assert run.finish(2200) == []


def test_more_busy_processes_than_cores_is_not_throttling():
    run = Run(cpu_count=1)
    _pair(run, 1, "process", 50.0, "process")  # two share the one core claimed
    assert "throttled_machine" not in kinds(run.finish(2200))
