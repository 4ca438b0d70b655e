"""How the app starts a conductor: the first steps of a forked one, and the
run's token in the environment every process of the run inherits."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from core.engine import process_tree


def forked_conductor(
    ours: tuple[Connection, Connection, int | None],
    entry: Callable[..., None],
    args: tuple[Any, ...],
) -> None:
    """A forked conductor's first steps: close the app's ends of its pipes and
    the watchdog's lifeline (the conductor and the watchdog must see EOF when
    the app dies), and undo the app's signal handlers, then run ``entry``."""
    events_reader, commands_writer, lifeline = ours
    events_reader.close()
    commands_writer.close()
    if lifeline is not None:
        os.close(lifeline)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
    entry(*args)


def start_marked(process: BaseProcess, token: str) -> None:
    """Start the conductor with ``RUN_ENV=token`` in its environment, which
    every process of the run inherits (spawn passes the current environment)."""
    previous = os.environ.get(process_tree.RUN_ENV)
    os.environ[process_tree.RUN_ENV] = token
    try:
        process.start()
    finally:
        if previous is None:
            del os.environ[process_tree.RUN_ENV]
        else:
            os.environ[process_tree.RUN_ENV] = previous
