"""Opening, saving and exporting, without widgets (the window asks for paths).

Opening never runs code and never unpickles: scenarios are TOML read by
core.scenario.toml_io, recordings are JSON replayed by core.export.recording.
Lessons are never written: saving onto a lesson file is refused.
"""

from __future__ import annotations

from pathlib import Path

from core.export import recording, summary, trace
from core.input_checks import InputError, Problem
from core.model.run_model import RunModel
from core.scenario import toml_io
from core.scenario.definition import Scenario
from core.scenario.rules import scenario_from_dict

PICTURES = {
    "png": ("png", "1080p"),
    "png4k": ("png", "4k"),
    "pngfit": ("png", "fit"),
    "svg": ("svg", "1080p"),
}
"""Export kind → (format, size): 16:9 slides at 1920 × 1080 or 3840 × 2160,
or the sheet as tall as its content."""
DEFAULT_SUFFIX = {
    "png": ".png",
    "png4k": ".png",
    "pngfit": ".png",
    "svg": ".svg",
    "trace": ".trace.json",
    "summary": ".summary.json",
    "recording": ".procession.json",
    "py": ".py",  # a program (Show as code)
}


def is_lesson(path: Path | str | None) -> bool:
    if path is None:
        return False
    try:
        return Path(path).resolve().parent == toml_io.LESSONS_DIR
    except OSError:
        return False


def open_any(ref: str | Path) -> tuple[Scenario, RunModel | None]:
    """A scenario (.toml, lesson name or number) or a recording (.json).

    Returns (scenario, recorded model or None); InputError names the problem.
    """
    path = Path(ref)
    if path.suffix.lower() == ".json":
        model = recording.load(path)
        if model.source is None:  # a recording of something else than a scenario
            return Scenario(title=model.info.title or "Recording"), model
        return scenario_from_dict(model.source), model
    if path.suffix and path.suffix.lower() != ".toml" and path.exists():
        kinds = "a scenario (.toml), a program (.py) or a recording (.json)"
        raise InputError([Problem("", f"expected {kinds}")], str(ref))
    return toml_io.load_scenario_or_lesson(str(ref)), None


def save_scenario(scenario: Scenario, path: Path | str) -> Path:
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(".toml")
    if is_lesson(path):
        raise InputError(
            [Problem("", "the built-in lessons are read-only; save somewhere else")],
            str(path),
        )
    toml_io.save_scenario(scenario, path)
    return path


def export(
    kind: str,
    model: RunModel,
    path: Path | str,
    x_range: tuple[float, float] | None = None,
    show_helpers: bool = False,
) -> Path:
    """Write ``model`` as ``kind`` (a picture of PICTURES, trace, summary,
    recording).

    ``x_range`` (seconds) limits the pictures to that stretch of the run: a
    slide of what the teacher zoomed into; ``show_helpers`` draws the
    library's helper lanes in them, as View › Show helper lanes does. The data
    exports always hold it all.
    """
    path = Path(path)
    if not path.suffix:
        path = path.with_name(path.name + DEFAULT_SUFFIX[kind])
    if kind in PICTURES:
        from gui.export.image_export import export_png, export_svg

        form, size = PICTURES[kind]
        writer = export_png if form == "png" else export_svg
        writer(model, path, x_range=x_range, size=size, show_helpers=show_helpers)
    elif kind == "trace":
        trace.save(model, path)
    elif kind == "summary":
        summary.save(model, path)
    elif kind == "recording":
        recording.save(model, path)
    else:
        raise ValueError(f"unknown export kind {kind!r}")
    return path


def suggested_name(title: str, kind: str) -> str:
    stem = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")
    while "--" in stem:
        stem = stem.replace("--", "-")
    return (stem or "procession") + DEFAULT_SUFFIX.get(kind, ".toml")
