"""Slide-ready pictures of a run: PNG at 2× resolution and SVG.

Both render an :class:`~gui.export.slide_sheet.ExportSheet` (title, subtitle,
timeline, legend) that is never shown on screen. SVG goes through
QSvgGenerator + ``render()``: pyqtgraph's own SVGExporter fails on PySide6
≥ 6.11 (pyqtgraph issue #3485, DESIGN §5).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication

from core.model.run_model import RunModel
from gui import palette
from gui.export.slide_sheet import SLIDE_SIZES, ExportSheet, subtitle, title
from gui.export.svg_flatten import flatten_file


def _sheet(
    model: RunModel,
    x_range: tuple[float, float] | None,
    size: str,
    show_helpers: bool,
) -> ExportSheet:
    if QApplication.instance() is None:
        raise RuntimeError(
            "exports need a QApplication (see gui.export.headless_render)"
        )
    if x_range is not None:
        start, end = (float(x_range[0]), float(x_range[1]))
        if not end > start:
            raise ValueError(f"x_range must go forward in time, got {x_range!r}")
        x_range = (start, end)
    sheet = ExportSheet(model, x_range, size, show_helpers)
    sheet.show()  # WA_DontShowOnScreen: lays out without a window appearing
    QApplication.processEvents()
    sheet.settle()
    QApplication.processEvents()
    return sheet


def export_png(
    model: RunModel,
    path: str | os.PathLike[str],
    *,
    x_range: tuple[float, float] | None = None,
    size: str = "1080p",
    scale: float | None = None,
    show_helpers: bool = False,
) -> None:
    """Write a PNG of the run: a 16:9 slide of 1920 × 1080 ("1080p") or
    3840 × 2160 ("4k") pixels, or ("fit") the sheet as tall as its content at
    ``scale`` × (default 2×) its logical size. ``show_helpers``: draw the
    library's own processes and threads too (hidden, as the window hides them
    at first)."""
    if scale is None:
        scale = SLIDE_SIZES[size][2] if size in SLIDE_SIZES else 2.0
    if not 0.25 <= scale <= 8.0:
        raise ValueError(f"scale must be between 0.25 and 8, got {scale!r}")
    sheet = _sheet(model, x_range, size, show_helpers)
    try:
        extent = sheet.size()
        image = QImage(
            round(extent.width() * scale),
            round(extent.height() * scale),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        image.setDevicePixelRatio(scale)
        image.fill(QColor(palette.BACKGROUND))
        image.setText("Title", title(model))
        image.setText("Description", subtitle(model))
        image.setText("Software", "Procession")
        painter = QPainter(image)
        try:
            sheet.render(painter, QPoint())
        finally:
            painter.end()
        if not image.save(str(Path(path)), "PNG"):
            raise OSError(f"could not write the PNG file {os.fspath(path)!r}")
    finally:
        sheet.close()
        sheet.deleteLater()


def export_svg(
    model: RunModel,
    path: str | os.PathLike[str],
    *,
    x_range: tuple[float, float] | None = None,
    size: str = "1080p",
    show_helpers: bool = False,
) -> None:
    """Write an SVG of the run (vector: text stays text); ``size`` and
    ``show_helpers`` as for PNG ("4k" is the same vector picture as "1080p")."""
    sheet = _sheet(model, x_range, size, show_helpers)
    try:
        extent = sheet.size()
        target = Path(path)
        if not target.parent.is_dir():
            raise OSError(f"no such folder for the SVG file: {str(target.parent)!r}")
        generator = QSvgGenerator()
        generator.setFileName(str(target))
        generator.setSize(QSize(extent.width(), extent.height()))
        generator.setViewBox(QRect(0, 0, extent.width(), extent.height()))
        generator.setResolution(96)  # CSS pixels: browsers show it at sheet size
        generator.setTitle(title(model))
        generator.setDescription(subtitle(model))
        painter = QPainter()
        if not painter.begin(generator):
            raise OSError(f"could not write the SVG file {os.fspath(path)!r}")
        try:
            painter.fillRect(
                QRect(0, 0, extent.width(), extent.height()), QColor(palette.BACKGROUND)
            )
            sheet.render(painter, QPoint())
        finally:
            painter.end()
        flatten_file(target)
    finally:
        sheet.close()
        sheet.deleteLater()
