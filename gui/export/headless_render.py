"""Render exports without a window: ``python main.py run … --png F --svg F``.

Works with no display at all: if no QApplication exists yet, one is created
on Qt's offscreen platform (unless QT_QPA_PLATFORM says otherwise).
"""

from __future__ import annotations

import os

from core.model.run_model import RunModel


def ensure_app() -> object:
    """The running QApplication, or a new offscreen one."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["procession"])
    return app


def render_files(
    model: RunModel, png: str | None = None, svg: str | None = None
) -> None:
    """Write the PNG and/or SVG picture of a finished (or broken) run."""
    if not png and not svg:
        return
    ensure_app()
    from gui.export.image_export import export_png, export_svg

    if png:
        export_png(model, png)
    if svg:
        export_svg(model, svg)
