"""Each traced process's own output, read below Python while the terminal
still shows it.

A traced child (not the main program, whose output stays the terminal's own)
connects one stream socket per standard descriptor that is the run's own
terminal or pipe, sends "1" or "2", and ``dup2``s the socket over that
descriptor (core/tracer/hook). So prints lost to ``os._exit``, C-level
writes and faulthandler dumps are kept, and a descriptor the program
redirected itself (``subprocess.PIPE``) is left alone. The relay writes every
byte on to its own descriptor of the same number (the terminal), then cuts
lines into FD_OUTPUT events on the process's lane. A child then sees
``isatty()`` False; its streams keep the buffering they were created with.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.model.kinds import MAIN_ID, EventKind
from core.worker.line_buffer import ByteLineSplitter

Emit = Callable[[EventKind, int, dict[str, Any]], None]
KEEP_LINES = 10_000
"""Lines kept per lane; the rest are counted (FD_OUTPUT_DROPPED)."""
READ_SIZE = 65536
HOLD = 0.1
"""Seconds a partial line waits for its end before it is shown anyway."""


@dataclass
class Stream:
    sock: socket.socket
    pid: int
    fd: int = 0  # 1 or 2 once its first byte arrived
    lines: ByteLineSplitter = field(default_factory=ByteLineSplitter)
    closed: bool = False
    partial: bytes = b""
    """The end of a line not yet shown: whole lines go to the terminal in one
    write each, so that another process's line cannot land inside one (the
    relay is later than a direct write)."""
    partial_since: float = 0.0


class OutputRelay:
    def __init__(self, path: str, lane_of_pid: dict[int, int], emit: Emit) -> None:
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        self.listener.listen(128)
        self.listener.setblocking(False)
        self.path = path
        self.lane_of_pid = lane_of_pid
        self.emit = emit
        self.streams: list[Stream] = []
        self.waiting: dict[int, list[str]] = {}  # pid → lines before its lane
        self.kept: dict[int, int] = {}
        self.dropped: dict[int, int] = {}

    def identity(self, terminal: str = "") -> str:
        """What the hook needs: where to connect, and which descriptors are
        the run's own (device:inode of this process's fd 1 and 2, or of the
        ``terminal`` both are given)."""
        if terminal:
            return "|".join([self.path, terminal, terminal])
        ids = []
        for fd in (1, 2):
            try:
                status = os.fstat(fd)
                ids.append(f"{status.st_dev}:{status.st_ino}")
            except OSError:
                ids.append("-")
        return "|".join([self.path, *ids])

    def main_lines(self, lines: list[str]) -> None:
        """Lines the main program wrote (read by the launcher): its lane's."""
        for line in lines:
            self._line(MAIN_ID, line)

    def sockets(self) -> list[Any]:
        return [self.listener, *(s.sock for s in self.streams if not s.closed)]

    def open_streams(self) -> int:
        return sum(1 for stream in self.streams if not stream.closed)

    def poll(self) -> None:
        self._accept()
        now = time.monotonic()
        for stream in self.streams:
            if not stream.closed:
                self._read(stream)
            if stream.partial and (stream.closed or now - stream.partial_since > HOLD):
                _write_all(stream.fd, stream.partial)  # a prompt, or its last words
                stream.partial = b""
        self.deliver()

    def drain(self, pid: int | None) -> None:
        """Show everything a process that has ended wrote (its parent just
        reaped it): its output is on the terminal before the parent goes on."""
        self._accept()
        for stream in self.streams:
            if stream.pid == pid and not stream.closed:
                self._read(stream)
                if stream.partial:
                    _write_all(stream.fd, stream.partial)
                    stream.partial = b""

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:  # BlockingIOError: none waiting
                return
            sock.setblocking(False)
            creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
            self.streams.append(Stream(sock, struct.unpack("3i", creds)[0]))

    def _read(self, stream: Stream) -> None:
        while True:
            try:
                chunk = stream.sock.recv(READ_SIZE)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                chunk = b""
            if not chunk:
                stream.closed = True
                with contextlib.suppress(OSError):
                    stream.sock.close()
                self._lines(stream.pid, stream.lines.flush())
                return
            if stream.fd == 0:
                stream.fd = 2 if chunk[:1] == b"2" else 1
                chunk = chunk[1:]
            self._show(stream, chunk)
            self._lines(stream.pid, stream.lines.feed(chunk))

    def _show(self, stream: Stream, chunk: bytes) -> None:
        data = stream.partial + chunk
        cut = data.rfind(b"\n") + 1
        if cut:
            _write_all(stream.fd, data[:cut])
        if not stream.partial or cut:
            stream.partial_since = time.monotonic()
        stream.partial = data[cut:]

    def _lines(self, pid: int, lines: list[str]) -> None:
        if lines:
            self.waiting.setdefault(pid, []).extend(lines)

    def deliver(self, everything: bool = False) -> None:
        """Lines of processes whose lane is known become events. With
        ``everything`` (the run's end), a process that never got a lane has
        its lines put on the main program's lane, marked with its pid."""
        for pid in list(self.waiting):
            lane = self.lane_of_pid.get(pid)
            if lane is None and not everything:
                continue
            for line in self.waiting.pop(pid):
                if lane is None:
                    self._line(MAIN_ID, f"[pid {pid}] {line}")
                else:
                    self._line(lane, line)

    def _line(self, lane: int, text: str) -> None:
        if self.kept.get(lane, 0) < KEEP_LINES:
            self.kept[lane] = self.kept.get(lane, 0) + 1
            self.emit(EventKind.FD_OUTPUT, lane, {"text": text})
            return
        self.dropped[lane] = self.dropped.get(lane, 0) + 1
        count = self.dropped[lane]
        if count == 1 or count % 1000 == 0:
            self.emit(EventKind.FD_OUTPUT_DROPPED, lane, {"count": count})

    def finish(self) -> None:
        """The run's end: every line delivered, the final dropped counts said."""
        self.poll()
        self.deliver(everything=True)
        for lane, count in self.dropped.items():
            self.emit(EventKind.FD_OUTPUT_DROPPED, lane, {"count": count})
        self.dropped.clear()

    def close(self) -> None:
        for stream in self.streams:
            with contextlib.suppress(OSError):
                stream.sock.close()
        self.listener.close()


def _write_all(fd: int, data: bytes) -> None:
    """On to the terminal, as the process would have written it."""
    while data:
        try:
            data = data[os.write(fd, data) :]
        except InterruptedError:
            continue
        except OSError:
            return  # the terminal is gone: the lines are still kept
