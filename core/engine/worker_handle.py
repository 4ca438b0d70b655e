"""The conductor's side of one worker: its process or thread, its pipes, its log.

Pipe discipline (DESIGN §1): one ``Pipe(duplex=False)`` per worker for events,
whose write end the conductor closes right after ``start()`` so that the worker's
death shows up as EOF; and a second one, the lifeline, whose write end only the
conductor holds: it carries "stop" requests, and its EOF tells the worker the
conductor has died.
"""

from __future__ import annotations

import contextlib
import os
import threading
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from types import SimpleNamespace
from typing import Any, Protocol

from core.model.kinds import MAIN_ID
from core.scenario.definition import WorkerSpec
from core.worker import target_api
from core.worker.bootstrap import WorkerConfig, run_process_worker, run_thread_worker
from core.worker.line_buffer import ByteLineSplitter
from core.worker.wire import MAX_EVENT_BYTES

LOG_TAIL_BYTES = 4096
READ_CHUNK = 256 * 1024  # bytes per read() of an event pipe (4 pipe buffers)


class Emit(Protocol):
    """What the conductor's parts are handed to report something: queue one
    event of ``kind`` about lane ``lane`` (the conductor numbers and sends it)."""

    def __call__(self, kind: str, lane: int = MAIN_ID, /, **data: Any) -> None: ...


def notice(emit: Emit, text: str, level: str = "info", lane: int = MAIN_ID) -> None:
    """Text for a person to read, on ``lane``."""
    emit("notice", lane, level=level, text=text)


