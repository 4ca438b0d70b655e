"""Text from workers, made safe to print on a terminal.

A worker's output, exception messages and names of its choosing reach the
command line's live log and table. Raw, their control characters drive the
terminal: ESC sequences clear the screen or recolour it, OSC sets the window
title, ``\\r`` and a newline inside one message forge lines, NUL and the C1
controls (0x9b is a one-byte CSI on some terminals) do the same more quietly,
and bidirectional overrides reorder what is shown. Each becomes a visible
escape (``\\x1b``, ``\\r``, ``\\u202e``) instead. Recordings keep the raw text.
"""

from __future__ import annotations

_NAMED = {"\n": "\\n", "\r": "\\r"}
_BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
_ESCAPES: dict[int, str] = {
    code: _NAMED.get(chr(code), f"\\x{code:02x}")
    for code in (*range(0x00, 0x20), *range(0x7F, 0xA0))
    if chr(code) != "\t"
}
_ESCAPES.update({code: f"\\u{code:04x}" for code in (*_BIDI, 0x2028, 0x2029)})


def visible(text: str) -> str:
    """``text`` with every control character shown as an escape (tab kept)."""
    return text.translate(_ESCAPES)


def visible_lines(text: str) -> str:
    """The same for several lines of our own: their line breaks are kept."""
    return "\n".join(visible(line) for line in text.split("\n"))
