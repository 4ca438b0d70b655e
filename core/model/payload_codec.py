"""Plain dicts from the wire and recordings into typed payloads, and back.

Every field of the record of an event's kind is checked for its type (the
bytes come from processes that run user code): a wrong one is a ValueError
naming the field, never a crash further on (core.model.decoding turns it into
damage on that lane). Fields absent take their defaults; unknown ones are
ignored, so recordings written by older versions still load.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from core.model.kinds import EventKind
from core.model.payloads import PAYLOADS, Payload

INT_LIMIT = 2**63
"""Integers on the wire fit 64 bits: an exit code of 10**30 is damage."""


def _is_int(value: Any) -> bool:
    return type(value) is int and -INT_LIMIT < value < INT_LIMIT


_CHECKS: dict[str, tuple[str, Any]] = {
    # annotation → (what it must be, in words; the check)
    "int": ("an integer", _is_int),
    "int | None": ("an integer or null", lambda v: v is None or _is_int(v)),
    "float | None": (
        "a number or null",
        lambda v: v is None or _is_int(v) or type(v) is float,
    ),
    "str": ("a string", lambda v: type(v) is str),
    "bool": ("true or false", lambda v: type(v) is bool),
    "list[str]": (
        "a list of strings",
        lambda v: type(v) is list and all(type(item) is str for item in v),
    ),
    "dict[str, float] | None": (
        "an object of numbers, or null",
        lambda v: (
            v is None
            or (
                type(v) is dict
                and all(
                    type(k) is str and (type(x) is float or _is_int(x))
                    for k, x in v.items()
                )
            )
        ),
    ),
    "dict[str, Any]": (
        "an object",
        lambda v: type(v) is dict and all(type(k) is str for k in v),
    ),
}

_SCHEMAS: dict[type[Any], tuple[tuple[str, str, Any], ...]] = {
    cls: tuple((f.name, *_CHECKS[str(f.type)]) for f in fields(cls))
    for cls in set(PAYLOADS.values())
}


def payload_from_dict(kind: EventKind, data: Mapping[str, Any]) -> Payload:
    """The record of ``kind`` from a plain dict; ValueError names a bad field."""
    cls = PAYLOADS[kind]
    values: dict[str, Any] = {}
    for name, expected, check in _SCHEMAS[cls]:
        if name in data:
            value = data[name]
            if not check(value):
                found = (
                    "one beyond 64 bits" if type(value) is int else type(value).__name__
                )
                raise ValueError(
                    f"{kind} field {name!r} must be {expected}, not {found}"
                )
            values[name] = value
    return cls(**values)


def payload_to_dict(record: Payload) -> dict[str, Any]:
    """The plain dict a recording stores (every field, defaults included)."""
    return {name: getattr(record, name) for name, _, _ in _SCHEMAS[type(record)]}
