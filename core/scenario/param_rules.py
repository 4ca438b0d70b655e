"""Checks of one built-in target's argument against its schema."""

from __future__ import annotations

from typing import Any

from core.input_checks import check_choice, check_float, check_int, check_str
from core.scenario import target_catalog


def check_param(param: target_catalog.Param, value: Any) -> str | None:
    """What is wrong with ``value`` for ``param`` (None when it is fine)."""
    if param.kind == "int":
        return check_int(value, _bound(param.minimum), _bound(param.maximum))
    if param.kind == "float":
        return check_float(value, param.minimum, param.maximum)
    if param.kind == "choice":
        return check_choice(value, param.choices)
    return check_str(value, 500)


def _bound(value: float | None) -> int | None:
    return None if value is None else int(value)
