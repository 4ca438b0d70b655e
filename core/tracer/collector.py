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

A process's threads and the children it starts by other means (``os.fork``,
``subprocess``, ``os.system``) have uids local to it (``@t1``, ``@u1``): the
collector files them under the speaker's own lane, so a process cannot speak
for another's. A thread's calls (join() from a thread, say) name it as caller.
When a process's connection ends, its threads still running died with it
(daemon threads, or a process that was killed), and the collector says so.

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

from core.engine import process_tree
from core.model.frames import frame
from core.model.kinds import MAIN_ID, TRACED_MAIN, EventKind
from core.tracer.exit_witness import ExitWitness
from core.tracer.owned_lanes import Owned, last_words, track
from core.tracer.submissions import Submissions
from core.tracer.unhookable import unhookable_notice
from core.worker.wire import MAX_EVENT_BYTES, decode, encode

Emit = Callable[[EventKind, int, dict[str, Any]], None]
"""The collector's own events (sender MAIN_ID): kind, lane, data."""

CALL_KINDS = {
    "start_called",
    "start_returned",
    "start_failed",
    "join_called",
    "join_returned",
    "is_alive",
    "close_called",
    "signal_sent",
}

THREAD_UID = "@t"
"""How a thread's uid begins (core/tracer/hook/procession_trace_threads.py)."""


