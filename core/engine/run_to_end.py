"""Run a program to its end without a window: the one loop the CLI, the tests
and the benchmarks share.

Start the conductor, read its events into a :class:`RunModel` until it reports
the end, and always shut down within the link's bounds, whatever happened
(an exception, Ctrl+C, a run that never ends).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from core.engine.conductor_link import ConductorLink

if TYPE_CHECKING:  # not imported before the run starts (see ConductorLink)
    from core.engine.program import Program
    from core.model.events import Event
    from core.model.run_model import RunModel

OnEvents = Callable[[ConductorLink, "RunModel", "list[Event]"], None]
POLL = 0.1  # seconds per wait for events: how late a deadline may be noticed


class RunDidNotEnd(TimeoutError):
    """The run was still going at the caller's ``give_up_after``."""


def run_to_end(
    program: Program,
    model: RunModel | None = None,
    *,
    sample_hz: float = 5.0,
    stop_after: float | None = None,
    give_up_after: float | None = None,
    on_events: OnEvents | None = None,
    on_stop_after: Callable[[], None] | None = None,
    fork_conductor: bool = False,
) -> RunModel:
    """Run ``program`` to its end; return the model (``model``, or the
    program's preview model fed with the run's events).

    ``stop_after``: seconds, then ask the conductor to stop everything (the
    run still ends normally, with every worker reported); ``on_stop_after`` is
    called just before. ``give_up_after``: seconds, then raise
    :class:`RunDidNotEnd` (a test's hang guard). ``on_events(link, model,
    events)`` runs after each batch is applied (at least every ``POLL``
    seconds, so it may also act on the link: stop, kill, set a deadline), the
    last one included (the events of the shutdown). Whatever ends the loop,
    the link is shut down within its bounds. ``fork_conductor``: see
    :class:`ConductorLink` (only where this process has no thread).
    """
    link = ConductorLink(program, sample_hz=sample_hz, fork=fork_conductor)
    models: list[RunModel] = [] if model is None else [model]  # [] until previewed

    def apply(events: list[Event]) -> None:
        for each in models:
            each.apply(events)
            if on_events is not None:
                on_events(link, each, events)

    link.start()  # InputError (pre-flight) or OSError: nothing was started
    try:
        # After the start: the program runs while its model is built.
        models[:] = models or [program.preview()]
        started = time.monotonic()
        stop_at = None if stop_after is None else started + stop_after
        give_up_at = None if give_up_after is None else started + give_up_after
        while not link.finished:
            apply(link.wait_events(POLL))
            now = time.monotonic()
            if stop_at is not None and now >= stop_at:
                stop_at = None
                if on_stop_after is not None:
                    on_stop_after()
                link.request_shutdown()
            if give_up_at is not None and now >= give_up_at and not link.finished:
                raise RunDidNotEnd(f"the run did not end within {give_up_after:g} s")
        apply(link.read_events())
    finally:
        apply(link.shutdown())
    return models[0]
