"""An append-only numpy table whose rows can be moved to other lanes.

The timeline keeps finished bars, CPU shading, marker ticks and task spans in
tables like this one, laid out so that a slice can go straight to Qt's
``drawRects`` / ``drawLines``. When a lane appears above existing ones (a
worker's child goes directly under its parent), every entry below moves down:
:meth:`shift_rows` does that with one numpy pass instead of a rebuild.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class Growable:
    """An append-only (n, width) float64 array with amortised growth."""

    def __init__(self, width: int = 4, row_columns: tuple[int, ...] = (1,)) -> None:
        self._data = np.empty((16, width), dtype=np.float64)
        self.size = 0
        self._row_columns = row_columns
        """Columns holding a y inside the entry's row (the first decides the row)."""

    def extend(self, rows: Sequence[Sequence[float]]) -> None:
        if not rows:
            return
        need = self.size + len(rows)
        if need > len(self._data):
            bigger = np.empty((max(need, 2 * len(self._data)), self._data.shape[1]))
            bigger[: self.size] = self._data[: self.size]
            self._data = bigger
        self._data[self.size : need] = rows
        self.size = need

    def shift_rows(self, shift: np.ndarray) -> None:
        """Move every entry of row r by ``shift[r]`` rows."""
        if not self.size:
            return
        filled = self._data[: self.size]
        delta = shift[np.floor(filled[:, self._row_columns[0]]).astype(np.intp)]
        for column in self._row_columns:
            filled[:, column] += delta

    @property
    def array(self) -> np.ndarray:
        """A contiguous view of the filled part (safe to hand to drawRects)."""
        return self._data[: self.size]
