"""Python syntax colouring for the custom-code editor.

Regular expressions per line plus one block state for triple-quoted strings:
enough to read code comfortably, without a tokenizer on every keystroke.
"""

from __future__ import annotations

import keyword
import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat


def _format(colour: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


STYLES = {
    "keyword": _format("#7a3e9d", bold=True),
    "builtin": _format("#1f618d"),
    "def": _format("#0b5394", bold=True),
    "string": _format("#2e7d32"),
    "number": _format("#b45f06"),
    "comment": _format("#7f8c8d", italic=True),
    "decorator": _format("#a04000"),
    "self": _format("#6c3483", italic=True),
}

_BUILTINS = [
    *("print", "len", "range", "open", "int", "float", "str", "list", "dict"),
    *("set", "tuple", "bool", "sum", "min", "max", "abs", "enumerate", "zip"),
    *("map", "filter", "isinstance", "type", "object", "super", "sorted"),
    *("reversed", "any", "all", "Exception", "ValueError", "RuntimeError"),
    *("KeyError", "TypeError"),
]

_RULES: list[tuple[re.Pattern[str], str, int]] = [
    (re.compile(r"\b(?:" + "|".join(keyword.kwlist) + r")\b"), "keyword", 0),
    (re.compile(r"\b(?:" + "|".join(_BUILTINS) + r")\b"), "builtin", 0),
    (re.compile(r"\b(?:self|cls)\b"), "self", 0),
    (re.compile(r"\b(?:def|class)\s+(\w+)"), "def", 1),
    (re.compile(r"^\s*@[\w.]+"), "decorator", 0),
    (
        re.compile(r"\b(?:0[xob])?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?\b"),
        "number",
        0,
    ),
    (
        re.compile(r"""[rbfu]{0,2}("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""),
        "string",
        0,
    ),
    (re.compile(r"#[^\n]*"), "comment", 0),
]
_TRIPLE = {1: '"""', 2: "'''"}


class PythonHighlighter(QSyntaxHighlighter):
    def highlightBlock(self, text: str) -> None:
        for pattern, style, group in _RULES:
            for match in pattern.finditer(text):
                start, end = match.span(group)
                self.setFormat(start, end - start, STYLES[style])
        self._triple_quotes(text)

    def _triple_quotes(self, text: str) -> None:
        """Multi-line strings: state 1 inside \"\"\", state 2 inside '''."""
        self.setCurrentBlockState(0)
        state = self.previousBlockState()
        start = 0
        while True:
            if state in _TRIPLE:
                end = text.find(_TRIPLE[state], start)
                if end < 0:
                    self.setFormat(start, len(text) - start, STYLES["string"])
                    self.setCurrentBlockState(state)
                    return
                self.setFormat(start, end + 3 - start, STYLES["string"])
                start, state = end + 3, 0
                continue
            found = [(text.find(q, start), s) for s, q in _TRIPLE.items()]
            found = [(pos, s) for pos, s in found if pos >= 0]
            hash_at = text.find("#", start)
            if not found:
                return
            pos, state = min(found)
            if 0 <= hash_at < pos:
                return
            self.setFormat(pos, 3, STYLES["string"])
            start = pos + 3
