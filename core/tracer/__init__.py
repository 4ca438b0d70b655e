"""Tracing users' own programs: the hook that runs inside the traced
interpreters (``hook/``, standard library only) and the collector process
that turns what they send into Procession's events."""
