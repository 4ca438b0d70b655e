"""How a worker puts one event on its pipe: the only part of the event protocol
a worker needs. Kept free of dataclasses and enums (see core.model.events for the
typed side) because every spawn worker imports it before its first line.
"""

from __future__ import annotations

import pickle

TYPE_CHECKING = False  # see core/worker/__init__.py
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

MAX_EVENT_BYTES = 64 * 1024
"""Largest serialised event a worker sends; bigger ones are replaced by a notice."""


def encode(kind: str, seq: int, t_ns: int, data: Mapping[str, Any]) -> bytes:
    """Serialise one event for a pipe. Raises on unpicklable data.

    Pickle is used only between Procession's own processes (as multiprocessing
    itself does); nothing read from disk is ever unpickled.
    """
    return pickle.dumps((kind, seq, t_ns, data), protocol=pickle.HIGHEST_PROTOCOL)
