"""Issue 9, defect 19: worker output printed by the command line cannot drive
the terminal. Control characters (ESC sequences, OSC title setting, carriage
returns, NUL, a bare newline inside one message) are shown escaped; the
recording keeps the raw text.

Before the fix the bytes reached the terminal raw: a worker could clear the
teacher's screen, set the window title or overwrite a line with ``\\r``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.reliability.support import ROOT, python

MAIN = [python(), str(ROOT / "main.py")]

HOSTILE = "\x1b[2J\x1b]0;pwned\x07cleared\rforged\x00nul\x9b31mcsi\u202eevil"

CODE = """
import os

TEXT = {text!r}

def work():
    print(TEXT)
    os.write(1, (TEXT + "\\n").encode())
    raise ValueError("multi\\nline " + TEXT)
"""


def test_control_characters_are_shown_escaped_and_recorded_raw(tmp_path: Path):
    scenario = tmp_path / "hostile.toml"
    code = CODE.format(text=HOSTILE)
    scenario.write_text(
        'title = "hostile output"\nstart_method = "fork"\n\n[[workers]]\n'
        'name = "painter"\ntarget = "custom"\nfunction = "work"\n'
        f"code = {json.dumps(code)}\n"
    )
    record = tmp_path / "run.json"
    done = subprocess.run(
        [*MAIN, "run", str(scenario), "--record", str(record)],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode("utf-8")
    # Nothing but newlines (between lines) and plain text reaches the terminal.
    controls = {c for c in out if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0}
    assert not controls, controls
    assert "\u202e" not in out
    # ... yet the teacher sees what the worker wrote, visibly escaped.
    shown = r"\x1b[2J\x1b]0;pwned\x07cleared\rforged\x00nul\x9b31mcsi\u202eevil"
    lines = [line for line in out.splitlines() if shown in line]
    assert len(lines) >= 3, out  # print(), os.write() and the exception message
    assert any(r"multi\nline " in line for line in lines)
    # The recording keeps the raw text.
    rows = json.loads(record.read_text())["events"]
    texts = [row[-1].get("text") for row in rows if row[0] in ("output", "fd_output")]
    assert HOSTILE in texts
    [raised] = [row[-1] for row in rows if row[0] == "target_raised"]
    assert raised["message"] == "multi\nline " + HOSTILE
