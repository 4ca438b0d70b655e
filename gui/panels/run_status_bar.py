"""Status bar: run state, elapsed time, CPU count and start method at a glance."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from core.model import parallelism
from core.model.run_model import RunModel

STATE_TEXT = {
    "ready": ("Ready: press Run (F5)", "#1d5e8c"),
    "running": ("● Running", "#0b7a47"),
    "stopping": ("■ Stopping…", "#a05a00"),
    "finished": ("✓ Finished", "#333333"),
    "broken": ("⚠ Broken: the main program died", "#b03a2e"),
    "forced": ("⚠ Ended by force: the run did not stop in time", "#b03a2e"),
    "review": ("Recording (review)", "#6c3483"),
    "invalid": ("✗ Cannot run: ", "#b03a2e"),
}


class RunStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = QLabel()
        self.elapsed = QLabel()
        self.cpus = QLabel(f"{os.cpu_count() or '?'} CPUs")
        self.cpus.setToolTip("CPU cores on this machine (os.cpu_count())")
        self.method = QLabel()
        self.gauge = QLabel()
        self.gauge.setToolTip(
            "Effective parallelism: CPU time summed over the workers ÷ wall time"
        )
        self._method_for: tuple[RunModel, int, str] | None = None
        self._gauge_for: RunModel | None = None
        for label in (self.state, self.elapsed, self.gauge, self.cpus, self.method):
            label.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(label)
        self.set_state("ready")

    def set_state(self, state: str, extra: str = "") -> None:
        text, colour = STATE_TEXT.get(state, (state, "#333333"))
        self.state.setText(f"<b style='color:{colour}'>{text}</b>{extra}")

    def update_run(self, model: RunModel) -> None:
        elapsed = model.now() if model.started else 0.0
        self.elapsed.setText(f"Elapsed {elapsed:.2f} s")
        if model.info.cpu_count:
            self.cpus.setText(f"{model.info.cpu_count} CPUs")
        # Walks every lane: compute once per model and lane count, not per tick.
        key = (model, len(model.lanes), model.info.default_start_method)
        if self._method_for != key:
            self._method_for = key
            self.method.setText(self.method_text(model))
        if model.finished and self._gauge_for is not model:
            self._gauge_for = model  # the samples are final: measure once
            self._show_gauge(model)
        elif not model.finished and self._gauge_for is not None:
            self._gauge_for = None
            self.gauge.setText("")

    def _show_gauge(self, model: RunModel) -> None:
        groups = parallelism.by_group(model)
        if not groups:
            self.gauge.setText("")
            return
        best = max(groups, key=lambda g: g.effective)
        cpus = parallelism.cpu_count(model) or "?"
        warned = parallelism.warning(model)
        colour = "#a05a00" if warned else "#333333"
        self.gauge.setText(
            f"<span style='color:{colour}'>{'⚠ ' if warned else ''}"
            f"Parallelism {best.effective:.1f} of {cpus} CPUs</span>"
        )
        self.gauge.setToolTip(
            "Effective parallelism (CPU time ÷ wall time) per group: "
            + parallelism.summary(model)
            + (f"\n\n{warned}" if warned else "")
        )

    @staticmethod
    def method_text(model: RunModel) -> str:
        methods: list[str] = []
        default = model.info.default_start_method
        for lane in model.worker_lanes():
            name = "threads" if lane.kind == "thread" else lane.start_method
            if name == "default" and default:
                name = f"default ({default})"
            if name and name not in methods:  # untracked processes have none
                methods.append(name)
        return "Start method: " + (", ".join(methods) or model.info.start_method)
