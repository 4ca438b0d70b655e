"""The window's commands as QActions, with their shortcuts, menus and toolbar.

Kept apart from MainWindow so the window's file is about layout and wiring;
whether each action is enabled is decided by MainWindow from the run state.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QStyle, QToolBar

from core.model.run_model import Lane
from gui.palette import THEME_NAMES
from gui.run_controller import RunController, RunState

EXPORT_KINDS = {
    "png": ("Slide as PNG, 16:9, 1920×1080…", "PNG image (*.png)"),
    "png4k": ("Slide as PNG, 16:9, 3840×2160…", "PNG image, 4K (*.png)"),
    "pngfit": ("Timeline as PNG sized to its content (2×)…", "PNG image, fit (*.png)"),
    "svg": ("Slide as SVG, 16:9…", "SVG image (*.svg)"),
    "trace": ("Chrome / Perfetto trace JSON…", "Chrome trace (*.trace.json *.json)"),
    "summary": ("Summary JSON…", "Summary JSON (*.summary.json *.json)"),
    "recording": ("Recording (reopen later)…", "Procession recording (*.json)"),
}
THREADS_CANNOT = (
    "Threads cannot be force-stopped: they share the main program's process. "
    "Use Stop (cooperative)."
)


class WindowActions(QObject):
    """Creates every QAction once; MainWindow connects and enables them."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        style = window.style()

        def make(
            text: str,
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
            icon: QStyle.StandardPixmap | None = None,
            tip: str = "",
        ) -> QAction:
            action = QAction(text, window)
            if icon is not None:
                action.setIcon(style.standardIcon(icon))
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            hint = tip or text.rstrip("…")
            if shortcut is not None:
                hint += f" ({action.shortcut().toString(QKeySequence.NativeText)})"
            action.setToolTip(hint)
            action.setStatusTip(tip or text)
            window.addAction(action)  # shortcuts work even with menus hidden
            return action

        sp = QStyle.StandardPixmap
        self.run = make("Run", "F5", sp.SP_MediaPlay, "Run the scenario")
        self.stop = make(
            "Stop",
            "Shift+F5",
            sp.SP_MediaStop,
            "Ask every worker to stop; SIGTERM after 1 s, SIGKILL after 2 s more",
        )
        self.terminate = make(
            "Terminate selected",
            "Ctrl+T",
            sp.SP_BrowserStop,
            "Send SIGTERM to the selected worker (Process.terminate())",
        )
        self.kill = make(
            "Kill selected",
            "Ctrl+K",
            sp.SP_DialogDiscardButton,
            "Send SIGKILL to the selected worker (Process.kill())",
        )
        self.kill_all = make(
            "Kill all",
            "Ctrl+Shift+K",
            sp.SP_TrashIcon,
            "Send SIGKILL to every worker process now",
        )
        self.open = make(
            "Open…",
            QKeySequence.StandardKey.Open,
            sp.SP_DialogOpenButton,
            "Open a scenario (.toml) or a recording (.json)",
        )
        self.save = make(
            "Save scenario…",
            QKeySequence.StandardKey.Save,
            sp.SP_DialogSaveButton,
            "Save the scenario as a .toml file",
        )
        self.save_as = make("Save scenario as…", "Ctrl+Shift+S")
        self.new_program = make(
            "New program", "Ctrl+Shift+N", None, "An empty Python program to write"
        )
        self.show_code = make(
            "Show as code",
            None,
            None,
            "This scenario as the plain multiprocessing program that does the same",
        )
        self.export = make(
            "Export…",
            "Ctrl+E",
            sp.SP_FileDialogDetailedView,
            "Export the run: PNG, SVG, trace, summary or recording",
        )
        self.export_kinds = {
            kind: make(text) for kind, (text, _) in EXPORT_KINDS.items()
        }
        self.quit = make("Quit", QKeySequence.StandardKey.Quit)
        self.quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.fit = make("Fit", "Ctrl+F", None, "Show the whole run")
        self.zoom_in = make("Larger", "Ctrl+=", None, "Presentation zoom: larger")
        self.zoom_in.setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        self.zoom_out = make("Smaller", "Ctrl+-", None, "Presentation zoom: smaller")
        self.zoom_reset = make("Normal size", "Ctrl+0")
        self.about = make("About Procession")
        self.present = make(
            "Present",
            "F11",
            sp.SP_TitleBarMaxButton,
            "Presentation mode: the timeline alone, full screen, large text",
        )
        self.present.setCheckable(True)
        self.replay = make(
            "Replay",
            "Ctrl+R",
            sp.SP_MediaSeekBackward,
            "Replay the last run or a recording: slowly, step by step, or scrubbed",
        )
        self.replay.setCheckable(True)
        self.leave_presentation = make("Leave presentation", "Escape")
        self.show_helpers = make(
            "Show helper lanes",
            None,
            None,
            "Lanes of the library's own processes and threads (forkserver, "
            "resource tracker, a Queue's feeder thread, a Pool's handler threads)",
        )
        self.show_helpers.setCheckable(True)
        legend_texts = {
            "shown": "Legend: only what this run shows",
            "all": "Legend: everything",
            "hidden": "Legend: hidden",
        }
        themes = QActionGroup(self)
        self.themes = {}
        for name, text in THEME_NAMES.items():
            action = make(f"Theme: {text}")
            action.setCheckable(True)
            action.setChecked(name == "light")
            themes.addAction(action)
            self.themes[name] = action
        group = QActionGroup(self)
        self.legend_modes = {}
        for mode, text in legend_texts.items():
            action = make(text)
            action.setCheckable(True)
            action.setChecked(mode == "shown")
            group.addAction(action)
            self.legend_modes[mode] = action

    def build_menus(self, window: QMainWindow) -> None:
        bar = window.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.open)
        file_menu.addAction(self.new_program)
        file_menu.addAction(self.save)
        file_menu.addAction(self.save_as)
        file_menu.addSeparator()
        file_menu.addAction(self.show_code)
        file_menu.addSeparator()
        file_menu.addAction(self.export)
        exports = QMenu("Export as", file_menu)
        for action in self.export_kinds.values():
            exports.addAction(action)
        file_menu.addMenu(exports)
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        run_menu = bar.addMenu("&Run")
        for action in (self.run, self.stop):
            run_menu.addAction(action)
        run_menu.addSeparator()
        for action in (self.terminate, self.kill, self.kill_all):
            run_menu.addAction(action)
        view_menu = bar.addMenu("&View")
        for action in (self.fit, self.zoom_in, self.zoom_out, self.zoom_reset):
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.present)
        view_menu.addAction(self.replay)
        view_menu.addAction(self.show_helpers)
        for action in self.legend_modes.values():
            view_menu.addAction(action)
        view_menu.addSeparator()
        for action in self.themes.values():
            view_menu.addAction(action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about)

    def build_toolbar(self, window: QMainWindow) -> QToolBar:
        toolbar = QToolBar("Run")
        toolbar.setObjectName("runToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.run, self.stop, None, self.terminate, self.kill):
            toolbar.addSeparator() if action is None else toolbar.addAction(action)
        toolbar.addAction(self.kill_all)
        toolbar.addSeparator()
        for action in (self.open, self.save, self.export, None, self.fit):
            toolbar.addSeparator() if action is None else toolbar.addAction(action)
        toolbar.addAction(self.zoom_out)
        toolbar.addAction(self.zoom_in)
        toolbar.addAction(self.replay)
        toolbar.addAction(self.present)
        window.addToolBar(toolbar)
        self.toolbar = toolbar
        return toolbar

    def update_enabled(
        self,
        run: RunController,
        *,
        problems: list[str] | None,
        lane: Lane | None,
        closing: bool,
        program: bool = False,
    ) -> None:
        """Enable what makes sense now; say why in the tooltip when not.

        ``problems``: None when the edited scenario is valid. ``lane``: the
        selected worker lane (None for none or the main program).
        ``program``: a program (not a scenario) is shown.
        """
        valid = problems is None
        self.run.setEnabled(not run.active and valid and not closing)
        if problems is not None:
            n = len(problems)
            self.run.setToolTip(f"Fix {n} problem{'s' if n != 1 else ''} first")
        elif run.active:
            self.run.setToolTip("A run is in progress")
        else:
            self.run.setToolTip(f"Run the {'program' if program else 'scenario'} (F5)")
        self.stop.setEnabled(run.state == RunState.RUNNING)
        alive = run.live and lane is not None and lane.alive
        for action, signal in ((self.terminate, "SIGTERM"), (self.kill, "SIGKILL")):
            if lane is not None and lane.kind == "thread":
                action.setEnabled(False)
                action.setToolTip(THREADS_CANNOT)
            else:
                action.setEnabled(alive)
                action.setToolTip(
                    f"Send {signal} to the selected worker"
                    if lane is not None
                    else f"Select a worker lane to send it {signal}"
                )
        self.kill_all.setEnabled(
            run.live
            and any(
                w.kind == "process" and w.outcome is None
                for w in run.model.worker_lanes()
            )
        )
        self.open.setEnabled(not run.active)
        self.new_program.setEnabled(not run.active)
        self.show_code.setEnabled(not run.active and valid and not program)
        self.save.setEnabled(valid)
        self.save_as.setEnabled(valid)
        document = "program" if program else "scenario"
        self.save.setText(f"Save {document}…")
        self.save_as.setText(f"Save {document} as…")
        self.replay.setEnabled(not run.active and bool(run.model.events))
        exportable = run.model.started
        for action in (self.export, *self.export_kinds.values()):
            action.setEnabled(exportable)
