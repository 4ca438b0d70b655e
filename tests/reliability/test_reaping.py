"""Never reap with psutil (DESIGN §4 promise 6; research finding 7).

psutil's ``wait()`` / ``wait_procs()`` reap a child themselves, after which
multiprocessing reports ``exitcode None`` for good; ``waitpid(-1)`` steals any
child's status. Sampling must stay read-only however fast it runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import run
from tests.reliability.support import ROOT, assert_one_ending, lane


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_fast_sampling_never_steals_an_exit_status(method):
    codes = list(range(1, 13))
    model = run(
        {
            "start_method": method,
            "workers": [
                {
                    "name": f"e{code}",
                    "target": "exit_with",
                    "args": {"code": code, "after": 0.05 * (code % 4)},
                }
                for code in codes
            ],
        },
        sample_hz=100,  # twenty times the default rate
    )
    assert_one_ending(model)
    assert [lane(model, f"e{code}").exitcode for code in codes] == codes
    assert any(w.samples for w in model.worker_lanes())  # it did sample


def _calls(path: Path) -> list[tuple[int, str, ast.Call]]:
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else getattr(func, "id", "")
            )
            found.append((node.lineno, name, node))
    return found


def test_no_code_in_core_reaps_what_it_does_not_own():
    offences = []
    for path in sorted((ROOT / "core").glob("*.py")):
        for line, name, call in _calls(path):
            where = f"{path.name}:{line}"
            if name in ("wait_procs",):
                offences.append(f"{where} psutil.wait_procs")
            if name == "waitpid" and call.args:
                first = call.args[0]
                if isinstance(first, ast.UnaryOp | ast.Constant):
                    # waitpid(-1, …) / waitpid(0, …): any child, stolen
                    offences.append(f"{where} waitpid({ast.unparse(first)})")
            if path.name == "monitor.py" and name == "wait":
                receiver = ast.unparse(call.func).removesuffix(".wait")
                if receiver != "self._stop":  # the sampler's own stop event
                    offences.append(f"{where} {receiver}.wait() in the sampler")
    assert offences == []
