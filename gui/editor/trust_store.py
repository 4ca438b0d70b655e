"""Which custom code the user has agreed to run, remembered by content hash.

A scenario file can carry Python code. Opening it never runs it; running it
needs the user's explicit yes, once per exact content: the SHA-256 of the code
text is what is remembered, so changing a single byte asks again. The store is
a small JSON file in the user's config directory; tests pass a temporary path.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

from core import files

FILE_NAME = "trusted-code.json"
MAX_ENTRIES = 10_000  # a bound, so a corrupted or hostile file cannot grow us


def code_digest(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def default_path() -> Path:
    """``<config dir>/Procession/trusted-code.json`` (QStandardPaths)."""
    from PySide6.QtCore import QStandardPaths

    base = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.GenericConfigLocation
    )
    if not base:
        base = str(Path.home() / ".config")
    return Path(base) / "Procession" / FILE_NAME


class TrustStore:
    """A set of SHA-256 digests of code the user confirmed, backed by a file."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._digests: set[str] = self._read()

    def _read(self) -> set[str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return set()  # missing or unreadable: nothing is trusted
        digests = data.get("sha256") if isinstance(data, dict) else None
        if not isinstance(digests, list):
            return set()
        return {
            d
            for d in digests[:MAX_ENTRIES]
            if isinstance(d, str) and len(d) == 64 and d.isascii() and d.isalnum()
        }

    def is_trusted(self, code: str) -> bool:
        return code_digest(code) in self._digests

    def untrusted(self, codes: list[str]) -> list[str]:
        """The pieces of code in ``codes`` not confirmed yet (order kept)."""
        return [code for code in codes if not self.is_trusted(code)]

    def trust(self, codes: list[str]) -> None:
        """Remember ``codes`` as confirmed; a write failure only loses memory."""
        self._digests.update(code_digest(code) for code in codes)
        data = {"sha256": sorted(self._digests)[:MAX_ENTRIES]}
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            files.write_json(self.path, data, indent=0)
