"""Splitting a stream of writes into lines, in linear time, with one line capped.

Output arrives in pieces of any size (``print(i, end=" ")`` 200 000 times, or a
100 MB line in 1 KB writes). Joining every piece onto the pending line costs
time quadratic in the line's length (186 s for the first case before this
module); here pieces are collected in a list and, once the pending line is
longer than the cap, only its head and tail are kept and the rest is counted.

Used for a worker's ``sys.stdout``/``sys.stderr`` and, after incremental UTF-8
decoding, for the fd-level log the conductor tails. Standard library only and
no ``typing`` at run time: every worker imports it before its first line.
"""

from __future__ import annotations

import codecs

LINE_HEAD = 1000
"""Characters kept from the start of an over-long line."""
LINE_TAIL = 1000
"""Characters kept from the end of an over-long line."""


def cap_line(text: str, omitted: int = 0) -> str:
    """``text`` itself, or its head and tail around the count of what was cut
    (``omitted`` more characters were already cut from its middle)."""
    if len(text) <= LINE_HEAD + LINE_TAIL and not omitted:
        return text
    omitted += len(text) - LINE_HEAD - LINE_TAIL
    return f"{text[:LINE_HEAD]} …[{omitted} characters omitted]… {text[-LINE_TAIL:]}"


class LineSplitter:
    """Feed pieces of text, get back complete lines, each already capped."""

    def __init__(self) -> None:
        self._pieces: list[str] = []
        self._size = 0
        self._head = ""  # once the pending line overflowed: its first characters
        self._omitted = 0

    def feed(self, piece: str) -> list[str]:
        if "\n" not in piece:
            self._add(piece)
            return []
        first, *whole, rest = piece.split("\n")
        self._add(first)
        lines = [self._take()]
        lines.extend(cap_line(line) for line in whole)
        self._add(rest)
        return lines

    def flush(self) -> list[str]:
        """The pending unfinished line, if any (and forget it)."""
        return [self._take()] if self._size or self._head else []

    def reset(self, pending: str = "") -> None:
        """Forget the pending line (its lines were only counted) and start a
        new one with ``pending``."""
        self._pieces, self._size, self._head, self._omitted = [], 0, "", 0
        self._add(pending)

    def _add(self, piece: str) -> None:
        if not piece:
            return
        self._pieces.append(piece)
        self._size += len(piece)
        if self._size > 2 * (LINE_HEAD + LINE_TAIL):
            self._compact()

    def _compact(self) -> None:
        """Keep the head once and a rolling tail: each character is copied a
        bounded number of times, so the cost stays linear in what was written."""
        data = "".join(self._pieces)
        if not self._head:
            self._head, data = data[:LINE_HEAD], data[LINE_HEAD:]
        self._omitted += len(data) - LINE_TAIL
        data = data[-LINE_TAIL:]
        self._pieces, self._size = [data], len(data)

    def _take(self) -> str:
        body = "".join(self._pieces)
        if self._head:  # head + omitted + body: body is at most 2x the cap
            line = cap_line(self._head + body, self._omitted)
        else:
            line = cap_line(body)
        self.reset()
        return line


class ByteLineSplitter:
    """The same for bytes (the fd-level log): decoded as UTF-8 incrementally, so
    a character split between two reads is not mangled."""

    def __init__(self) -> None:
        self._lines = LineSplitter()
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def feed(self, chunk: bytes) -> list[str]:
        return self._lines.feed(self._decoder.decode(chunk))

    def skip(self, chunk: bytes) -> int:
        """Count the line ends in ``chunk`` without decoding the lines (past the
        output cap); what follows the last one becomes the pending line."""
        count = chunk.count(b"\n")
        if not count:
            self._lines.feed(self._decoder.decode(chunk))
            return 0
        self._decoder.reset()
        self._lines.reset(self._decoder.decode(chunk[chunk.rfind(b"\n") + 1 :]))
        return count

    def flush(self) -> list[str]:
        self._lines.feed(self._decoder.decode(b"", final=True))
        return self._lines.flush()
