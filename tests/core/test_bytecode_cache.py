"""Spawn workers read compiled bytecode even where none may be written.

With ``PYTHONDONTWRITEBYTECODE=1`` nothing writes ``__pycache__``, so before
``core.engine.bytecode_cache`` every spawn worker compiled Procession's worker
modules from source (+10-12 ms each). The speed is measured in ``bench``; these
tests check the mechanism: a run leaves fresh bytecode where the import system
looks, and a second preparation compiles nothing.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

import core.worker.bootstrap
import core.worker.wire
from core.engine import bytecode_cache
from core.tracer.hook import HOOK_DIR
from core.tracer.script_program import load_script
from tests.helpers import run, scenario
from tests.tracer.support import PYTHONS

WORKER_MODULES = [Path(core.worker.bootstrap.__file__), Path(core.worker.wire.__file__)]


@pytest.fixture
def no_bytecode_written(monkeypatch):
    """The environment of a locked-down machine, with our bytecode removed."""
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    for source in WORKER_MODULES:
        cached = importlib.util.cache_from_source(str(source))
        if os.path.exists(cached):
            os.remove(cached)


def test_a_spawn_run_leaves_fresh_bytecode_for_its_workers(no_bytecode_written):
    model = run(scenario([{"name": "w", "target": "noop"}], start_method="spawn"))
    assert [lane.outcome for lane in model.worker_lanes()] == ["ok"]
    for source in WORKER_MODULES:
        cached = importlib.util.cache_from_source(str(source))
        assert bytecode_cache.is_fresh(source, cached), cached


def test_fresh_bytecode_is_not_compiled_again(no_bytecode_written):
    assert bytecode_cache.prepare_bytecode() >= len(WORKER_MODULES)
    assert bytecode_cache.prepare_bytecode() == 0


def test_a_changed_source_is_compiled_again(no_bytecode_written, tmp_path):
    source = tmp_path / "module.py"
    source.write_text("X = 1\n")
    cached = importlib.util.cache_from_source(str(source))
    assert not bytecode_cache.is_fresh(source, cached)
    import py_compile

    py_compile.compile(str(source), cfile=cached, doraise=True)
    assert bytecode_cache.is_fresh(source, cached)
    source.write_text("X = 22\n")  # a different size: stale
    assert not bytecode_cache.is_fresh(source, cached)


def test_nothing_is_done_where_bytecode_is_written(monkeypatch):
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    monkeypatch.setattr("sys.dont_write_bytecode", False)
    assert bytecode_cache.prepare_bytecode() is None


@pytest.mark.parametrize("version", ["3.11", "3.12", "3.13"])
def test_a_traced_program_finds_the_hook_compiled_for_its_python(
    no_bytecode_written, version, tmp_path
):
    """Every traced process imports the hook: compiled once per interpreter
    before the run (3.12 and 3.13 processes each compiled it, +20-40 ms)."""
    python = PYTHONS[version]
    if not python:
        pytest.skip(f"no Python {version} on this machine")
    tag = f"cpython-{version.replace('.', '')}"
    cache = Path(HOOK_DIR) / "__pycache__"
    for stale in cache.glob(f"*.{tag}.pyc"):
        stale.unlink()
    script = tmp_path / "script.py"
    script.write_text("print('hi')\n")
    load_script(str(script), [], python)
    modules = sorted(p.stem for p in Path(HOOK_DIR).glob("*.py"))
    assert sorted(p.name.split(".")[0] for p in cache.glob(f"*.{tag}.pyc")) == modules
