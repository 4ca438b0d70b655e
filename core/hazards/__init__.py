"""Hazard detectors: the well-known multiprocessing traps, found in a run model.

Each detector reads only the run model (lanes, segments, markers, signals,
outcomes, task spans, samples, ``model.info`` and the events), so it works on
a live run, a recording, a scenario and a traced program alike. See
:mod:`core.hazards.registry` for the list and :func:`detect` to run them all.
"""

from core.hazards.hazard import Hazard
from core.hazards.registry import DETECTORS, detect

__all__ = ["DETECTORS", "Hazard", "detect"]
