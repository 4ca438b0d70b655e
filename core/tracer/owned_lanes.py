"""Lanes that live and die with the process that announced them: its threads,
and children whose pid it cannot know (``os.system``). Their end is not
reported by anyone else, so the collector follows them from the process's
own events and, when the process's connection ends, ends those still open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.model.kinds import EventKind


@dataclass
class Owned:
    kind: str
    daemon: bool = False
    started: bool = False


def track(owned: dict[int, Owned], lane: int, kind: str, data: dict[str, Any]) -> None:
    """Follow a thread or pid-less child through its process's events."""
    if kind == "lane_added":
        entry = owned.setdefault(lane, Owned(str(data.get("kind"))))
        entry.daemon = data.get("daemon") is True
    elif kind == "start_called" and lane in owned:
        owned[lane].started = True
    elif kind == "start_returned" and type(data.get("pid")) is int:
        owned.pop(lane, None)  # a pid: the launcher reaps it if need be
    elif kind in ("exited", "start_failed"):
        owned.pop(lane, None)


def last_words(owned: Owned) -> tuple[EventKind, dict[str, Any]]:
    """The event that ends such a lane when its process is gone."""
    if owned.kind == "thread" and not owned.started:
        return EventKind.START_FAILED, {
            "error": "start() was never called",
            "never_called": True,
        }
    if owned.kind != "thread":  # os.system: the status was never read
        return EventKind.EXITED, {"exitcode": None}
    why = "daemon" if owned.daemon else "process_ended"
    return EventKind.EXITED, {"exitcode": None, "still_running": True, "abandoned": why}
