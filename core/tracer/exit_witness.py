"""Exit statuses the kernel keeps for us, for when nobody could tell them.

A status is read once, by whoever reaps the process. When a run is stopped,
the main program may reap a child in ``join()`` and be killed by its own
SIGTERM before its hook reports the status (the window's Stop test lost
"exit −15" about one run in eight under load). A pidfd opened while the
process lived answers ``PIDFD_GET_INFO`` with the status after anyone has
reaped it (Linux ≥ 6.15); on older kernels the ioctl fails and the lane says
the status is unknown, as before.

One descriptor per live traced process, given back once its status is known;
at most ``LIMIT`` at a time, so a program with thousands of processes cannot
take the launcher's descriptors (past it, the old rule applies).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct

LIMIT = 512
INFO_SIZE = 64  # struct pidfd_info, PIDFD_INFO_SIZE_VER0
PIDFD_GET_INFO = (3 << 30) | (INFO_SIZE << 16) | (0xFF << 8) | 11  # _IOWR(0xFF, 11)
PIDFD_INFO_EXIT = 1 << 3
EXIT_CODE_AT = 60  # __s32 exit_code: a wait status


class ExitWitness:
    def __init__(self) -> None:
        self.fds: dict[int, int] = {}

    def watch(self, pid: int) -> None:
        if pid <= 0 or pid in self.fds or len(self.fds) >= LIMIT:
            return
        with contextlib.suppress(OSError, AttributeError):  # gone, or no pidfd
            self.fds[pid] = os.pidfd_open(pid)

    def forget(self, pid: int) -> None:
        fd = self.fds.pop(pid, None)
        if fd is not None:
            os.close(fd)

    def status(self, pid: int) -> int | None:
        """The exit code (``Process.exitcode`` style) of a reaped process, or
        None: still alive, not reaped yet, never watched, or an old kernel."""
        fd = self.fds.get(pid)
        if fd is None:
            return None
        info = bytearray(INFO_SIZE)
        struct.pack_into("Q", info, 0, PIDFD_INFO_EXIT)
        try:
            fcntl.ioctl(fd, PIDFD_GET_INFO, info)
        except OSError:
            return None
        if not struct.unpack_from("Q", info, 0)[0] & PIDFD_INFO_EXIT:
            return None
        self.forget(pid)
        return os.waitstatus_to_exitcode(struct.unpack_from("i", info, EXIT_CODE_AT)[0])

    def close(self) -> None:
        for pid in list(self.fds):
            self.forget(pid)
