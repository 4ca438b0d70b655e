"""Status bar: run state, elapsed time, CPU count and start method at a glance."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from core.model import parallelism
from core.model.run_model import RunModel
from core.scenario.definition import Scenario

STATE_TEXT = {
    "ready": ("Ready: press Run (F5)", "#1d5e8c"),
    "running": ("● Running", "#0b7a47"),
    "stopping": ("■ Stopping…", "#a05a00"),
    "finished": ("✓ Finished", "#333333"),
    "broken": ("⚠ Broken: the main program died", "#b03a2e"),
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
        self._method_for: tuple[RunModel, str] | None = None
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
        cpus = model.info.get("cpu_count")
        if cpus:
            self.cpus.setText(f"{cpus} CPUs")
        # instances() walks every worker: compute once per model, not per tick.
        key = (model, str(model.info.get("default_start_method", "")))
        if self._method_for is None or (
            self._method_for[0] is not model or self._method_for[1] != key[1]
        ):
            self._method_for = key
            self.method.setText(self.method_text(model.scenario, model))
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
    def method_text(scenario: Scenario, model: RunModel | None = None) -> str:
        methods: list[str] = []
        for spec in scenario.instances():
            name = "threads" if spec.mode == "thread" else spec.start_method
            if name == "default" and model is not None:
                default = model.info.get("default_start_method")
                name = f"default ({default})" if default else name
            if name not in methods:
                methods.append(name)
        return "Start method: " + (", ".join(methods) or scenario.start_method)
