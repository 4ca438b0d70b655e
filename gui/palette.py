"""Colours, bar shapes and fonts for lanes, outcomes and marks.

Colours come from the Okabe–Ito palette, chosen so that the eight hues stay
distinct for the common forms of colour blindness. Colour is never the only
cue: states also differ in bar height or hatching, outcome marks carry text
(✓, ✗ NameError, SIGTERM, exit 3) and markers have distinct shapes.

Meaning, in short: warm = the process is being made or unmade (starting
orange, exiting purple), blue = it runs its target (darker where the CPU is
busy), yellow = ended but not joined by the main program yet, thin grey =
gone. The main program is dark: solid while it executes, hatched while it
waits inside join().
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from core.model.outcomes import Outcome
from core.model.run_model import State

# Okabe & Ito (2008), "Color Universal Design".
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
BLACK = "#000000"

INK = "#1A1A1A"
MUTED_INK = "#5A5A5A"
GRID = "#DCDCDC"
BACKGROUND = "#FFFFFF"
SELECTION = "#E3ECF7"
NOW_LINE = VERMILLION
CPU_FILL = BLUE
"""Drawn over a running bar, as tall as the sampled CPU share."""


@dataclass(frozen=True)
class StateStyle:
    colour: str
    height: float
    """Bar height as a fraction of the lane pitch."""
    label: str
    hatch: bool = False
    """Hatched bars mean "waiting": drawn as a pale fill plus a line pattern."""
    pale: str = ""


BAR = 0.62
THIN = 0.2

STATE_STYLES: dict[State, StateStyle] = {
    State.CREATED: StateStyle("#E6E6E6", THIN, "created (start() not called)"),
    State.STARTING: StateStyle(ORANGE, BAR, "starting (booting)"),
    State.RUNNING: StateStyle(SKY_BLUE, BAR, "running (dark = CPU busy)"),
    State.EXITING: StateStyle(REDDISH_PURPLE, BAR, "exiting"),
    State.EXITED: StateStyle(YELLOW, BAR * 0.7, "exited, not joined"),
    # Thin and pale: a joined process is gone; a grey bar the height of
    # "created" read as activity (issue 11, defect 8).
    State.JOINED: StateStyle("#CDCDCD", THIN * 0.5, "joined (gone)"),
    State.MAIN_RUNNING: StateStyle("#3A3A3A", BAR, "main: running"),
    State.MAIN_JOINING: StateStyle(
        "#3A3A3A", BAR, "main: waiting in join()", hatch=True, pale="#D7D7D7"
    ),
    State.MAIN_FINISHED: StateStyle(
        "#3A3A3A", THIN * 0.6, "main: code done, exit waits"
    ),
}
DRAW_ORDER: tuple[State, ...] = tuple(STATE_STYLES)
LEGEND_STATES: tuple[State, ...] = (
    State.CREATED,
    State.STARTING,
    State.RUNNING,
    State.EXITING,
    State.EXITED,
    State.JOINED,
    State.MAIN_RUNNING,
    State.MAIN_JOINING,
    State.MAIN_FINISHED,
)
HATCH_STYLE = Qt.BrushStyle.BDiagPattern


@dataclass(frozen=True)
class OutcomeStyle:
    fill: str
    text: str
    legend: str
    sample: str
    """Example text of the mark, for the legend."""
    outline: str = ""


OUTCOME_STYLES: dict[Outcome, OutcomeStyle] = {
    Outcome.OK: OutcomeStyle(BLUISH_GREEN, "#FFFFFF", "returned (exit 0)", "✓"),
    Outcome.ERROR: OutcomeStyle(
        VERMILLION, "#FFFFFF", "uncaught exception (exit 1)", "✗ Error"
    ),
    Outcome.EXIT: OutcomeStyle(ORANGE, INK, "sys.exit(3)", "exit 3"),
    Outcome.TERMINATED: OutcomeStyle(
        REDDISH_PURPLE, INK, "terminate() (−15)", "SIGTERM"
    ),
    Outcome.KILLED: OutcomeStyle("#7B2D5F", "#FFFFFF", "kill() (−9)", "SIGKILL"),
    Outcome.CRASHED: OutcomeStyle("#9E2A00", "#FFFFFF", "crashed (−11)", "SIGSEGV"),
    Outcome.LOST: OutcomeStyle("#8A8A8A", "#FFFFFF", "exit status unknown", "lost"),
    Outcome.NOT_STARTED: OutcomeStyle(
        "#FFFFFF", MUTED_INK, "start() failed", "not started", outline=MUTED_INK
    ),
}


@dataclass(frozen=True)
class MarkerStyle:
    colour: str
    label: str
    bottom: bool = False
    """Drawn on the bar's lower edge (things done *to* a worker: signals, stop),
    so they do not collide with start/join symbols on the upper edge."""


MARKER_STYLES: dict[str, MarkerStyle] = {
    "start_called": MarkerStyle(INK, "start() called"),
    "join_called": MarkerStyle(BLUE, "join() called"),
    "join_returned": MarkerStyle(BLUE, "join() returned"),
    "join_timeout": MarkerStyle(VERMILLION, "join() timed out"),
    "stop": MarkerStyle(ORANGE, "stop requested", bottom=True),
    "signal": MarkerStyle(VERMILLION, "signal sent", bottom=True),
    "main_finished": MarkerStyle(INK, "main program finished"),
    "mark": MarkerStyle(REDDISH_PURPLE, "probe.mark()", bottom=True),
    "problem": MarkerStyle(VERMILLION, "problem", bottom=True),
    "notice": MarkerStyle(MUTED_INK, "notice", bottom=True),
    "start_failed": MarkerStyle(VERMILLION, "start() failed"),
}
"""Marker kinds drawn on lanes; the others (booted, exit…) are in tooltips."""
LEGEND_MARKERS: dict[str, str] = {
    "start_called": "start()",
    "join_called": "join() called",
    "join_returned": "join() returned",
    "stop": "stop requested",
    "signal": "signal sent",
    "main_finished": "main program done",
}


def colour(name: str) -> QColor:
    return QColor(name)


FONT_FAMILY = "DejaVu Sans"


def font(pixels: float, *, bold: bool = False) -> QFont:
    """A font sized in pixels so that offscreen exports match the screen."""
    result = QFont(FONT_FAMILY)
    result.setPixelSize(max(1, round(pixels)))
    result.setBold(bold)
    return result


# Sizes at presentation scale 1.0, in pixels: big enough for a projector.
LANE_MAX_PX = 60.0
LABEL_PX = 15.0
SUBLABEL_PX = 12.0
BADGE_PX = 13.0
MARKER_TEXT_PX = 12.0
TICK_PX = 13.0
LEGEND_PX = 13.0
PRESENTATION_SCALES = (0.8, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)


# -- themes -----------------------------------------------------------------------

THEMES: dict[str, dict[str, str]] = {
    "light": {
        "INK": INK,
        "MUTED_INK": MUTED_INK,
        "GRID": GRID,
        "BACKGROUND": BACKGROUND,
        "SELECTION": SELECTION,
        "MAIN": "#3A3A3A",
        "MAIN_PALE": "#D7D7D7",
        "CREATED": "#E6E6E6",
        "JOINED": "#CDCDCD",
    },
    # Dark: the main program's bar turns light (dark grey vanishes on black).
    "dark": {
        "INK": "#EDEDED",
        "MUTED_INK": "#A9A9A9",
        "GRID": "#3D3D3D",
        "BACKGROUND": "#1B1B1B",
        "SELECTION": "#26384D",
        "MAIN": "#CFCFCF",
        "MAIN_PALE": "#505050",
        "CREATED": "#3C3C3C",
        "JOINED": "#4A4A4A",
    },
    # High contrast: black ink and darker greys on white, a yellow selection.
    "contrast": {
        "INK": "#000000",
        "MUTED_INK": "#000000",
        "GRID": "#8C8C8C",
        "BACKGROUND": "#FFFFFF",
        "SELECTION": "#FFF0A0",
        "MAIN": "#000000",
        "MAIN_PALE": "#BDBDBD",
        "CREATED": "#9C9C9C",
        "JOINED": "#7A7A7A",
    },
}
THEME_NAMES = {"light": "Light", "dark": "Dark", "contrast": "High contrast"}
theme = "light"


def apply_theme(name: str) -> None:
    """Switch every colour that depends on the theme, in place (the styles
    are shared dicts, read at paint time). Callers repaint afterwards."""
    global theme, INK, MUTED_INK, GRID, BACKGROUND, SELECTION
    if name not in THEMES:
        raise ValueError(f"theme must be one of {sorted(THEMES)}, not {name!r}")
    colours = THEMES[name]
    theme = name
    INK, MUTED_INK, GRID = colours["INK"], colours["MUTED_INK"], colours["GRID"]
    BACKGROUND, SELECTION = colours["BACKGROUND"], colours["SELECTION"]
    for state, key in (
        (State.MAIN_RUNNING, "MAIN"),
        (State.MAIN_JOINING, "MAIN"),
        (State.MAIN_FINISHED, "MAIN"),
        (State.CREATED, "CREATED"),
        (State.JOINED, "JOINED"),
    ):
        style = STATE_STYLES[state]
        pale = colours["MAIN_PALE"] if style.hatch else style.pale
        STATE_STYLES[state] = replace(style, colour=colours[key], pale=pale)
    for kind in ("start_called", "main_finished"):
        MARKER_STYLES[kind] = replace(MARKER_STYLES[kind], colour=INK)
    MARKER_STYLES["notice"] = replace(MARKER_STYLES["notice"], colour=MUTED_INK)


def label_box(alpha: int = 225) -> QColor:
    """The translucent box behind text on the lanes, in the theme's paper."""
    box = QColor(BACKGROUND)
    box.setAlpha(alpha)
    return box
