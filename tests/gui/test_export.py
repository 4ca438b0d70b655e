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
    export_png(model, path, size="fit")
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
    export_png(model, tmp_path / "one.png", size="fit", scale=1.0, x_range=(0.2, 0.4))
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
    assert renderer.viewBox().width() == 1920  # a 16:9 slide by default
    assert subtitle(model) == root.find(f"{SVG}desc").text


def test_slides_are_16_9_with_takeaway_and_a_legend_of_what_is_shown(qtbot, tmp_path):
    from core.scenario.toml_io import load_scenario_or_lesson
    from tests.helpers import run

    model = run(load_scenario_or_lesson("1"))
    export_png(model, tmp_path / "slide.png")
    export_png(model, tmp_path / "slide4k.png", size="4k")
    assert QImage(str(tmp_path / "slide.png")).size().toTuple() == (1920, 1080)
    assert QImage(str(tmp_path / "slide4k.png")).size().toTuple() == (3840, 2160)
    export_svg(model, tmp_path / "slide.svg")
    root = ET.parse(tmp_path / "slide.svg").getroot()
    assert root.get("viewBox") == "0 0 1920 1080"
    texts = [" ".join(node.itertext()) for node in root.iter(f"{SVG}text")]
    assert model.info.takeaway in texts
    # lesson 1 ends well: no crash, kill or lost ending is explained (defect 10)
    for absent in ("SIGSEGV", "SIGKILL", "lost", "not started", "stop requested"):
        assert absent not in texts
    assert "returned (exit 0)" in texts and "join() returned" in texts
    with pytest.raises(ValueError, match="size"):
        export_png(model, tmp_path / "x.png", size="8k")
