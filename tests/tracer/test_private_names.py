"""The tracer's hooks use private names of multiprocessing; each is pinned on
every interpreter here, so that a Python where one changed fails with the
name of what changed instead of a silently wrong timeline."""

from __future__ import annotations

import os
import subprocess

import pytest

from core.tracer.hook import HOOK_DIR
from tests.tracer.support import PYTHONS

CHECK = (
    "import sys; sys.path.insert(0, sys.argv[1]); import procession_trace_pins as m; "
    "print('BROKEN', m.broken_assumptions())"
)


@pytest.mark.parametrize("version", sorted(PYTHONS))
def test_private_names_still_hold(version: str) -> None:
    python = PYTHONS[version]
    if not python or not os.path.exists(python):
        pytest.skip(f"Python {version} is not installed here")
    done = subprocess.run(
        [python, "-I", "-c", CHECK, HOOK_DIR],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "BROKEN []" in done.stdout, (
        f"on Python {version} these assumptions of the tracer no longer hold: "
        f"{done.stdout.strip()} {done.stderr.strip()}"
    )
