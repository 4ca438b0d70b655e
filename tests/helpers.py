"""Helpers for tests that run real scenarios."""

from __future__ import annotations

import time
from typing import Any

from core.engine.session import Session
from core.model.run_model import RunModel
from core.scenario.definition import Scenario
from core.scenario.lane_announcements import preview_model


def scenario(workers: list[dict[str, Any]], **top: Any) -> Scenario:
    """A validated scenario from plain data (workers plus top-level keys)."""
    return Scenario.from_dict({"title": "test", **top, "workers": workers})


def run(
    spec: Scenario | dict[str, Any],
    timeout: float = 30.0,
    on_events: Any = None,
    sample_hz: float = 5.0,
) -> RunModel:
    """Run a scenario to its end with a real conductor; return the model.

    ``on_events(session, model, events)`` is called after each batch, e.g. to
    send commands mid-run. Fails (AssertionError) if the run does not finish
    within ``timeout`` seconds; the session is always shut down.
    """
    if isinstance(spec, dict):
        spec = Scenario.from_dict({"title": "test", **spec})
    model = preview_model(spec)
    session = Session(spec, sample_hz=sample_hz)
    session.start()
    try:
        deadline = time.monotonic() + timeout
        while not session.finished:
            events = session.wait_events(0.1)
            model.apply(events)
            if on_events is not None:
                on_events(session, model, events)
            assert time.monotonic() < deadline, f"run did not finish in {timeout} s"
    finally:
        model.apply(session.shutdown())
    return model
