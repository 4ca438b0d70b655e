"""Describing a user's object without trusting it.

A worker's exception may have a ``__str__`` that raises or returns a
non-string; before this, describing it raised inside the bootstrap and the
report of the user's error was lost (issue 9, defect 18). Standard library
only: every worker imports it.
"""

from __future__ import annotations


def safe_str(value: object) -> str:
    """``str(value)``, or why it failed: a user's ``__str__`` may raise or
    return a non-string, and the report of their error must still be sent."""
    try:
        text = str(value)
    except BaseException as error:  # any failure is described, even SystemExit
        try:
            reason = f"{type(error).__name__}: {error!s}"
        except BaseException:  # its own __str__ failed too
            reason = type(error).__name__
        return f"<str() failed: {reason}>"
    return text
