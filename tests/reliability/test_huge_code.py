"""Issue 9, defect 20: a scenario whose custom code is over the size limit gets
true error lines only.

Before the fix the over-long code was dropped by the size check and the
custom-target check then said "a custom target needs its code", which is false.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from core.scenario.definition import MAX_CODE_CHARS
from tests.reliability.support import ROOT, python


def test_over_long_custom_code_gets_one_true_message(tmp_path: Path):
    code = "def work():\n    return 1\n" + "# padding\n" * 30_000  # ~300 k chars
    assert len(code) > MAX_CODE_CHARS
    scenario = tmp_path / "huge.toml"
    scenario.write_text(
        'title = "huge"\n\n[[workers]]\nname = "w"\ntarget = "custom"\n'
        f'function = "work"\ncode = {json.dumps(code)}\n'
    )
    done = subprocess.run(
        [python(), str(ROOT / "main.py"), "run", str(scenario)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1, lines
    assert "workers[0].code" in lines[0] and str(len(code)) in lines[0], lines[0]
    assert "needs its code" not in done.stderr
