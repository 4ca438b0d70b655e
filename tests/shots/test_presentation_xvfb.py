"""The real window on a virtual X screen (xcb, not offscreen), in presentation
mode, at a projector's 1024×768 and at 1920×1080; screenshots are kept in
pytest's tmp_path for a person to look at."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "shots" / "shots_xvfb.sh"
HANG_GUARD_S = 120

pytestmark = pytest.mark.skipif(
    shutil.which("Xvfb") is None, reason="Xvfb not installed"
)


def shoot(tmp_path: Path, size: str, lesson: str, *extra: str) -> dict:
    env = {"SHOT_ARGS": " ".join(extra)} if extra else {}
    done = subprocess.run(
        ["bash", str(SCRIPT), str(tmp_path), size, lesson],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    shot = QImage(str(tmp_path / f"lesson-{lesson}-{size}.png"))
    width, height = (int(n) for n in size.split("x"))
    assert (shot.width(), shot.height()) == (width, height)
    return report


def test_presentation_at_1024x768_with_seven_lanes(tmp_path):
    report = shoot(tmp_path, "1024x768", "9")
    assert report["presenting"] and report["finished"]
    assert report["window"] == [1024, 768]  # full screen, not taller
    assert report["timeline_height"] >= 0.6 * 768
    assert report["lanes"] == 7 and report["lane_px"] >= 40
    assert report["smallest_label_px"] >= 16


def test_presentation_at_1920x1080_and_the_lesson_1_slide(tmp_path):
    export = tmp_path / "lesson1-slide.png"
    report = shoot(tmp_path, "1920x1080", "1", "--export", str(export))
    assert report["window"] == [1920, 1080]
    assert report["timeline_height"] >= 0.6 * 1080
    assert report["smallest_label_px"] >= 16
    assert QImage(report["export"]).size().toTuple() == (1920, 1080)