class WorkerHandle:
    """Everything the conductor tracks about one worker."""

    def __init__(self, spec: WorkerSpec, config: WorkerConfig) -> None:
        self.spec = spec
        self.config = config
        self.process: BaseProcess | None = None
        self.thread: threading.Thread | None = None
        self.context: target_api.WorkerContext | None = None
        self.reader: Connection | None = None
        self.lifeline: Connection | None = None
        self.pid: int | None = None
        self.started = False
        self.finished = False  # EXITED has been reported (or it never started)
        self.exitcode: int | None = None
        self.ended_at: float | None = None  # when the OS (or the thread) ended it
        self.sentinel_stale = False  # ready, but the exit status not yet readable
        self.cleaned_up = 0
        self.stop_deadline: float | None = None
        self.term_deadline: float | None = None
        self.stop_ignored_noted = False
        # Why a thread was left to run on ("daemon", "ignored_stop",
        # "app_closed"); empty while it is not.
        self.abandoned = ""
        self.start_method = ""  # the real one ("default" resolved) once started
        self.adopted = False  # outlived its forkserver: the conductor reaps it
        self._log_offset = 0
        self._log_lines = ByteLineSplitter()  # linear time, one line capped
        self._frames = b""  # event bytes read but not yet a whole frame
        self.fd_lines_kept = 0
        self.fd_lines_dropped = 0
        self.fd_dropped_reported = 0
        self.events_kept = 0  # forwarded; past the conductor's cap only counted
        self.events_dropped = 0
        self.events_dropped_reported = 0

    @property
    def is_thread(self) -> bool:
        return self.spec.mode == "thread"

    @property
    def alive(self) -> bool:
        return self.started and self.ended_at is None

    @property
    def channel_open(self) -> bool:
        return self.reader is not None

    @property
    def sentinel(self) -> int | None:
        if (
            self.process is None
            or self.ended_at is not None
            or self.sentinel_stale
            or self.adopted  # its sentinel was its dead forkserver's pipe
        ):
            return None
        return int(self.process.sentinel)

    def open_fds(self) -> list[int]:
        """Conductor-side descriptors a forked sibling must not keep."""
        return [c.fileno() for c in (self.reader, self.lifeline) if c is not None]

    # -- starting -------------------------------------------------------------------

    def start_process(self, ctx: BaseContext, conductor_fds: list[int]) -> int:
        reader, writer = ctx.Pipe(duplex=False)
        life_reader, life_writer = ctx.Pipe(duplex=False)
        config = self.config
        spec: Any = self.spec
        if self.spec.start_method == "fork" or (
            self.spec.start_method == "default" and ctx.get_start_method() == "fork"
        ):
            inherited = (*conductor_fds, reader.fileno(), life_writer.fileno())
            config = config.with_inherited_fds(inherited)
        else:
            # Pickled for the child: a WorkerSpec would make every spawn child
            # import core.scenario.definition (validation, regexes, ~5 ms) just to
            # unpickle
            # it; the worker only reads its attributes.
            spec = SimpleNamespace(**vars(self.spec))
        process = ctx.Process(  # type: ignore[attr-defined]
            target=run_process_worker,
            args=(spec, config, writer, life_reader),
            name=self.spec.name,
            daemon=self.spec.daemon,
        )
        try:
            process.start()
        except BaseException:
            for conn in (reader, writer, life_reader, life_writer):
                conn.close()
            raise
        finally:
            # Close our copies of the child's ends at once: the event pipe's EOF
            # must mean "the worker and everything it started are gone".
            if process.pid is not None:
                writer.close()
                life_reader.close()
        self.process = process
        self.reader = reader
        self.lifeline = life_writer
        self.pid = process.pid
        self.start_method = ctx.get_start_method()
        self.started = True
        return int(process.pid or 0)

    def start_thread(self, ctx: BaseContext) -> int:
        reader, writer = ctx.Pipe(duplex=False)
        self.context = target_api.WorkerContext(
            self.spec.worker_id, self.spec.name, None
        )
        thread = threading.Thread(
            target=run_thread_worker,
            args=(self.spec, self.config, writer, self.context),
            name=self.spec.name,
            daemon=True,  # an unstoppable thread must not keep the conductor alive
        )
        self.reader = reader
        self.thread = thread
        self.started = True
        thread.start()
        return thread.ident or 0

    # -- reading ----------------------------------------------------------------------

    def read_events(self, limit: int) -> tuple[list[bytes], str | None]:
        """Up to ``limit`` raw events; (events, broken-channel error or None).

        The reader is closed (set to None) at EOF.
        """
        events: list[bytes] = []
        reader = self.reader
        if reader is None:
            return events, None
        if os.name != "posix":  # a Windows pipe is a handle, not a descriptor
            return self._recv_each(reader, limit)
        # Never block: the conductor is single-threaded, and a final drain may
        # meet a pipe whose writer lives on in silence (a thread that ignored
        # stop, a grandchild that inherited the write end). So: poll, then one
        # read() of whatever is there, split into frames here. Polling before
        # each frame (recv_bytes) cost ~4 µs per event, most of the conductor's
        # time when a worker prints as fast as it can.
        while len(events) < limit and reader.poll():
            try:
                chunk = os.read(reader.fileno(), READ_CHUNK)
            except OSError as error:
                self._close_reader()
                return events, f"{type(error).__name__}: {error}"
            if not chunk:  # EOF: every writer is gone
                partial = bool(self._frames)
                self._close_reader()
                if partial:  # killed mid-message
                    return events, "OSError: got end of file during message"
                break
            try:
                # Linear: what is kept between reads is under one frame (64 KiB).
                self._frames = _split_frames(self._frames + chunk, events)
            except FrameTooLarge as error:
                # The stream cannot be resynchronised after a false length, and
                # reading on would let one worker hold the conductor: close it.
                self._close_reader()
                self._frames = b""
                return events, str(error)
        return events, None

    def _recv_each(
        self, reader: Connection, limit: int
    ) -> tuple[list[bytes], str | None]:
        events: list[bytes] = []
        try:
            while len(events) < limit and reader.poll():
                events.append(reader.recv_bytes())
        except EOFError:
            self._close_reader()
        except OSError as error:  # killed mid-message: a partial frame
            self._close_reader()
            return events, f"{type(error).__name__}: {error}"
        return events, None

    def _close_reader(self) -> None:
        if self.reader is not None:
            self.reader.close()
            self.reader = None

    def close(self) -> None:
        """Release the conductor's descriptors for this worker."""
        self._close_reader()
        if self.lifeline is not None:
            self.lifeline.close()
            self.lifeline = None
        if self.process is not None and self.ended_at is not None:
            with contextlib.suppress(ValueError):
                self.process.close()

    # -- stop requests ------------------------------------------------------------

    def request_stop(self) -> None:
        if self.context is not None:
            self.context.stop_flag.set()
        elif self.lifeline is not None:
            with contextlib.suppress(OSError):
                self.lifeline.send_bytes(b"stop")

    # -- the fd-level log -------------------------------------------------------

    def read_log_lines(self, max_bytes: int | None = None) -> list[str]:
        """Complete new lines written at fd level since the last call.

        Reads on until a line is complete, the end of the log, or ``max_bytes``
        (a line may be far longer than one read): an empty list means nothing
        more to read now, never "a long line is still arriving".
        """
        path = self.config.log_path
        if not path:
            return []
        lines: list[str] = []
        read = 0
        try:
            with open(path, "rb") as handle:
                handle.seek(self._log_offset)
                while not lines and (max_bytes is None or read < max_bytes):
                    chunk = handle.read(256 * 1024)
                    if not chunk:
                        break
                    read += len(chunk)
                    self._log_offset += len(chunk)
                    lines = self._log_lines.feed(chunk)
        except OSError:
            pass
        return lines

    def skip_log_lines(self, max_bytes: int | None = None) -> int:
        """Skip unread log data (up to ``max_bytes``), counting its lines.

        Past the output cap lines are only counted, so nothing is decoded; a
        worker can write at fd level far faster than lines could be parsed.
        """
        path = self.config.log_path
        if not path:
            return 0
        count = 0
        left = max_bytes
        try:
            with open(path, "rb") as handle:
                handle.seek(self._log_offset)
                while left is None or left > 0:
                    chunk = handle.read(1 << 20 if left is None else min(left, 1 << 20))
                    if not chunk:
                        break
                    self._log_offset += len(chunk)
                    left = None if left is None else left - len(chunk)
                    count += self._log_lines.skip(chunk)
        except OSError:
            pass
        return count

    def flush_log_partial(self) -> list[str]:
        return self._log_lines.flush()

    def log_tail(self) -> str:
        path = self.config.log_path
        if not path:
            return ""
        try:
            with open(path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                handle.seek(max(0, size - LOG_TAIL_BYTES))
                return handle.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def describe(self) -> dict[str, Any]:
        return {"name": self.spec.name, "pid": self.pid}


class FrameTooLarge(ValueError):
    """A worker declared a frame longer than any event may be."""


def _split_frames(data: bytes, out: list[bytes]) -> bytes:
    """Append each whole ``Connection.send_bytes`` frame in ``data`` to ``out``;
    return the incomplete rest. A frame is a 4-byte big-endian signed length
    (-1: an 8-byte length follows, for messages over 2 GiB) and the payload.
    A length over ``MAX_EVENT_BYTES`` raises FrameTooLarge before a byte of it
    is kept: a worker's sender never sends one, so its bytes are not events."""
    pos, end = 0, len(data)
    while end - pos >= 4:
        size = int.from_bytes(data[pos : pos + 4], "big", signed=True)
        head = 4
        if size == -1:
            if end - pos < 12:
                break
            size = int.from_bytes(data[pos + 4 : pos + 12], "big")
            head = 12
        if size > MAX_EVENT_BYTES or size < 0:
            raise FrameTooLarge(
                f"a frame of {size} bytes, over the {MAX_EVENT_BYTES}-byte limit "
                "of one event: the worker's event channel was closed"
            )
        if end - pos - head < size:
            break
        out.append(data[pos + head : pos + head + size])
        pos += head + size
    return data[pos:]
