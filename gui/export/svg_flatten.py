"""Make Qt's SVG render the same outside Qt (librsvg, ImageMagick, browsers).

The timeline paints its bars and grid in data coordinates (seconds × lanes)
under a view transform such as ``matrix(1141,0,0,85,213,108)``. QSvgGenerator
writes that transform on the group and marks cosmetic pens with
``vector-effect="non-scaling-stroke"``. Qt honours it; librsvg 2.54 (Debian)
does not, so a 1-pixel grid line became a 1141-pixel-wide block, and the hatch
pattern (``patternUnits="userSpaceOnUse"``) was scaled into solid squares.

:func:`flatten_scaled_groups` bakes each axis-aligned scaling transform into
the coordinates of the shapes it holds (rect, polyline, polygon, path of
absolute commands, line, ellipse), so every group ends up in pixels and every
renderer agrees. The input is our own generator's output, never a user's file.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

SVG_NS = "http://www.w3.org/2000/svg"
_MATRIX = re.compile(r"\s*matrix\(([^)]*)\)\s*$")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")

Mapper = Callable[[float, float], tuple[float, float]]


def _fmt(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def _map_points(text: str, mapper: Mapper) -> str:
    numbers = [float(n) for n in _NUMBER.findall(text)]
    pairs = [mapper(x, y) for x, y in zip(numbers[::2], numbers[1::2], strict=False)]
    return " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in pairs)


def _map_path(text: str, mapper: Mapper) -> str | None:
    """Absolute M/L/C/Q/Z paths (what Qt writes); None if anything else."""
    out: list[str] = []
    pending: list[float] = []
    for token in _PATH_TOKEN.findall(text):
        if token.isalpha():
            if token not in "MLCQZ" or pending:
                return None
            out.append(token)
            continue
        pending.append(float(token))
        if len(pending) == 2:
            x, y = mapper(*pending)
            out.append(f"{_fmt(x)},{_fmt(y)}")
            pending.clear()
    return None if pending else " ".join(out)


def _bake(node: ET.Element, sx: float, sy: float, dx: float, dy: float) -> bool:
    """Rewrite one shape in pixels; False if it cannot be (left as it was)."""

    def mapper(x: float, y: float) -> tuple[float, float]:
        return x * sx + dx, y * sy + dy

    tag = node.tag.removeprefix(f"{{{SVG_NS}}}")
    if tag == "rect":
        x, y = mapper(float(node.get("x", 0)), float(node.get("y", 0)))
        w = float(node.get("width", 0)) * sx
        h = float(node.get("height", 0)) * sy
        x, w = (x + w, -w) if w < 0 else (x, w)
        y, h = (y + h, -h) if h < 0 else (y, h)
        for key, value in (("x", x), ("y", y), ("width", w), ("height", h)):
            node.set(key, _fmt(value))
        return True
    if tag in ("polyline", "polygon"):
        node.set("points", _map_points(node.get("points", ""), mapper))
        return True
    if tag == "line":
        x1, y1 = mapper(float(node.get("x1", 0)), float(node.get("y1", 0)))
        x2, y2 = mapper(float(node.get("x2", 0)), float(node.get("y2", 0)))
        for key, value in (("x1", x1), ("y1", y1), ("x2", x2), ("y2", y2)):
            node.set(key, _fmt(value))
        return True
    if tag == "path":
        mapped = _map_path(node.get("d", ""), mapper)
        if mapped is None:
            return False
        node.set("d", mapped)
        return True
    if tag == "ellipse":
        cx, cy = mapper(float(node.get("cx", 0)), float(node.get("cy", 0)))
        node.set("cx", _fmt(cx))
        node.set("cy", _fmt(cy))
        node.set("rx", _fmt(abs(float(node.get("rx", 0)) * sx)))
        node.set("ry", _fmt(abs(float(node.get("ry", 0)) * sy)))
        return True
    return False


def flatten_scaled_groups(root: ET.Element) -> int:
    """Bake scaling group transforms into their shapes; returns groups changed."""
    changed = 0
    for group in root.iter(f"{{{SVG_NS}}}g"):
        match = _MATRIX.match(group.get("transform", ""))
        if match is None:
            continue
        sx, b, c, sy, dx, dy = (float(v) for v in match.group(1).split(","))
        if b != 0 or c != 0:
            continue  # rotations/skews: none in our pictures; leave them to Qt
        if sx == 1 and sy == 1:  # a translation: the attribute changes nothing
            for shape in group:
                shape.attrib.pop("vector-effect", None)
            continue
        shapes = list(group)
        if not all(_can_bake(shape) for shape in shapes):
            continue
        stroked = group.get("stroke", "none") != "none"
        if stroked and any(
            s.get("vector-effect") != "non-scaling-stroke" for s in shapes
        ):
            continue  # a pen width in data units would change once baked
        for shape in shapes:
            _bake(shape, sx, sy, dx, dy)
            # A cosmetic pen was meant in pixels, which the shape now is.
            shape.attrib.pop("vector-effect", None)
        group.set("transform", "matrix(1,0,0,1,0,0)")
        changed += 1
    return changed


def _can_bake(node: ET.Element) -> bool:
    probe = ET.Element(node.tag, dict(node.attrib))
    return len(node) == 0 and _bake(probe, 1.0, 1.0, 0.0, 0.0)


def flatten_file(path: Path) -> None:
    """Rewrite an SVG file written by QSvgGenerator in place."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    tree = ET.parse(path)
    flatten_scaled_groups(tree.getroot())
    temporary = path.with_name(path.name + ".tmp")
    tree.write(temporary, encoding="UTF-8", xml_declaration=True)
    temporary.replace(path)
