"""Rasterise an SVG with Qt and with librsvg and count the pixels that differ."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

RSVG = shutil.which("rsvg-convert")
CHANNEL_TOLERANCE = 48
"""Anti-aliasing and font hinting differ between the two; a real difference
(a missing shape, a block of the wrong colour) is far larger than this."""


def qt_raster(svg: Path, width: int, height: int) -> QImage:
    renderer = QSvgRenderer(str(svg))
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, width, height))
    painter.end()
    return image


def rsvg_raster(svg: Path, out: Path) -> QImage:
    assert RSVG is not None
    subprocess.run(
        [RSVG, "--background-color", "white", "-o", str(out), str(svg)],
        check=True,
        timeout=60,
    )
    return QImage(str(out)).convertToFormat(QImage.Format.Format_ARGB32)


def differing_fraction(a: QImage, b: QImage) -> float:
    """Share of pixels of ``a`` whose colour is not within the tolerance of
    any pixel of ``b`` at most one pixel away: renderers place anti-aliased
    edges and glyphs up to a pixel apart, which is no visible difference."""
    assert (a.width(), a.height()) == (b.width(), b.height())
    pixels_a, pixels_b = _pixels(a), _pixels(b)
    best = np.full(pixels_a.shape[:2], 255, dtype=np.int16)
    padded = np.pad(pixels_b, ((1, 1), (1, 1), (0, 0)), mode="edge")
    height, width = best.shape
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            shifted = padded[dy : dy + height, dx : dx + width]
            spread = np.abs(pixels_a - shifted).max(axis=2)
            best = np.minimum(best, spread)
    return float((best > CHANNEL_TOLERANCE).mean())


def _pixels(image: QImage) -> np.ndarray:
    """Height × width × RGB as signed integers (no bytes-per-line padding)."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    raw = np.frombuffer(bytes(image.constBits()), dtype=np.uint8)
    rows = raw.reshape(image.height(), image.bytesPerLine())
    return (
        rows[:, : image.width() * 3]
        .reshape(image.height(), image.width(), 3)
        .astype(np.int16)
    )
