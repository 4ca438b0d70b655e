"""The collector: every traced process's connection, turned into framed events.

Each process of the traced program connects once (core/tracer/hook) and sends
one JSON message per event: ``[kind, seq, t_ns, data, about]``. The collector
knows who is speaking from the socket itself (SO_PEERCRED gives the peer's
pid; a process cannot claim another's), so it, not the process, decides the
frame's sender: the process's own lane. ``about`` names a process object the
speaker created (a uid it chose); the collector maps uids to lanes, and the
app checks that the speaker created that lane (core/model/decoding.Lineage).

Which lane a connection is: the main program (by pid); a multiprocessing
child (its BOOTED names its uid, or its parent's START_RETURNED its pid); a
helper (forkserver, resource tracker: announced with their pid by the process
that started them); or, at its end, an untracked process (a Python program
started by other means, e.g. ``subprocess``), announced by the collector.

Order: a parent announces a child (LANE_ADDED, START_CALLED) before the child
exists, so the collector accepts new connections first, then reads every
known one, then the new ones: whatever a parent sent before its child
connected is read before anything the child says.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.model.frames import frame
from core.model.kinds import MAIN_ID, TRACED_MAIN, EventKind
from core.worker.wire import MAX_EVENT_BYTES, decode, encode

Emit = Callable[[EventKind, int, dict[str, Any]], None]
"""The collector's own events (sender MAIN_ID): kind, lane, data."""

CALL_KINDS = {
    "start_called",
    "start_returned",
    "join_called",
    "join_returned",
    "is_alive",
    "close_called",
    "signal_sent",
}


@dataclass
class Peer:
    """One traced process's connection."""

    sock: socket.socket
    pid: int
    ppid: int | None = None
    lane: int | None = None
    pending: list[list[Any]] = field(default_factory=list)
    eof_ns: int | None = None

    @property
    def sender(self) -> int:
        return TRACED_MAIN if self.lane == MAIN_ID else (self.lane or 0)


