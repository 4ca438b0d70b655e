"""The old name of :mod:`core.worker.target_api`, kept so that custom code
written before the move (``from core import probe``) still runs."""

from core.worker.target_api import current, mark, sleep, stop_requested

__all__ = ["current", "mark", "sleep", "stop_requested"]
