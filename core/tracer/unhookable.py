"""Interpreters Procession cannot see inside, told from their command line.

The hook reaches a traced program's interpreters through ``sitecustomize``
on PYTHONPATH. ``-I`` (isolated: no PYTHONPATH, no site-packages), ``-E``
(environment ignored: no PYTHONPATH) and ``-S`` (no ``site``, so no
sitecustomize) each switch that off, for that interpreter and whatever it
starts. A child started that way is still a lane (its parent saw it start
and end); this says, on that lane, why nothing inside it is.
"""

from __future__ import annotations

import os
import re
import shlex

_PYTHON = re.compile(r"^python(\d+(\.\d+)*)?[a-z]?$")
"""python, python3, python3.12, python3.13t (a path's last part)."""
_TAKES_VALUE = "XWQ"  # -X opt, -W arg: their value is no flag
_ENDS_OPTIONS = "cm"  # -c cmd, -m mod: what follows belongs to the program
BLIND = {
    "I": "-I",
    "E": "-E",
    "S": "-S",
}
WHY = {
    "-I": "isolated mode ignores PYTHONPATH, where Procession's hook is",
    "-E": "it ignores PYTHONPATH, where Procession's hook is",
    "-S": "it skips the site module, which loads Procession's hook",
}


def unhookable_flags(command: str) -> list[str]:
    """The flags among -I, -E, -S that the first Python interpreter in a
    command line is started with ([] if none, or no Python is named). Shell
    command lines are read as words (``sh -c "python -I x.py"`` included)."""
    return _first_python(command) or []


def _first_python(command: str) -> list[str] | None:
    try:
        words = shlex.split(command)
    except ValueError:  # an unbalanced quote: plain words are good enough
        words = command.split()
    for index, word in enumerate(words):
        if _PYTHON.match(os.path.basename(word)):
            return _flags(words[index + 1 :])
        if " " in word:  # a shell's -c "..." argument
            inner = _first_python(word)
            if inner is not None:
                return inner
    return None


def _flags(words: list[str]) -> list[str]:
    found: list[str] = []
    skip_next = False
    for word in words:
        if skip_next:
            skip_next = False
            continue
        if not word.startswith("-") or word in ("-", "--") or word.startswith("--"):
            break
        for position, letter in enumerate(word[1:], 1):
            if letter in BLIND and BLIND[letter] not in found:
                found.append(BLIND[letter])
            if letter in _ENDS_OPTIONS:
                return found
            if letter in _TAKES_VALUE:
                skip_next = position == len(word) - 1  # "-X dev" vs "-Xdev"
                break
    return found


def unhookable_notice(command: str) -> str:
    """What the lane of a process started by ``command`` says ("" if it can
    be traced)."""
    flags = unhookable_flags(command)
    if not flags:
        return ""
    return (
        f"started with {' '.join(flags)}: Procession cannot see inside it "
        f"({WHY[flags[0]]}); it shows only when it started and how it ended, "
        "and nothing it starts"
    )
