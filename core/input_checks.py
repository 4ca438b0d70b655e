"""Strict checks for values that come from people: scenario files, form fields, CLI.

Python is generous in ways that hurt here: ``int(" 12 ")``, ``int("1_000")`` and
``int("١٢")`` all succeed, ``True`` is an ``int``, ``float("nan")`` parses, and
TOML accepts ``nan``/``inf``. Every check below refuses those, and every failure
names the field it is about.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, and where."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return (
            f"{where}{self.path}: {self.message}" if self.path else where + self.message
        )


class InputError(ValueError):
    """Input was rejected; nothing was changed. ``problems`` says why and where."""

    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        super().__init__(self.describe())

    def describe(self, limit: int = 10) -> str:
        prefix = f"{self.source}: " if self.source else ""
        lines = [prefix + str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"… and {len(self.problems) - limit} more problems")
        return "\n".join(lines)


def type_name(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "…"
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _range_text(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f" from {lo:g} to {hi:g}"
    if lo is not None:
        return f" of at least {lo:g}"
    if hi is not None:
        return f" of at most {hi:g}"
    return ""


def check_int(value: Any, lo: int | None = None, hi: int | None = None) -> str | None:
    """None if ``value`` is an int within bounds, else what is wrong."""
    if type(value) is not int:
        return f"expected a whole number{_range_text(lo, hi)}, got {type_name(value)}"
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return f"expected a whole number{_range_text(lo, hi)}, got {value}"
    return None


def check_float(
    value: Any, lo: float | None = None, hi: float | None = None
) -> str | None:
    """None if ``value`` is a finite number within bounds (ints allowed)."""
    if type(value) not in (int, float):
        return f"expected a number{_range_text(lo, hi)}, got {type_name(value)}"
    if not math.isfinite(value):
        return f"expected a finite number{_range_text(lo, hi)}, got {value}"
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return f"expected a number{_range_text(lo, hi)}, got {value:g}"
    return None


def check_str(value: Any, max_len: int = 200) -> str | None:
    if not isinstance(value, str):
        return f"expected text, got {type_name(value)}"
    if len(value) > max_len:
        return f"text is too long ({len(value)} characters; at most {max_len})"
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        return "text contains control characters"
    return None


def check_bool(value: Any) -> str | None:
    if type(value) is not bool:
        return f"expected true or false, got {type_name(value)}"
    return None


def check_choice(value: Any, choices: tuple[str, ...]) -> str | None:
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(c) for c in choices)
        return f"expected one of {options}, got {type_name(value)}"
    return None


_INT_TEXT = re.compile(r"-?[0-9]{1,18}", re.ASCII)
_FLOAT_TEXT = re.compile(
    r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]{1,3})?", re.ASCII
)


def parse_int_text(text: str, lo: int | None = None, hi: int | None = None) -> int:
    """Parse a typed whole number strictly; raises ValueError with the reason.

    Refuses what ``int()`` forgives: surrounding spaces, ``_`` separators,
    non-ASCII digits, signs other than a leading minus, and huge inputs.
    """
    if not _INT_TEXT.fullmatch(text):
        raise ValueError(f"expected a whole number{_range_text(lo, hi)}, got {text!r}")
    value = int(text)
    problem = check_int(value, lo, hi)
    if problem:
        raise ValueError(problem)
    return value


def parse_float_text(
    text: str, lo: float | None = None, hi: float | None = None
) -> float:
    """Parse a typed number strictly (no nan, inf, spaces, ``_`` or odd digits)."""
    if len(text) > 40 or not _FLOAT_TEXT.fullmatch(text):
        raise ValueError(f"expected a number{_range_text(lo, hi)}, got {text!r}")
    value = float(text)
    problem = check_float(value, lo, hi)
    if problem:
        raise ValueError(problem)
    return value
