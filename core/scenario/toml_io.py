"""Reading and writing scenario files (TOML) and finding the built-in lessons.

``tomllib`` reports syntax errors with line and column but forgets where each
value came from, so :class:`KeyLines` makes one light pass over the text to map
field paths (``workers[1].count``) back to lines for validation messages.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

from core import files
from core.input_checks import InputError, Problem
from core.regular_files import open_regular
from core.scenario.definition import Path, Scenario
from core.scenario.rules import scenario_from_dict

MAX_FILE_BYTES = 1024 * 1024
LESSONS_DIR = FilePath(__file__).resolve().parents[2] / "resources" / "lessons"

_HEADER = re.compile(r"\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"\s*([A-Za-z0-9_\-]+)\s*=")


class KeyLines:
    """Maps field paths to 1-based line numbers of a TOML text (best effort)."""

    def __init__(self, text: str) -> None:
        self._lines: dict[Path, int] = {}
        counts: dict[str, int] = {}
        table: Path = ()
        fence: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if fence:  # inside a multi-line string: no keys here
                if line.count(fence) % 2 == 1:
                    fence = None
                continue
            header = _HEADER.match(line)
            if header:
                name = header.group(2)
                if header.group(1) == "[[":
                    index = counts.get(name, 0)
                    counts[name] = index + 1
                    table = (name, index)
                elif "." in name and table and table[0] == name.split(".")[0]:
                    table = (*table, *name.split(".")[1:])  # [workers.args]
                else:
                    table = tuple(name.split("."))
                self._lines.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                self._lines.setdefault((*table, key.group(1)), number)
                for quote in ("'''", '"""'):
                    if line.count(quote) % 2 == 1:
                        fence = quote

    def __call__(self, path: Path) -> int | None:
        return self._lines.get(path)


def read_scenario_text(path: FilePath) -> str:
    """The file's text, or InputError (too big, unreadable, not UTF-8)."""
    source = str(path)
    try:
        with open_regular(path, "a scenario") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise InputError(
            [Problem("", f"cannot read the file: {error.strerror}")], source
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(
            [
                Problem(
                    "",
                    f"the file is larger than "
                    f"{MAX_FILE_BYTES // 1024} KiB; a scenario is "
                    "a small text file",
                )
            ],
            source,
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(
            [Problem("", f"not valid UTF-8 text (byte {error.start})", line)], source
        ) from None


def parse_scenario(text: str, source: str | None = None) -> Scenario:
    """Parse and validate TOML text; InputError names the line and field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        message = re.sub(r"\s*\(at (line|end of document).*\)", "", str(error))
        line = int(match.group(1)) if match else None
        if match:
            message += f" (column {match.group(2)})"
            message += _repeated_key(text, int(match.group(1)), message)
        elif "end of document" in str(error):  # a cut-short file: say where
            line = len(text.splitlines()) or 1
            message += " (at the end of the file: is it cut short?)"
        raise InputError(
            [Problem("", f"not valid TOML: {message}", line)], source
        ) from None
    except RecursionError:
        raise InputError(
            [Problem("", "not valid TOML: nested too deeply")], source
        ) from None
    try:
        return scenario_from_dict(data, KeyLines(text))
    except InputError as error:
        raise InputError(error.problems, source) from None
    except RecursionError:
        raise InputError([Problem("", "nested too deeply")], source) from None


def _repeated_key(text: str, line: int, message: str) -> str:
    """Name the key tomllib refuses to set twice (its message does not)."""
    lines = text.splitlines()
    if "overwrite" not in message or not 0 < line <= len(lines):
        return ""
    key = _KEY.match(lines[line - 1])
    return f": the key {key.group(1)!r} is given twice" if key else ""


def load_scenario(path: FilePath | str) -> Scenario:
    path = FilePath(path)
    return parse_scenario(read_scenario_text(path), str(path))


# --- writing ---------------------------------------------------------------------


def dumps_scenario(scenario: Scenario) -> str:
    """TOML text that :func:`parse_scenario` reads back to an equal scenario."""
    data = scenario.to_dict()
    lines: list[str] = []
    for key, value in data.items():
        if key not in ("workers", "actions"):
            lines.append(f"{key} = {_value(value)}")
    for group in data["workers"]:
        lines += ["", "[[workers]]"]
        lines += [f"{k} = {_value(v)}" for k, v in group.items()]
    for action in data.get("actions", []):
        lines += ["", "[[actions]]"]
        lines += [f"{k} = {_value(v)}" for k, v in action.items()]
    return "\n".join(lines) + "\n"


def save_scenario(scenario: Scenario, path: FilePath | str) -> None:
    """Write atomically: a crash mid-write never leaves half a file."""
    files.write_text(path, dumps_scenario(scenario))


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("scenarios hold finite numbers only")
        return repr(value)
    if isinstance(value, str):
        if "\n" in value and "'''" not in value and _literal_ok(value):
            return "'''\n" + value + ("" if value.endswith("\n") else "\n") + "'''"
        return json.dumps(value, ensure_ascii=False)  # a valid TOML basic string
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _literal_ok(text: str) -> bool:
    # Literal strings cannot hold control characters other than tab/newline.
    return all(c in "\t\n" or (ord(c) >= 32 and c != "\x7f") for c in text)


# --- lessons -----------------------------------------------------------------------


@dataclass(frozen=True)
class Lesson:
    name: str
    title: str
    path: FilePath


def list_lessons() -> list[Lesson]:
    """The built-in lessons in teaching order (their file names sort that way)."""
    lessons = []
    for path in sorted(LESSONS_DIR.glob("*.toml")):
        lessons.append(Lesson(path.stem, load_scenario(path).title, path))
    return lessons


def find_lesson(ref: str) -> Lesson | None:
    """A lesson by file stem, by stem without its number, or by number."""
    for lesson in list_lessons():
        number, _, rest = lesson.name.partition("-")
        if ref in (lesson.name, rest) or (
            ref.isascii()
            and ref.isdigit()
            and number.isdigit()
            and int(ref) == int(number)
        ):
            return lesson
    return None


def load_scenario_or_lesson(ref: str) -> Scenario:
    """A file path if it exists, else a lesson name; InputError otherwise."""
    path = FilePath(ref)
    if path.suffix == ".toml" or path.exists():
        return load_scenario(path)
    lesson = find_lesson(ref)
    if lesson is None:
        names = ", ".join(lesson.name for lesson in list_lessons())
        raise InputError(
            [Problem("", "no such file or lesson; lessons: " + names)], ref
        )
    return load_scenario(lesson.path)
