"""An exception as data (type, message, the user's frames), for the hook.

Standard library only; nothing imported here or by it: importing any module
while a 3.11 or 3.12 interpreter shuts down after an uncaught
KeyboardInterrupt makes it exit 1 instead of by SIGINT (measured), and the
main program's report is made then. procession_trace imports this module when
the hook loads, long before.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any


def describe_exception(kind: Any, value: Any, tb: Any, skip: Any) -> Any:
    """Type, message and the user's frames of an exception (data only),
    formatted here rather than by the traceback module (see the module's
    note)."""
    for _ in range(skip):
        if tb is not None:
            tb = tb.tb_next
    try:
        message = str(value)
    except Exception as error:
        message = f"<str() failed: {error!r}>"
    lines = []
    while tb is not None:
        code = tb.tb_frame.f_code
        lines.append(
            f'  File "{code.co_filename}", line {tb.tb_lineno}, in {code.co_name}\n'
        )
        source = _source_line(code.co_filename, tb.tb_lineno)
        if source:
            lines.append(f"    {source}\n")
        tb = tb.tb_next
    frames = "".join(lines)[-8000:]
    return {"type": kind.__name__, "message": message[:2000], "traceback": frames}


def _source_line(filename: str, number: Any) -> str:
    try:
        with open(filename, encoding="utf-8", errors="replace") as source:
            for index, line in enumerate(source, 1):
                if index == number:
                    return line.strip()
    except (OSError, TypeError, ValueError):
        pass
    return ""
