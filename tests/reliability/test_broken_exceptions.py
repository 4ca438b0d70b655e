"""Issue 9, defect 18: an exception whose ``__str__`` raises is still described
(its type, and ``<str() failed: ...>`` for the message), in process and thread
mode.

Before the fix the description itself raised inside the bootstrap: the lane
said "exited with 1 without reporting an exception" and showed Procession's
own traceback; in thread mode the thread was "lost".
"""

from __future__ import annotations

import pytest

from core.model.outcomes import Outcome
from tests.helpers import run
from tests.reliability.support import custom, lane

CODE = """
class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no text for you")


class NotText(Exception):
    def __str__(self):
        return 42


def work(kind="raises"):
    raise (Unprintable if kind == "raises" else NotText)("secret")
"""


@pytest.mark.parametrize("mode", ["process", "thread"])
@pytest.mark.parametrize(
    ("kind", "type_name", "reason"),
    [
        ("raises", "Unprintable", "RuntimeError: no text for you"),
        ("not_text", "NotText", "TypeError: __str__ returned non-string"),
    ],
)
def test_an_exception_that_cannot_be_printed_is_still_described(
    mode, kind, type_name, reason
):
    model = run(
        {
            "mode": mode,
            "start_method": "fork",
            "workers": [custom("bad", CODE, "work", args={"kind": kind})],
        },
        timeout=30,
        sample_hz=0,
    )
    bad = lane(model, "bad")
    assert bad.outcome is Outcome.ERROR, (bad.outcome, bad.explanation)
    raised = bad.error
    assert raised is not None, bad.report
    assert raised.type == type_name
    assert raised.message.startswith(f"<str() failed: {reason}")
    assert type_name in raised.traceback
    assert "bootstrap.py" not in raised.traceback
