"""What ``procession run SCRIPT.py`` imports and runs before the script can
start: nothing of the window (Qt, pyqtgraph, numpy), and copies of constants
that spare it heavier modules, pinned to their originals."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

from core import cli
from core.engine import conductor_link, endings, stopping
from core.scenario import definition
from core.tracer.script_program import platform_text

ROOT = Path(__file__).resolve().parent.parent.parent
WINDOW_PACKAGES = ("PySide6", "shiboken6", "pyqtgraph", "numpy", "gui")


def test_a_traced_program_run_imports_nothing_of_the_window(tmp_path: Path) -> None:
    script = tmp_path / "hello.py"
    script.write_text("import multiprocessing\nprint('hello from the script')\n")
    outputs = ["--summary", str(tmp_path / "s.json"), "--trace", str(tmp_path / "t")]
    command = [sys.executable, "-X", "importtime", str(ROOT / "main.py"), "run"]
    done = subprocess.run(
        [*command, *outputs, str(script)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "hello from the script" in done.stdout
    imported = {
        line.split("|")[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "core.tracer.launcher" in imported  # -X importtime really reported
    assert "core.hazards.registry" in imported  # and the end's own imports too
    window = sorted(m for m in imported if m.split(".")[0] in WINDOW_PACKAGES)
    assert window == []


def test_copied_constants_equal_their_originals() -> None:
    assert conductor_link.STOP_GRACE == stopping.STOP_GRACE
    assert conductor_link.TERM_GRACE == stopping.TERM_GRACE
    assert conductor_link.DRAIN_LIMIT == endings.DRAIN_LIMIT
    assert cli.MODES == definition.MODES
    assert cli.START_METHODS == definition.START_METHODS


def test_the_platform_text_is_what_platform_says() -> None:
    """Built without ``platform.platform()``'s ``uname -p`` subprocess."""
    assert platform_text() == platform.platform()