@dataclass
class Peer:
    """One traced process's connection."""

    sock: socket.socket
    pid: int
    ppid: int | None = None
    lane: int | None = None
    pending: list[list[Any]] = field(default_factory=list)
    eof_ns: int | None = None
    owned: dict[int, Owned] = field(default_factory=dict)
    reading: bool = False
    """Its messages are being read: reading it again, from a message it
    led to, would put later messages before the one being forwarded."""

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
        self.local_lanes: set[int] = set()
        """Lanes with process-local uids: their ends come from their process."""
        self.next_lane = 1
        self.damaged = 0
        self.submissions = Submissions()
        self.witness = ExitWitness()
        """Every traced process's status, even if whoever reaped it died first."""

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
            self.witness.watch(pid)
            if pid == self.main_pid():
                peer.lane = MAIN_ID
            elif pid in self.lane_of_pid:
                peer.lane = self.lane_of_pid[pid]
            self.peers.append(peer)
            new.append(peer)

    def _read(self, peer: Peer) -> None:
        if peer.reading:  # a message it sent led here: finish that one first
            return
        peer.reading = True
        try:
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
        finally:
            peer.reading = False

    def _ended(self, peer: Peer) -> None:
        peer.eof_ns = time.monotonic_ns()
        with contextlib.suppress(OSError):
            peer.sock.close()
        if peer.lane is None:
            for other in self.peers:  # its parent may have named it meanwhile
                if other is not peer:
                    self._read(other)
        if peer.lane is None:
            self._untracked(peer)
        for lane, owned in peer.owned.items():
            self._died_with_its_process(lane, owned)
        peer.owned.clear()

    def _died_with_its_process(self, lane: int, owned: Owned) -> None:
        kind, data = last_words(owned)
        if kind is EventKind.EXITED:
            self.exited.add(lane)
        self.emit(kind, lane, data)

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
            self._forked(peer, row[3].get("forked"))
            return
        if row[0] == "task_submitted":  # not an event: joined to the task's start
            self.submissions.note(peer.pid, row[2], row[3])
            return
        if row[0] == "booted" and peer.lane is None:
            uid = row[3].get("uid")
            lane = self.lane_of_uid.get(uid) if type(uid) is str else None
            # A process names itself; once its parent has said which pid
            # that lane is, only that pid may (SO_PEERCRED cannot be forged).
            if lane is not None and self.pid_of_lane.get(lane, peer.pid) == peer.pid:
                self._bind(peer, lane)
        # A reaping parent waits for an answer (a thread's end is no reaping).
        waits = row[0] == "exited" and not str(row[4]).startswith(THREAD_UID)
        if peer.lane is None:
            peer.pending.append(row)
            if waits:  # do not make it wait
                self._answer(peer)
            return
        self._forward(peer, row, live=True)
        if waits:  # after the drain in _forward, whatever it found
            self._answer(peer)

    def _forked(self, peer: Peer, uid: Any) -> None:
        """Which lane a process is that its parent announced without a pid:
        a child of ``os.fork()`` names it (it may speak before its parent has
        said its pid); a Python that ``os.system`` started (its parent is
        the shell, whose parent is traced) is the one ``os.system`` call that
        process is inside."""
        if peer.lane is not None or peer.ppid is None:
            return
        parent = self._lane_of_process(peer.ppid)
        if type(uid) is str:
            lane = None if parent is None else self.lane_of_uid.get(_key(parent, uid))
            if lane is not None and self.pid_of_lane.get(lane, peer.pid) == peer.pid:
                self._bind(peer, lane)
            return
        if parent is None:  # the shell of os.system: its own parent is traced
            parent = self._lane_of_process(process_tree.parent_of(peer.ppid) or 0)
        if parent is None:
            return
        running = [  # os.system calls in progress in the parent: no pid yet
            lane
            for other in self.peers
            if other.lane == parent and other.eof_ns is None
            for lane, owned in other.owned.items()
            if owned.kind == "untracked" and lane not in self.pid_of_lane
        ]
        if len(running) == 1:  # with two at once, which is which is unknown
            self.emit(
                EventKind.BOOTED, running[0], {"pid": peer.pid, "ppid": peer.ppid}
            )
            self._learn_pid(peer.pid, running[0])

    def _lane_of_process(self, pid: int) -> int | None:
        return MAIN_ID if pid == self.main_pid() else self.lane_of_pid.get(pid)

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
        thread = data.pop("thread", None)
        key = _key(own, about) if type(about) is str else None
        if about is None:
            lane = own
        elif kind == "lane_added" and key is not None:
            lane = self.lane_of_uid.get(key) or self._new_lane(key)
            data["parent"] = own
            if key != about:
                self.local_lanes.add(lane)
        elif key is not None and key in self.lane_of_uid:
            lane = self.lane_of_uid[key]
        else:
            self.damaged += 1
            return
        if kind in CALL_KINDS:
            data["caller"] = own
            if type(thread) is str:
                data["caller"] = self.lane_of_uid.get(_key(own, thread), own)
        if lane in self.local_lanes:
            track(peer.owned, lane, kind, data)
        if kind == "start_returned" and type(data.get("pid")) is int:
            self._learn_pid(data["pid"], lane)
        if kind == "task_started":
            self._join_submission(data)
        if kind == "exited":
            self.exited.add(lane)
            if type(data.get("exitcode")) is int and lane in self.pid_of_lane:
                self.witness.forget(self.pid_of_lane[lane])
            ended = self.ended_ns(lane)
            if ended is not None:
                data["ended_ns"] = ended
            if live and lane in self.pid_of_lane:
                self.on_reaped(self.pid_of_lane[lane])
        try:
            body = encode(str(kind), seq, t_ns, data)
        except (TypeError, ValueError):
            self.damaged += 1
            return
        self.frames.append(frame(peer.sender, lane, body))
        if kind == "lane_added" and data.get("kind") == "untracked":
            notice = unhookable_notice(str(data.get("target", "")))
            if notice:
                self.emit(EventKind.NOTICE, lane, {"level": "warning", "text": notice})

    def _join_submission(self, data: dict[str, Any]) -> None:
        """A pool or executor task's start gains its submit time and call
        site, from what its worker's parent said when it submitted the job."""
        key = Submissions.key_of(data)
        if key is None:
            return
        if key not in self.submissions.said:  # said, perhaps, but not yet read
            for peer in self.peers:
                if peer.pid == key[0]:
                    self._read(peer)
        found = self.submissions.said.get(key)
        if found is not None:
            data["submitted_ns"], data["site"] = found

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
        self.witness.watch(pid)
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
        self.witness.watch(pid)
        self.lane_of_pid[pid] = lane
        self.pid_of_lane[lane] = pid
        data = {"name": name, "kind": "untracked", "parent": parent}
        self.emit(EventKind.LANE_ADDED, lane, data)
        self.emit(EventKind.START_RETURNED, lane, {"pid": pid, "caller": parent})
        return lane

    def connected(self, pid: int) -> bool:
        """Whether the process ``pid`` ever spoke to the collector."""
        return any(peer.pid == pid for peer in self.peers)

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
        self.witness.close()


def _key(own: int, uid: str) -> str:
    """Where a uid is filed: a process-local one (``@…``: a thread, an
    untracked child) under the speaker's lane, others as they are (a
    multiprocessing child's uid is sent again by the child itself)."""
    return f"{own}{uid}" if uid.startswith("@") else uid
