"""What a recording's events must look like beyond their shape: fields in
plausible ranges and each sender's clock never running backwards.

A recording is a file anyone can edit. Replaying an exit code of 10**30, a pid
that is not a number, or times in reverse order used to be accepted and shown
as 0.000; a damaged recording is refused instead, like a scenario, with the
event and the field named (issue 9, defect 15). Kept apart from the loader so
that the format's versions can change without touching these rules.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from core.input_checks import Problem, type_name
from core.model.events import Event, EventKind

INT64 = 2**63
PID_LIMIT = 2**32  # process ids are 32-bit on every platform Procession runs on

# field → (what it is, lowest, highest); None is allowed where the field may
# be unknown (an exit code that could not be read, a sample of no CPU yet).
_INT_FIELDS: dict[str, tuple[str, int, int]] = {
    "pid": ("a process id", 1, PID_LIMIT - 1),
    "ppid": ("a process id", 0, PID_LIMIT - 1),
    "pgid": ("a process group id", 0, PID_LIMIT - 1),
    "tid": ("a thread id", 0, PID_LIMIT - 1),
    "exitcode": ("an exit code", -(2**31), PID_LIMIT - 1),
    "count": ("a count", 0, INT64 - 1),
    "cleaned_up": ("a count", 0, INT64 - 1),
    "children": ("a count", 0, INT64 - 1),
    "threads": ("a count", 0, INT64 - 1),
    "cpu_count": ("a count", 0, INT64 - 1),
    "rss": ("a memory size", 0, INT64 - 1),
}
MAX_PROBLEMS = 20  # enough to see the pattern; the loader names the first ones


def event_problems(events: list[Event]) -> list[Problem]:
    """Every field out of range, every clock running backwards (the first
    MAX_PROBLEMS of them); empty for a recording Procession wrote."""
    problems: list[Problem] = []
    last_time: dict[int, tuple[int, int]] = {}  # sender → (t_ns, index)
    for index, event in enumerate(events):
        where = f"events[{index}]"
        if not 0 <= event.t_ns < INT64:
            problems.append(Problem(f"{where}.t_ns", f"impossible time {event.t_ns}"))
        data = event.data
        for field in _checked_fields(type(data)):
            message = _field_problem(field, getattr(data, field))
            if message:
                problems.append(Problem(f"{where}.data.{field}", message))
        # Unnumbered events (samples, ...) are timed by the app, not a sender.
        if event.seq >= 0 and event.kind is not EventKind.SAMPLE:
            sender = event.sender
            previous = last_time.get(sender)
            if previous is not None and event.t_ns < previous[0]:
                problems.append(
                    Problem(
                        f"{where}.t_ns",
                        f"earlier than events[{previous[1]}] from the same "
                        "sender: times must not run backwards",
                    )
                )
            last_time[sender] = (event.t_ns, index)
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems[:MAX_PROBLEMS]


def _checked_fields(record: type[Any]) -> tuple[str, ...]:
    """The fields of a payload record that have a range to check (a million
    events: building every payload's dict again cost a second)."""
    found = _CHECKED.get(record)
    if found is None:
        names = [field.name for field in dataclasses.fields(record)]
        found = _CHECKED[record] = tuple(
            name for name in names if name == "cpu" or name in _INT_FIELDS
        )
    return found


_CHECKED: dict[type[Any], tuple[str, ...]] = {}


def _field_problem(field: str, value: Any) -> str | None:
    if field == "cpu":
        if value is None or (
            type(value) in (int, float) and math.isfinite(value) and value >= 0
        ):
            return None
        return f"expected a CPU percentage, got {type_name(value)}"
    limits = _INT_FIELDS.get(field)
    if limits is None or value is None:
        return None
    what, lo, hi = limits
    if type(value) is int and lo <= value <= hi:
        return None
    shown = type_name(value) if type(value) is not int else str(value)[:40]
    return f"expected {what} (a whole number from {lo} to {hi}), got {shown}"
