"""Procession's tracer hook, loaded by every traced interpreter at startup.

This folder is put first on PYTHONPATH by the tracer (core/tracer), so Python's
``site`` imports this module in the user's main program, in spawn children, in
the forkserver server and in the resource tracker. It connects to the
collector and waits, lazily, for the program to import multiprocessing; then it
removes itself from ``sys.path`` (the script sees the path it would see) and
runs the ``sitecustomize`` this one shadows, if there is one.

Standard library only: the user's interpreter has none of Procession's code.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any


def _run_shadowed(here: Any) -> Any:
    """Run the sitecustomize this one hides (a venv's or a distribution's)."""
    from importlib.machinery import PathFinder

    rest = [entry for entry in sys.path if os.path.abspath(entry or ".") != here]
    spec = PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    from importlib.util import module_from_spec

    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules["sitecustomize"] = module


def _start() -> Any:
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        import procession_trace

        procession_trace.install()
    except Exception as error:  # a tracer bug must never stop the program
        sys.stderr.write(f"procession: tracer hook not installed: {error!r}\n")
    sys.path[:] = [e for e in sys.path if os.path.abspath(e or ".") != here]
    _run_shadowed(here)


if __name__ == "sitecustomize":  # not when a test imports every core module
    _start()
