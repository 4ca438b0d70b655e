"""Hazards as plain data (summary JSON) and as text for a terminal."""

from __future__ import annotations

import re
import textwrap
from typing import Any

from core.hazards.hazard import Hazard
from core.model.run_model import RunModel

WIDTH = 80
"""Terminal columns; only a link longer than that is left whole (a wrapped
address cannot be clicked)."""


def lane_names(model: RunModel, hazard: Hazard) -> list[str]:
    return [model.lanes[i].name for i in hazard.lanes if i in model.lanes]


def as_data(model: RunModel, hazard: Hazard) -> dict[str, Any]:
    """One hazard for the summary JSON."""
    return {
        "kind": hazard.kind,
        "title": hazard.title,
        "lane": model.lanes[hazard.lane].name if hazard.lane in model.lanes else None,
        "lanes": lane_names(model, hazard),
        "at": round(hazard.at, 6),
        "message": hazard.text,
        "evidence": list(hazard.evidence),
        "fix": hazard.fix,
        "doc": hazard.url,
        "site": hazard.site or None,
    }


def as_text(model: RunModel, hazards: list[Hazard]) -> str:
    """The hazards for the terminal, after the table ("" when none)."""
    if not hazards:
        return ""
    count = len(hazards)
    lines = [f"  {count} hazard{'s' if count > 1 else ''} found in this run:"]
    for number, hazard in enumerate(hazards, 1):
        lines.append("")
        lines += textwrap.wrap(
            f"{number}. {hazard.title}",
            WIDTH,
            initial_indent="  ",
            subsequent_indent="     ",
        )
        where = f"{', '.join(lane_names(model, hazard))} at {hazard.at:.2f} s"
        if hazard.site:
            where += f" ({hazard.site})"
        lines += _para(where)
        lines += _para(hazard.text)
        for fact in hazard.evidence:
            lines += _para(f"- {fact}", hang="       ")
        lines += _para(f"Fix: {hazard.fix}")
        lines.append(f"     Read: {hazard.url}")
    return "\n".join(lines)


_NUMBER_AND_UNIT = re.compile(r"(\d) (s|ms|cores?)\b")


def _para(text: str, hang: str = "     ") -> list[str]:
    """Wrapped, never between a number and its unit ("0.20" / "s")."""
    glued = _NUMBER_AND_UNIT.sub("\\1\N{NO-BREAK SPACE}\\2", text)
    lines = textwrap.wrap(glued, WIDTH, initial_indent="     ", subsequent_indent=hang)
    return [line.replace("\N{NO-BREAK SPACE}", " ") for line in lines]
