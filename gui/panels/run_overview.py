"""The run overview the details panel shows when no lane is selected: one
line per worker of the program, how it ended or what it is doing."""

from __future__ import annotations

import html

from core.model.run_model import RunModel
from gui import palette
from gui.palette import OUTCOME_STYLES
from gui.timeline.lane_order import is_helper
from gui.timeline.tooltips import STATE_WORDS


def overview_html(model: RunModel | None) -> str:
    """One line per worker: how it ended, or what it is doing."""
    if model is None or not model.started:
        return "Not run yet: press Run (F5)."
    lines = []
    # The library's own processes and threads (a Pool's handler threads,
    # the resource tracker) are not the program's workers: counted only.
    workers = [lane for lane in model.worker_lanes() if not is_helper(lane)]
    helpers = len(model.worker_lanes()) - len(workers)
    for lane in workers[:12]:
        name = f"<b>{html.escape(lane.name)}</b>"
        if lane.explanation is not None and lane.outcome is not None:
            style = OUTCOME_STYLES.get(lane.outcome)
            fill = style.fill if style else "#000000"
            ink = style.text if style else "#ffffff"
            label = html.escape(lane.explanation.label)
            lines.append(
                f"{name} <span style='background:{fill}; color:{ink};'>"
                f"&nbsp;{label}&nbsp;</span> "
                f"{html.escape(lane.explanation.sentence, quote=False)}"
            )
        else:
            words = STATE_WORDS.get(lane.state, "") if lane.state else ""
            lines.append(f"{name} {html.escape(words)}")
    hidden = len(workers) - 12
    if hidden > 0:
        lines.append(f"… and {hidden} more workers")
    if helpers:
        lines.append(
            f"<span style='color:{palette.MUTED_INK}'>and {helpers} helper "
            "lane(s) of the library (View › Show helper lanes)</span>"
        )
    return "<br>".join(lines)
