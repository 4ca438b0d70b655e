"""Headless rendering: no window, no display, from Python and from the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from core.export import recording
from gui.export.headless_render import render_files
from gui.export.slide_sheet import SLIDE_SIZES
from tests.gui.timeline_events import finished_model

SLIDE_PX = SLIDE_SIZES["1080p"][:2]

ROOT = Path(__file__).resolve().parents[2]


def test_render_files_with_an_existing_application(qtbot, tmp_path) -> None:
    png, svg = tmp_path / "a.png", tmp_path / "a.svg"
    render_files(finished_model(), png=str(png), svg=str(svg))
    assert QImage(str(png)).size().toTuple() == SLIDE_PX  # a 16:9 slide
    assert b"<svg" in svg.read_bytes()[:400]
    render_files(finished_model())  # nothing asked for: nothing written, no error


def test_render_files_creates_its_own_offscreen_application(tmp_path) -> None:
    """A fresh interpreter with no display and no QApplication."""
    saved = tmp_path / "run.json"
    recording.save(finished_model(), saved)
    png = tmp_path / "b.png"
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from core.export import recording;"
        "from gui.export.headless_render import render_files;"
        "render_files(recording.load(sys.argv[2]), png=sys.argv[3])"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), str(saved), str(png)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert QImage(str(png)).size().toTuple() == SLIDE_PX  # a 16:9 slide


def test_command_line_run_writes_png_and_svg(tmp_path) -> None:
    png, svg = tmp_path / "l1.png", tmp_path / "l1.svg"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "run",
            "1",
            "--start-method",
            "fork",
            "--png",
            str(png),
            "--svg",
            str(svg),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(png))
    assert image.size().toTuple() == SLIDE_PX
    assert image.text("Title") == "Two processes, joined"
    assert "Two processes, joined" in svg.read_text(encoding="utf-8")
