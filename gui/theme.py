"""Light (default), dark and high-contrast themes for the window; exports made
while a theme is on use it too (they draw with the same palette).

Qt's own widgets get a matching QPalette on the Fusion style (the platform
style ignores a dark palette on some desktops); the timeline, legend and
marks read gui.palette, which :func:`gui.palette.apply_theme` switches.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from gui import palette
from gui.timeline.lane_overlay import forget_stamps

_DEFAULT: tuple[QPalette, str] | None = None


def set_theme(window: QWidget, name: str) -> None:
    """Switch ``window`` (and the application's widgets) to theme ``name``."""
    global _DEFAULT
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    if _DEFAULT is None:
        _DEFAULT = (app.palette(), app.style().name())
    palette.apply_theme(name)
    forget_stamps()
    if name == "dark":
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(_dark_palette())
    else:
        app.setStyle(QStyleFactory.create(_DEFAULT[1]) or app.style())
        app.setPalette(_DEFAULT[0])
    for child in window.findChildren(QWidget):
        refresh = getattr(child, "apply_theme", None)
        if callable(refresh):
            refresh()
        child.update()


def _dark_palette() -> QPalette:
    dark = QPalette()
    role = QPalette.ColorRole
    for which, colour in (
        (role.Window, "#232323"),
        (role.WindowText, palette.INK),
        (role.Base, palette.BACKGROUND),
        (role.AlternateBase, "#2B2B2B"),
        (role.Text, palette.INK),
        (role.Button, "#2E2E2E"),
        (role.ButtonText, palette.INK),
        (role.ToolTipBase, "#2E2E2E"),
        (role.ToolTipText, palette.INK),
        (role.Highlight, "#3D6A99"),
        (role.HighlightedText, "#FFFFFF"),
        (role.PlaceholderText, palette.MUTED_INK),
    ):
        dark.setColor(which, QColor(colour))
    return dark
