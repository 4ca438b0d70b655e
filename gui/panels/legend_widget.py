"""The legend: what each colour, mark and symbol means.

It paints itself (no child widgets) with the same drawing code as the lanes,
so the legend in a PNG or SVG export is pixel-for-pixel what the window shows,
and it wraps its entries to any width (``heightForWidth``).

It can list everything, or only what the run on screen shows (:meth:`show_only`:
lesson 1 has no SIGSEGV, so its legend does not explain one), compactly on
flowing lines without section headings. Given a height budget
(:meth:`set_max_height`) it shrinks its own text rather than squeeze the lanes:
the timeline is the picture, the legend its caption (issue 11, defect 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from core.model.outcomes import Outcome
from core.model.run_model import Lane, RunModel, State
from gui import palette
from gui.palette import LEGEND_MARKERS, LEGEND_STATES, OUTCOME_STYLES, STATE_STYLES
from gui.timeline import marks


@dataclass(frozen=True)
class _Entry:
    kind: str  # "heading", "state", "outcome" or "marker"
    key: str
    text: str


@dataclass(frozen=True)
class Shown:
    """What a run puts on the screen, for a legend that explains only that."""

    states: frozenset[State]
    outcomes: frozenset[Outcome]
    markers: frozenset[str]

    @classmethod
    def of(cls, model: RunModel, lanes: Sequence[Lane] | None = None) -> Shown:
        """What ``lanes`` show (default: every lane of ``model``; the window
        passes the rows it draws, so hidden helpers explain nothing)."""
        lanes = list(model.lanes.values()) if lanes is None else list(lanes)
        return cls(
            frozenset(s.state for lane in lanes for s in lane.segments),
            frozenset(lane.outcome for lane in lanes if lane.outcome is not None),
            frozenset(m.kind for lane in lanes for m in lane.markers),
        )


MIN_FIT_SCALE = 0.6
"""Below this the legend is unreadable anyway; it is then cut, not shrunk."""


def _entries(shown: Shown | None) -> list[list[_Entry]]:
    states = [_Entry("heading", "", "States")] + [
        _Entry("state", state.value, STATE_STYLES[state].label)
        for state in LEGEND_STATES
        if shown is None or state in shown.states
    ]
    outcomes = [_Entry("heading", "", "Endings")] + [
        _Entry("outcome", outcome.value, style.legend)
        for outcome, style in OUTCOME_STYLES.items()
        if shown is None or outcome in shown.outcomes
    ]
    markers = [_Entry("heading", "", "Marks")] + [
        _Entry("marker", kind, text)
        for kind, text in LEGEND_MARKERS.items()
        if shown is None or kind in shown.markers
    ]
    return [section for section in (states, outcomes, markers) if len(section) > 1]


class LegendWidget(QWidget):
    """Swatches for states, sample badges for endings, glyphs for marks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._requested_scale = 1.0
        self._scale = 1.0
        self._max_height: int | None = None
        self._compact = False
        self._auto_compact = False
        self._font_key: float | None = None
        self._font_cache: tuple | None = None
        self._unit_widths: dict[tuple[_Entry, bool], float] = {}
        self._unit_line = QFontMetricsF(palette.font(palette.LEGEND_PX)).height()
        self._shown: Shown | None = None
        self._sections = _entries(None)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setToolTip("What the colours and marks on the timeline mean")

    def set_presentation_scale(self, scale: float) -> None:
        self._requested_scale = scale
        self._refit()

    def presentation_scale(self) -> float:
        """The scale used: the requested one, or less to stay in its budget."""
        return self._scale

    def apply_theme(self) -> None:
        self.update()  # paints from gui.palette, which the theme changed

    def smallest_text_px(self) -> float:
        return min(palette.LEGEND_PX, palette.BADGE_PX * 0.9) * self._scale

    def show_only(self, shown: Shown | None) -> None:
        """Explain only what ``shown`` lists (None: everything)."""
        if shown == self._shown:
            return
        self._shown = shown
        self._sections = _entries(shown)
        self._refit()

    def set_compact(self, compact: bool) -> None:
        """Compact: entries flow on as few lines as possible, no headings."""
        self._compact = compact
        self._refit()

    def set_max_height(self, pixels: int | None) -> None:
        self._max_height = pixels
        self._refit()

    def _refit(self) -> None:
        """The largest scale up to the requested one that fits the budget;
        compact lines first if the sectioned layout would need shrinking by
        more than a quarter. Past MIN_FIT_SCALE the legend is cut instead."""
        width = float(max(self.width(), 200))
        self._auto_compact = False
        self._scale = self._fit_scale(width)
        if self._scale < 0.75 * self._requested_scale and not self._compact:
            self._auto_compact = True
            self._scale = self._fit_scale(width)
        limit = self._max_height if self._max_height is not None else 16_777_215
        self.setMaximumHeight(limit)
        self.updateGeometry()
        self.update()

    def _fit_scale(self, width: float) -> float:
        """Bisect: the height grows with the scale, and each layout measures
        every caption, so a few tries beat shrinking step by step."""
        self._scale = high = self._requested_scale
        if self._max_height is None or self._height_for(width) <= self._max_height:
            return high
        low = min(MIN_FIT_SCALE, high)
        for _ in range(7):
            self._scale = (low + high) / 2
            if self._height_for(width) <= self._max_height:
                low = self._scale
            else:
                high = self._scale
        self._scale = low
        return low

    @property
    def compact(self) -> bool:
        return self._compact or self._auto_compact

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._max_height is not None and event.oldSize().width() != self.width():
            self._refit()

    def texts(self) -> list[str]:
        """Every caption, in order (what a reader of the legend sees)."""
        return [
            self._caption(entry)
            for section in self._sections
            for entry in section
            if not (self.compact and entry.kind == "heading")
        ]

    def _caption(self, entry: _Entry) -> str:
        """Compact captions drop the parenthesis: "starting (booting)" is
        "starting"; the swatch or sample badge says the rest."""
        text = entry.text
        cut = text.find(" (")
        if self.compact and entry.kind != "heading" and cut > 0 and text[-1] == ")":
            return text[:cut]
        return text

    # -- layout -----------------------------------------------------------------------

    def _fonts(self):
        if self._font_key != self._scale:
            self._font_key, self._font_cache = self._scale, self._make_fonts()
        return self._font_cache

    def _make_fonts(self):
        return (
            palette.font(palette.LEGEND_PX * self._scale),
            palette.font(palette.LEGEND_PX * self._scale, bold=True),
            palette.font(palette.BADGE_PX * self._scale * 0.9, bold=True),
        )

    def _line_height(self) -> float:
        return self._unit_line * self._scale * (1.45 if self.compact else 1.7)

    def _entry_width(self, entry: _Entry) -> float:
        """Measured once at scale 1, then scaled: text widths grow with the
        pixel size, and fitting tries several scales, each of which would
        otherwise measure every caption with cold font caches (~25 µs each)."""
        key = (entry, self.compact)
        unit = self._unit_widths.get(key)
        if unit is None:
            unit = self._unit_widths[key] = self._measure(entry)
        return unit * self._scale

    def _measure(self, entry: _Entry) -> float:
        """Width of ``entry`` at scale 1."""
        text = QFontMetricsF(
            palette.font(palette.LEGEND_PX, bold=entry.kind == "heading")
        )
        width = text.horizontalAdvance(self._caption(entry))
        if entry.kind == "state":
            width += 30 + 6
        elif entry.kind == "outcome":
            sample = OUTCOME_STYLES[Outcome(entry.key)].sample
            badge_font = palette.font(palette.BADGE_PX * 0.9, bold=True)
            width += marks.badge_size(sample, badge_font)[0] + 6
        elif entry.kind == "marker":
            width += self._unit_line * (1.45 if self.compact else 1.7) * 0.7 + 4
        else:
            width += 4
        return width + 18

    def _swatch_width(self) -> float:
        return 30 * self._scale

    def _layout(self, width: float) -> list[tuple[_Entry, QRectF]]:
        """Place entries left to right, wrapping to ``width``.

        Each section starts a line with its heading; continuation lines start
        under the section's first entry, so the headings form a column.
        """
        placed: list[tuple[_Entry, QRectF]] = []
        line_h = self._line_height()
        margin = 8 * self._scale
        if not self._sections:
            return placed
        if self.compact:  # one paragraph: no headings, no column
            column = margin
        else:
            column = margin + max(
                self._entry_width(section[0]) for section in self._sections
            )
        y = margin / 2
        x = column
        for section in self._sections:
            if not self.compact:
                placed.append((section[0], QRectF(margin, y, column - margin, line_h)))
                x = column
            for entry in section[1:]:
                entry_w = self._entry_width(entry)
                if x > column and x + entry_w > width - margin:
                    x = column
                    y += line_h
                placed.append((entry, QRectF(x, y, entry_w, line_h)))
                x += entry_w
            if not self.compact:
                y += line_h
        return placed

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._height_for(float(width))

    def _height_for(self, width: float) -> int:
        placed = self._layout(width)
        return int(placed[-1][1].bottom() + 4 * self._scale) if placed else 0

    def sizeHint(self) -> QSize:
        width = 900
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        # It fits itself into whatever height it gets (set_max_height); its
        # height at 200 px wide would make the window taller than a screen.
        return QSize(200, round(self._line_height()))

    # -- painting ---------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.fillRect(self.rect(), QColor(palette.BACKGROUND))
        self.paint_into(p, float(self.width()))
        p.end()

    def paint_into(self, p: QPainter, width: float) -> None:
        text_font, bold, badge_font = self._fonts()
        for entry, rect in self._layout(width):
            centre = rect.center().y()
            x = rect.left()
            if entry.kind == "heading":
                p.setFont(bold)
                p.setPen(QColor(palette.INK))
                p.drawText(
                    QRectF(x, rect.top(), rect.width(), rect.height()),
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                    entry.text + ":",
                )
                continue
            if entry.kind == "state":
                x = self._paint_swatch(p, State(entry.key), x, centre, rect.height())
            elif entry.kind == "outcome":
                outcome = Outcome(entry.key)
                badge = marks.draw_badge(
                    p, x, centre, OUTCOME_STYLES[outcome].sample, outcome, badge_font
                )
                x = badge.right() + 6 * self._scale
            else:
                size = rect.height() * 0.45
                marks.draw_glyph(p, entry.key, x + size / 2, centre, size)
                x += size + 6 * self._scale
            p.setFont(text_font)
            p.setPen(QColor(palette.INK))
            p.drawText(
                QRectF(x, rect.top(), rect.right() - x, rect.height()),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                self._caption(entry),
            )

    def _paint_swatch(
        self, p: QPainter, state: State, x: float, centre: float, line_h: float
    ) -> float:
        style = STATE_STYLES[state]
        width = self._swatch_width()
        height = line_h * 0.62 * style.height / palette.BAR
        rect = QRectF(x, centre - height / 2, width, height)
        p.setPen(Qt.PenStyle.NoPen)
        if style.hatch:
            p.setBrush(QColor(style.pale))
            p.drawRect(rect)
            p.setBrush(QBrush(QColor(style.colour), palette.HATCH_STYLE))
        else:
            p.setBrush(QColor(style.colour))
        p.drawRect(rect)
        if state is State.RUNNING:  # the CPU shading, as it appears on busy lanes
            busy = QRectF(
                rect.left() + width * 0.45,
                rect.top() + height * 0.35,
                width * 0.55,
                height * 0.65,
            )
            p.setBrush(QColor(palette.CPU_FILL))
            p.drawRect(busy)
        return x + width + 6 * self._scale
