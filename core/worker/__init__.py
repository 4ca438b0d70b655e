"""Everything a worker process imports: its bootstrap, the event wire, the API
for target code and the built-in targets.

Standard library only (an import contract in pyproject.toml checks it): a spawn
worker imports these modules before it runs a single line of the user's target,
and every millisecond spent here is shown as the start cost of a process. For
the same reason they do not import ``typing`` at run time (about 2 ms on this
machine, measured with ``python -X importtime -c "import typing"``; nothing
else a worker loads imports it): annotations stay strings (``from __future__
import annotations``) and names needed only by the type checker are imported
under a local ``TYPE_CHECKING = False`` flag, which mypy treats as
``typing.TYPE_CHECKING``.
"""