class Collector:
    def __init__(self, path: str, main_pid: Callable[[], int | None], emit: Emit):
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.listener.bind(path)
        self.listener.listen(128)
        self.listener.setblocking(False)
        self.main_pid = main_pid
        self.emit = emit
        self.on_reaped: Callable[[int | None], None] = lambda pid: None
        """Called when a parent reaped a child (its pid), before the parent's
        wait for an answer ends: the launcher shows the child's last output."""
        self.frames: list[bytes] = []
        self.peers: list[Peer] = []
        self.lane_of_uid: dict[str, int] = {}
        self.lane_of_pid: dict[int, int] = {}
        self.pid_of_lane: dict[int, int] = {MAIN_ID: 0}
        self.exited: set[int] = set()
        self.next_lane = 1
        self.damaged = 0

    # -- reading ---------------------------------------------------------------------

    def fileno(self) -> int:
        return self.listener.fileno()

    def sockets(self) -> list[socket.socket]:
        return [peer.sock for peer in self.peers if peer.eof_ns is None]

    def poll(self) -> None:
        """Accept, then read everything ready (see the module's note on order)."""
        new = self._accept()
        for peer in self.peers:
            if peer not in new:
                self._read(peer)
        for peer in new:
            self._read(peer)

    def _accept(self) -> list[Peer]:
        new: list[Peer] = []
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:  # BlockingIOError: none waiting
                return new
            sock.setblocking(False)
            creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
            pid = struct.unpack("3i", creds)[0]
            peer = Peer(sock, pid)
            if pid == self.main_pid():
                peer.lane = MAIN_ID
            elif pid in self.lane_of_pid:
                peer.lane = self.lane_of_pid[pid]
            self.peers.append(peer)
            new.append(peer)

    def _read(self, peer: Peer) -> None:
        while peer.eof_ns is None:
            try:
                raw = peer.sock.recv(MAX_EVENT_BYTES + 1)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                raw = b""
            if not raw:
                self._ended(peer)
                return
            self._message(peer, raw)

    def _ended(self, peer: Peer) -> None:
        peer.eof_ns = time.monotonic_ns()
        with contextlib.suppress(OSError):
            peer.sock.close()
        if peer.lane is None:
            self._untracked(peer)

    # -- translating -----------------------------------------------------------------

    def _message(self, peer: Peer, raw: bytes) -> None:
        try:
            row = decode(raw)
            if type(row) is not list or len(row) != 5 or type(row[3]) is not dict:
                raise ValueError("not a tracer message")
        except (ValueError, RecursionError):
            self.damaged += 1
            return
        if row[0] == "hello":
            ppid = row[3].get("ppid")
            peer.ppid = ppid if type(ppid) is int else None
            return
        if row[0] == "booted" and peer.lane is None:
            uid = row[3].get("uid")
            lane = self.lane_of_uid.get(uid) if type(uid) is str else None
            # A process names itself; once its parent has said which pid
            # that lane is, only that pid may (SO_PEERCRED cannot be forged).
            if lane is not None and self.pid_of_lane.get(lane, peer.pid) == peer.pid:
                self._bind(peer, lane)
        if peer.lane is None:
            peer.pending.append(row)
            if row[0] == "exited":  # it waits for an answer: do not make it wait
                self._answer(peer)
            return
        self._forward(peer, row, live=True)
        if row[0] == "exited":  # after the drain in _forward, whatever it found
            self._answer(peer)

    def _bind(self, peer: Peer, lane: int) -> None:
        peer.lane = lane
        pending, peer.pending = peer.pending, []
        for row in pending:
            self._forward(peer, row, live=False)

    def _forward(self, peer: Peer, row: list[Any], live: bool) -> None:
        """One message as a frame; ``live``: just received (not replayed from
        before its sender had a lane), so a reaped child's output is shown now."""
        kind, seq, t_ns, data, about = row
        own = MAIN_ID if peer.lane is None else peer.lane
        data.pop("uid", None)
        if about is None:
            lane = own
        elif kind == "lane_added" and type(about) is str:
            lane = self.lane_of_uid.get(about) or self._new_lane(about)
            data["parent"] = own
        elif type(about) is str and about in self.lane_of_uid:
            lane = self.lane_of_uid[about]
        else:
            self.damaged += 1
            return
        if kind in CALL_KINDS:
            data["caller"] = own
        if kind == "start_returned" and type(data.get("pid")) is int:
            self._learn_pid(data["pid"], lane)
        if kind == "exited":
            self.exited.add(lane)
            ended = self.ended_ns(lane)
            if ended is not None:
                data["ended_ns"] = ended
            if live:
                self.on_reaped(self.pid_of_lane.get(lane))
        try:
            body = encode(str(kind), seq, t_ns, data)
        except (TypeError, ValueError):
            self.damaged += 1
            return
        self.frames.append(frame(peer.sender, lane, body))

    def _answer(self, peer: Peer) -> None:
        with contextlib.suppress(OSError):  # the parent waits for this byte
            peer.sock.send(b"k")

    def ended_ns(self, lane: int) -> int | None:
        """When ``lane``'s process closed its connection (read it now: its
        parent has just reaped it, so its last bytes are all there)."""
        for peer in self.peers:
            if peer.lane == lane:
                self._read(peer)
                return peer.eof_ns
        return None

    def _new_lane(self, uid: str) -> int:
        lane = self.next_lane
        self.next_lane += 1
        self.lane_of_uid[uid] = lane
        return lane

    def _learn_pid(self, pid: int, lane: int) -> None:
        self.lane_of_pid[pid] = lane
        self.pid_of_lane[lane] = pid
        for peer in self.peers:
            if peer.pid == pid and peer.lane is None:
                self._bind(peer, lane)

    def _untracked(self, peer: Peer) -> None:
        """A Python process nobody announced (started by subprocess, os.fork,
        os.system…): it gets a lane of its own, under its OS parent's."""
        self._bind(peer, self.add_untracked(peer.pid, peer.ppid, f"pid {peer.pid}"))

    def add_untracked(self, pid: int, ppid: int | None, name: str) -> int:
        """A lane for a process not started by multiprocessing (announced by
        the collector, which saw it)."""
        lane = self._new_lane(f"untracked.{pid}")
        parent = self.lane_of_pid.get(ppid or 0, MAIN_ID)
        if ppid is not None and ppid == self.main_pid():
            parent = MAIN_ID
        self.lane_of_pid[pid] = lane
        self.pid_of_lane[lane] = pid
        data = {"name": name, "kind": "untracked", "parent": parent}
        self.emit(EventKind.LANE_ADDED, lane, data)
        self.emit(EventKind.START_RETURNED, lane, {"pid": pid, "caller": parent})
        return lane

    def take_frames(self) -> list[bytes]:
        frames, self.frames = self.frames, []
        return frames

    def open_peers(self) -> int:
        return sum(1 for peer in self.peers if peer.eof_ns is None)

    def close(self) -> None:
        for peer in self.peers:
            with contextlib.suppress(OSError):
                peer.sock.close()
        self.listener.close()
