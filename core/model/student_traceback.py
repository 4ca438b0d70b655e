"""Tracebacks a student can read: only the frames of the code they ran.

A worker's traceback starts in multiprocessing's ``process.py`` and passes
through Procession's bootstrap before it reaches the target; a student looking
for their bug sees five frames of machinery first (issue 11, defect 7). This
keeps the frames of the student's code (a custom target's ``<custom code>``,
a lesson's built-in target, or any file outside Python and Procession) and
says how many it hid; the full text stays available ("show all frames").

Plain text in, plain text out: the traceback is data a worker sent, never
evaluated.
"""

from __future__ import annotations

import re
import sysconfig
from dataclasses import dataclass
from pathlib import Path

FRAME = re.compile(r'^  File "(?P<file>[^"]*)", line (?P<line>\d+), in (?P<func>.*)$')
CUSTOM_FILE = re.compile(r"procession_custom_\d+\.py")
"""The file a custom target's code is written to for the worker to import."""
APP_ROOT = Path(__file__).resolve().parents[2]
BUILTIN_TARGETS = APP_ROOT / "core" / "worker" / "builtin_targets.py"
_PYTHON_DIRS = tuple(
    str(Path(p).resolve())
    for p in {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib")}
)


@dataclass(frozen=True)
class StudentTraceback:
    text: str
    hidden: int
    """How many frames of Python's and Procession's own code were left out."""


def is_student_file(filename: str) -> bool:
    """A frame of code the student wrote or chose (not the machinery)."""
    if filename.startswith("<"):
        return filename != "<frozen runpy>" and not filename.startswith("<frozen")
    try:
        path = Path(filename).resolve()
    except (OSError, ValueError):
        return True
    if path == BUILTIN_TARGETS:
        return True
    text = str(path)
    if text.startswith(_PYTHON_DIRS):
        return False
    return not path.is_relative_to(APP_ROOT)


def student_view(text: str) -> StudentTraceback:
    """The traceback with only the student's frames (all of them if none is
    the student's: hiding everything would explain nothing)."""
    lines = text.splitlines()
    frames: list[tuple[int, int, bool]] = []  # (first line, end line, keep)
    index = 0
    while index < len(lines):
        match = FRAME.match(lines[index])
        if match is None:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end].startswith("    "):
            end += 1
        frames.append((index, end, is_student_file(match["file"])))
        index = end
    if not any(keep for _, _, keep in frames):
        return StudentTraceback(text, 0)
    drop: set[int] = set()
    for first, end, keep in frames:
        if not keep:
            drop.update(range(first, end))
    kept = [_friendly(line) for number, line in enumerate(lines) if number not in drop]
    return StudentTraceback("\n".join(kept), sum(1 for *_, k in frames if not k))


def _friendly(line: str) -> str:
    """Name the student's code as such, not by a path of ours: a lesson's
    built-in target, or the temporary file a custom target is run from."""
    match = FRAME.match(line)
    if match is None:
        return line
    name = Path(match["file"]).name
    if name == BUILTIN_TARGETS.name:
        where = f"the lesson's target {match['func']}()"
    elif CUSTOM_FILE.fullmatch(name):
        where = "your code"
    else:
        return line
    return f'  File "{where}", line {match["line"]}, in {match["func"]}'
