"""Run a command under lowered resource limits.

    limited.py NAME=SOFT[:HARD] … -- COMMAND ARGS…

The limits are set here, then this process becomes the command (execv), so the
app under test starts exactly as a user's shell with ``ulimit`` would start it.
Lowering a limit needs no privilege, so this works after a switch to an
unprivileged uid too (RLIMIT_NPROC is not enforced for root).
"""

from __future__ import annotations

import os
import resource
import sys


def main(argv: list[str]) -> None:
    split = argv.index("--")
    for item in argv[:split]:
        name, _, value = item.partition("=")
        soft, _, hard = value.partition(":")
        limit = getattr(resource, f"RLIMIT_{name}")
        resource.setrlimit(limit, (int(soft), int(hard or soft)))
    command = argv[split + 1 :]
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
