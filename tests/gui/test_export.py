"""PNG and SVG exports: slide-ready, 2× resolution, title and legend included."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtSvg import QSvgRenderer

from gui.export.image_export import export_png, export_svg
from gui.export.slide_sheet import SHEET_WIDTH, subtitle
from tests.gui.timeline_events import finished_model

SVG = "{http://www.w3.org/2000/svg}"


def test_png_is_twice_the_sheet_with_title_and_real_content(qtbot, tmp_path) -> None:
    model = finished_model()
    path = tmp_path / "run.png"
    export_png(model, path)
    image = QImage(str(path))
    assert image.width() == 2 * SHEET_WIDTH
    assert image.height() > 400
    assert image.text("Title") == "test"
    assert "start method fork" in image.text("Description")
    colours = {
        QColor(image.pixel(x, y)).name()
        for x in range(0, image.width(), 7)
        for y in range(0, image.height(), 7)
    }
    assert len(colours) > 20  # lanes, badges, text: not a blank page
    # the title is drawn top left in dark ink
    title_band = [
        QColor(image.pixel(x, y)).lightness()
        for x in range(40, 600, 3)
        for y in range(30, 110, 3)
    ]
    assert min(title_band) < 60


def test_png_scale_and_time_range(qtbot, tmp_path) -> None:
    model = finished_model()
    export_png(model, tmp_path / "one.png", scale=1.0, x_range=(0.2, 0.4))
    assert QImage(str(tmp_path / "one.png")).width() == SHEET_WIDTH
    with pytest.raises(ValueError, match="forward"):
        export_png(model, tmp_path / "bad.png", x_range=(0.4, 0.2))
    with pytest.raises(OSError):
        export_png(model, tmp_path / "missing" / "x.png")


def test_svg_is_valid_and_carries_the_title_as_text(qtbot, tmp_path) -> None:
    model = finished_model()
    path = tmp_path / "run.svg"
    export_svg(model, path)
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "test"
    texts = " ".join("".join(node.itertext()) for node in root.iter(f"{SVG}text"))
    assert "test" in texts and "a-1" in texts and "SIGTERM" in texts
    assert "exited, not joined" in texts  # the legend came along
    renderer = QSvgRenderer(str(path))
    assert renderer.isValid()
    assert renderer.viewBox().width() == SHEET_WIDTH
    assert subtitle(model) == root.find(f"{SVG}desc").text
