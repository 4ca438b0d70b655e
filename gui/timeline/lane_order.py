"""Which row each lane gets: the lanes as a tree, read depth-first.

A worker can start workers of its own (``Lane.parent``), so a flat list by
lane id would put a child far from the lane that made it. Rows follow the
tree instead: the main program first, then each lane directly followed by its
children (siblings by lane id), the way a file manager lists folders.

Parents come from events, which are untrusted data: a parent that does not
exist or a loop of parents must not lose a lane or hang, so such lanes go
under the main program. Hidden helper lanes (the library's own processes and
threads) hand their rows to their children; untracked lanes are never hidden;
a collapsed lane hides every lane under it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from collections.abc import Set as AbstractSet

from core.model.events import MAIN_ID
from core.model.lanes import Lane
from gui import palette

MUTED_KINDS = frozenset({"helper", "untracked"})
"""Lanes that are not the program's own workers (a resource tracker, a
forkserver, a process started without multiprocessing): drawn washed out,
as are thread lanes marked ``helper``; helpers can also be hidden."""


def tree_order(
    lanes: Mapping[int, Lane],
    show_helpers: bool = True,
    collapsed: AbstractSet[int] = frozenset(),
) -> list[tuple[Lane, int]]:
    """Every shown lane with its depth (the main program 0), in row order;
    the lanes under a ``collapsed`` lane are not shown."""
    children: dict[int, list[int]] = defaultdict(list)
    for lane_id, lane in lanes.items():
        if lane_id == MAIN_ID:
            continue
        parent = lane.parent
        if parent is None or parent == lane_id or parent not in lanes:
            parent = MAIN_ID
        children[parent].append(lane_id)
    for siblings in children.values():
        siblings.sort()
    order: list[tuple[Lane, int]] = []
    visited: set[int] = set()

    def walk(root: int, depth: int) -> None:
        stack = [(root, depth, False)]
        while stack:
            lane_id, level, folded = stack.pop()
            if lane_id in visited:
                continue
            visited.add(lane_id)
            lane = lanes[lane_id]
            shown = not folded and (show_helpers or not is_helper(lane))
            if shown:
                order.append((lane, level))
            below = level + 1 if shown else level
            folded = folded or (lane_id in collapsed and lane_id != MAIN_ID)
            stack.extend(
                (child, below, folded) for child in reversed(children[lane_id])
            )

    if MAIN_ID in lanes:
        walk(MAIN_ID, 0)
    else:  # before the run announced its main program
        visited.add(MAIN_ID)
        for lane_id in children[MAIN_ID]:
            walk(lane_id, 1)
    for lane_id in sorted(lanes.keys() - visited):  # parents in a loop
        walk(lane_id, 1)
    return order


def parent_lanes(lanes: Mapping[int, Lane]) -> set[int]:
    """The lanes other lanes were started by (the main program aside): the
    ones a double click can collapse."""
    return {
        lane.parent
        for lane in lanes.values()
        if lane.parent is not None and lane.parent != MAIN_ID and lane.parent in lanes
    }


def row_label(lane: Lane, folded: bool | None = None) -> str:
    """A lane's name as its row shows it: "↳" marks a lane started by a worker
    (its row sits under that worker's), so the tree reads in the labels; a
    lane with lanes under it shows "▾" (open) or "▸" (``folded``: hidden)."""
    nested = lane.parent is not None and lane.parent != MAIN_ID
    fold = {None: "", False: "▾ ", True: "▸ "}[folded]
    return f"{'↳ ' if nested else ''}{fold}{lane.name}"


def is_helper(lane: Lane) -> bool:
    """The library's own process or thread: hidden unless asked for. An
    untracked process is the program's own doing: always shown (muted)."""
    return lane.kind == "helper" or lane.helper


def is_muted(lane: Lane) -> bool:
    """A helper or untracked lane, or a library's own thread (a Queue's
    feeder, a Pool's handlers)."""
    return lane.kind in MUTED_KINDS or lane.helper


def name_ink(lane: Lane) -> str:
    return palette.MUTED_INK if is_muted(lane) else palette.INK
