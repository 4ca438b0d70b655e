"""The lessons written as real programs (resources/programs/*.py).

Each is a short plain ``multiprocessing`` script for the class to read, run and
edit. Listing them reads their docstrings with the parser only: nothing in
them is imported or run.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from core.input_checks import InputError, Problem
from core.regular_files import open_regular

MAX_PROGRAM_BYTES = 1024 * 1024
PROGRAMS_DIR = Path(__file__).resolve().parents[1] / "resources" / "programs"


@dataclass(frozen=True, slots=True)
class LessonProgram:
    name: str
    title: str
    """The docstring's first line."""
    description: str
    """The rest of the docstring."""
    path: Path


def read_program(path: Path) -> LessonProgram:
    text = path.read_text(encoding="utf-8")
    docstring = ast.get_docstring(ast.parse(text, filename=str(path))) or path.stem
    first, _, rest = docstring.partition("\n")
    # "Two processes, joined: both sleep ..." -> the title before the colon,
    # its explanation first in the description.
    title, colon, more = first.partition(": ")
    if colon:
        rest = f"{more.strip()[:1].upper()}{more.strip()[1:]}\n{rest}"
    return LessonProgram(path.stem, title.strip().rstrip("."), rest.strip(), path)


def list_programs() -> list[LessonProgram]:
    """The lesson programs in teaching order (their file names sort that way)."""
    return [read_program(p) for p in sorted(PROGRAMS_DIR.glob("[0-9]*.py"))]


def is_lesson_program(path: Path | str | None) -> bool:
    if path is None:
        return False
    try:
        return Path(path).resolve().parent == PROGRAMS_DIR
    except OSError:
        return False


def read_program_text(path: Path | str) -> str:
    """A program's text for the editor: a regular file, at most 1 MiB, UTF-8.

    InputError names what is wrong. A SyntaxError is no reason to refuse: the
    student opens the file to fix it.
    """
    with open_regular(path, "a program") as file:
        data = file.read(MAX_PROGRAM_BYTES + 1)
    if len(data) > MAX_PROGRAM_BYTES:
        problem = Problem("", f"larger than {MAX_PROGRAM_BYTES // 1024} KiB")
        raise InputError([problem], str(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problem = Problem("", f"not UTF-8 text (line {line}, byte {error.start})")
        raise InputError([problem], str(path)) from None
    if "\x00" in text:
        raise InputError([Problem("", "contains a NUL byte: not a program")], str(path))
    return text
