"""The events the app's side of a run makes itself, when its conductor
cannot: the conductor was lost, or the run was ended by force."""

from __future__ import annotations

from core.model.events import Event
from core.model.kinds import MAIN_ID, SESSION_ID, EventKind
from core.model.payloads import ConductorLost, Exited, Notice


def conductor_lost(code: int | None, now: int) -> Event:
    return Event(
        EventKind.CONDUCTOR_LOST, MAIN_ID, SESSION_ID, -1, now, ConductorLost(code)
    )


def forced_end(
    after_s: float, threads: list[int], code: int | None, now: int
) -> list[Event]:
    """Why the run ended (a notice), each thread still running abandoned (it
    ended with the conductor's process), and the conductor lost."""
    text = (
        f"the conductor did not answer within {after_s:g} s of the "
        "stop request (a thread holding the GIL in one long call, or a stopped "
        "process, cannot be interrupted): it was killed, and with it every "
        "process of the run"
    )
    ended = [
        Event(EventKind.NOTICE, MAIN_ID, SESSION_ID, -1, now, Notice("error", text))
    ]
    abandoned = Exited(still_running=True, abandoned="conductor_killed")
    ended += [
        Event(EventKind.EXITED, lane, SESSION_ID, -1, now, abandoned)
        for lane in threads
    ]
    ended.append(conductor_lost(code, now))
    return ended
