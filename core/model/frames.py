"""The frame around each event on the conductor → app pipe: ``(sender, lane,
size)`` then ``size`` bytes of JSON. Kept apart from :mod:`core.model.decoding`
so that a conductor (which frames, never decodes) does not import the typed
payloads: the tracer's launcher starts the user's script sooner for it."""

from __future__ import annotations

import struct

HEADER = struct.Struct("<iiI")


def frame(sender: int, lane: int, raw: bytes) -> bytes:
    """One frame of a batch (the conductor's side)."""
    return HEADER.pack(sender, lane, len(raw)) + raw
