"""Small print marks under a lane: where it wrote output (the console's lines).

A flood writes 20 000 lines; the times are kept per lane in a numpy array
that grows with the output (not rebuilt each frame), and marks closer than a
few pixels are drawn once.
"""

from __future__ import annotations

import weakref

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter

from core.model.run_model import Lane
from gui import palette

MIN_GAP_PX = 3.0
MAX_CACHED = 4096
# Lanes are mutable dataclasses (unhashable): keyed by id, with a weak
# reference to tell a reused id from the same lane.
_TIMES: dict[int, tuple[weakref.ref[Lane], np.ndarray]] = {}


def output_times(lane: Lane) -> np.ndarray:
    """The lane's output times (seconds), extended with what is new."""
    entry = _TIMES.get(id(lane))
    known = entry[1] if entry is not None and entry[0]() is lane else np.empty(0)
    count = len(lane.output)
    if len(known) > count:
        known = np.empty(0)
    if len(known) < count:
        new = lane.output[len(known) :]
        known = np.concatenate([known, np.fromiter((x.t for x in new), float)])
        if len(_TIMES) >= MAX_CACHED:
            for key in [k for k, (ref, _) in _TIMES.items() if ref() is None]:
                del _TIMES[key]
        _TIMES[id(lane)] = (weakref.ref(lane), known)
    return known


def paint_print_marks(
    p: QPainter,
    lane: Lane,
    sx: float,
    dx: float,
    bottom_px: float,
    left_px: float,
    right_px: float,
    size: float,
) -> None:
    """Ticks on the lane's lower edge at each output line's time (pixels)."""
    if not lane.output:
        return
    xs = output_times(lane) * sx + dx
    xs = xs[(xs >= left_px) & (xs <= right_px)]
    if xs.size == 0:
        return
    xs = np.unique(np.floor(xs / MIN_GAP_PX)) * MIN_GAP_PX
    p.setBrush(QColor(palette.MUTED_INK))
    for x in xs:
        p.drawRect(QRectF(float(x), bottom_px + 1, 2.0, size))
