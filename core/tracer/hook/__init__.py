"""The hook that runs inside every traced interpreter (standard library only;
this folder goes on their PYTHONPATH, so its modules are imported there by
their own names: sitecustomize, procession_trace, ...)."""

import os

HOOK_DIR = os.path.dirname(os.path.abspath(__file__))
"""Put first on the traced interpreters' PYTHONPATH (its sitecustomize)."""
