"""How a worker puts one event on its pipe: the only part of the event protocol
a worker needs. Standard library only, and no dataclasses or enums (see
:mod:`core.model.payloads` for the typed side): every spawn worker imports it
before its first line.

An event is UTF-8 JSON of ``[kind, seq, t_ns, data]``. JSON, not pickle: the
app decodes these bytes, and unpickling runs whatever code the bytes name, so a
hostile target could run commands inside the window (RELIABILITY.md).
"""

from __future__ import annotations

import json

TYPE_CHECKING = False  # see core/worker/__init__.py
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

MAX_EVENT_BYTES = 64 * 1024
"""Largest serialised event a worker sends; bigger ones are replaced by a notice."""

# ASCII: a lone surrogate (undecodable bytes a program printed) stays a valid
# \udcxx escape instead of making the whole event invalid UTF-8.
_dumps = json.JSONEncoder(separators=(",", ":")).encode


def encode(kind: str, seq: int, t_ns: int, data: Mapping[str, Any]) -> bytes:
    """Serialise one event. Raises TypeError/ValueError on data JSON cannot
    hold (the sender replaces such an event by a visible notice)."""
    return _dumps([kind, seq, t_ns, data]).encode("ascii")


_raw_decode = json.JSONDecoder().raw_decode


def decode(raw: bytes) -> Any:
    """The JSON value that is the whole of ``raw`` (UTF-8); ValueError if it
    is not one. ``json.loads`` without its encoding detection (~1 µs less per
    event: a traced pool sends two per task, docs/PERFORMANCE.md §4)."""
    text = raw.decode()
    value, end = _raw_decode(text)
    if end != len(text):
        raise ValueError(f"extra data after the JSON value, at {end}")
    return value


def plain_dict(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with every value JSON can carry as it is (None, booleans,
    numbers, strings) and anything else as its repr, cut to 200 characters."""
    return {str(key): _plain(value) for key, value in values.items()}


def _plain(value: Any) -> Any:
    if value is None or type(value) in (bool, int, float, str):
        return value
    try:
        return repr(value)[:200]
    except Exception as error:  # a broken __repr__ must not fail the event
        return f"<unrepresentable {type(value).__name__}: {error}>"
