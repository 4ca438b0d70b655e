"""The SVG export renders the same in librsvg (what slide tools and
ImageMagick use) as in Qt: issue 11, defect 3."""

from __future__ import annotations

import pytest

from core.scenario.toml_io import load_scenario_or_lesson
from gui.export.image_export import export_svg
from tests.gui.svg_compare import RSVG, differing_fraction, qt_raster, rsvg_raster
from tests.helpers import run

MAX_DIFFERING = 0.02


@pytest.mark.skipif(RSVG is None, reason="rsvg-convert (librsvg2-bin) not installed")
@pytest.mark.parametrize("lesson", ["1", "5"])
def test_lesson_svg_rasterises_alike_in_qt_and_librsvg(qtbot, tmp_path, lesson):
    model = run(load_scenario_or_lesson(lesson))
    svg = tmp_path / f"lesson{lesson}.svg"
    export_svg(model, svg)
    by_rsvg = rsvg_raster(svg, tmp_path / "rsvg.png")
    by_qt = qt_raster(svg, by_rsvg.width(), by_rsvg.height())
    assert by_rsvg.width() >= 1000
    fraction = differing_fraction(by_qt, by_rsvg)
    assert fraction < MAX_DIFFERING, (
        f"{fraction:.1%} of the pixels differ between Qt and librsvg"
    )
    text = svg.read_text()
    # librsvg ignores non-scaling strokes: none may be left to it
    assert "non-scaling-stroke" not in text
