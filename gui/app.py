"""Start the window: ``python main.py [LESSON | SCENARIO.toml | RECORDING.json]``.

Without an argument the window opens on the first lesson, ready to Run. With
one it opens that lesson, scenario or recording; if that cannot be read, the
window still opens (on the first lesson) and says why in a message box, and
the reason is also written to stderr: a double-clicked file with a typo should
not look like a crash. Nothing in an opened file is run.

SIGTERM and SIGINT close the window the normal way (a bounded shutdown of a
live run, DESIGN §4), via a wakeup socket so Python sees the signal while Qt's
event loop is waiting. Under ``pythonw`` there is no console: ``sys.stdout``
and ``sys.stderr`` are None, so they are pointed at os.devnull first.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def _ensure_streams() -> None:
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def run_app(argv: list[str]) -> int:
    """Open the window; returns the process exit status (0 after a clean close)."""
    _ensure_streams()
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    import pyqtgraph as pg
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow

    if len(argv) > 1:
        print(
            "usage: procession [LESSON | SCENARIO.toml | PROGRAM.py | RECORDING.json]",
            file=sys.stderr,
        )
        return 2
    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    app = QApplication.instance() or QApplication(
        [sys.argv[0] if sys.argv else "procession"]
    )
    app.setApplicationName("Procession")
    app.setDesktopFileName("procession")
    icon = QIcon()
    for candidate in (RESOURCES / "procession.svg", RESOURCES / "procession.png"):
        if candidate.exists():
            icon.addFile(str(candidate))
    app.setWindowIcon(icon)

    window = MainWindow()
    window.setWindowIcon(icon)
    if argv and not window.open_path(argv[0]):
        print(
            f"procession: cannot open {argv[0]!r}; showing the first lesson\n"
            f"{window.open_error}",
            file=sys.stderr,
        )
    window.show()

    # Before the loop runs: a SIGTERM from now on waits in the socket pair and
    # closes the window once the loop starts (installed from a zero timer, a
    # SIGTERM in the loop's first moments killed the app without its shutdown).
    wakeup = _SignalWakeup(window)
    wakeup.install()
    status = app.exec()
    wakeup.uninstall()
    # Normally a no-op (closing the window released the run); if the event
    # loop ended some other way, stop the run here, blocking but bounded.
    window.controller.close_now()
    return status


class _SignalWakeup:
    """Route SIGTERM / SIGINT into Qt: a socket pair written by Python's C-level
    handler wakes a QSocketNotifier, whose slot closes the window."""

    def __init__(self, window: object) -> None:
        self.window = window
        self.reader, self.writer = socket.socketpair()
        self.reader.setblocking(False)
        self.writer.setblocking(False)
        self.previous: dict[int, object] = {}
        self.notifier = None

    def install(self) -> None:
        from PySide6.QtCore import QSocketNotifier

        self.notifier = QSocketNotifier(self.reader.fileno(), QSocketNotifier.Type.Read)
        self.notifier.activated.connect(self._on_notifier_activated)
        signal.set_wakeup_fd(self.writer.fileno(), warn_on_full_buffer=False)
        for signum in (signal.SIGTERM, signal.SIGINT):
            self.previous[signum] = signal.signal(signum, lambda *_: None)

    def _on_notifier_activated(self, *_: object) -> None:
        with contextlib.suppress(OSError):
            self.reader.recv(64)
        self.window.close()  # type: ignore[attr-defined]

    def uninstall(self) -> None:
        if self.notifier is not None:
            self.notifier.setEnabled(False)
        signal.set_wakeup_fd(-1)
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        self.reader.close()
        self.writer.close()
