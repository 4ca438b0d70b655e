"""Threads and processes started without multiprocessing, traced: real
programs from tests/programs, run traced and plain; the output and exit
status must be the same, and the lanes must say what happened (kinds,
parents, outcomes, exit statuses, the user's lines)."""

from __future__ import annotations

import stat
import tempfile
from pathlib import Path

import pytest

from core.export.summary import summary, table
from core.export.trace import chrome_trace
from core.model.lanes import Lane, State
from core.model.outcomes import Outcome
from core.model.payloads import TargetRaised
from core.model.run_model import RunModel
from core.tracer.launcher import BLIND
from core.tracer.script_program import load_script
from tests.tracer.support import PROGRAMS, lane, run_traced, traced_python
from tests.tracer.test_programs import METHODS, traced_like_plain


def site(lane: Lane, kind: str) -> str:
    return next(m for m in lane.markers if m.kind == kind).site


def at(program: str, text: str) -> str:
    """``program:line`` of the (first) line holding ``text``."""
    lines = (PROGRAMS / program).read_text().splitlines()
    return f"{program}:{next(n for n, x in enumerate(lines, 1) if text in x)}"


def untracked(model: RunModel, name_start: str) -> Lane:
    found = [
        x
        for x in model.lanes.values()
        if x.kind == "untracked" and x.name.startswith(name_start)
    ]
    assert len(found) == 1, [x.name for x in model.lanes.values()]
    return found[0]


@pytest.mark.parametrize("method", METHODS)
def test_threads_are_lanes_under_their_process(method: str) -> None:
    model = traced_like_plain("threads.py", method)
    main = model.main
    for name in ("Thread-1 (work)", "Thread-2 (work)"):
        worker = lane(model, name)
        assert worker.kind == "thread" and worker.parent == 0 and not worker.helper
        assert worker.target == "__main__.work"
        assert worker.pid == main.pid and worker.tid not in (None, main.pid)
        assert worker.outcome is Outcome.OK and worker.exitcode is None
        assert site(worker, "start_called").endswith(at("threads.py", "worker.start()"))
        assert worker.segments[-1].state is State.JOINED
        assert worker.times["target_started"] < worker.times["target_ended"]
        assert worker.times["target_ended"] <= worker.times["joined"]
    # join(timeout=0.01) ran out; the watcher thread joined it later.
    slow, watcher = lane(model, "slow"), lane(model, "watcher")
    assert [m.kind for m in slow.markers].count("join_timeout") == 1
    assert site(slow, "join_called").endswith(at("threads.py", "slow.join(timeout"))
    assert slow.segments[-1].state is State.JOINED
    assert any(m.label == "join(slow)" for m in watcher.markers)
    assert watcher.times["target_ended"] >= slow.times["joined"]
    # A daemon thread left running died with its process, and says so.
    background = lane(model, "background")
    assert background.daemon and background.outcome is Outcome.LOST
    assert background.explanation is not None
    assert "daemon thread" in background.explanation.sentence
    # The Queue's feeder thread is multiprocessing's own: a helper.
    feeder = lane(model, "QueueFeederThread")
    assert feeder.kind == "thread" and feeder.helper and feeder.daemon
    written = {x["name"]: x for x in summary(model)["workers"]}
    assert written["QueueFeederThread"]["helper"] is True
    assert written["Thread-1 (work)"]["kind"] == "thread"
    assert written["Thread-1 (work)"]["helper"] is False
    rows = table(model).splitlines()  # the CLI's table marks it too
    assert any(r.strip().startswith("QueueFeederThread (helper)") for r in rows)
    assert any(r.strip().startswith("Thread-1 (work) ") for r in rows)
    # A child process's thread is under the child's lane.
    inner, child = lane(model, "inner"), lane(model, "Process-1")
    assert inner.parent == child.worker_id and inner.pid == child.pid
    assert inner.outcome is Outcome.OK
    tracks = {
        (e["pid"], e["tid"])
        for e in chrome_trace(model)["traceEvents"]
        if e.get("name") == "thread_name" and e["args"]["name"].startswith("inner")
    }
    assert tracks == {(child.pid, inner.tid)}  # the child's thread, in the child
    assert child.times["target_started"] < inner.times["start_called"]
    assert inner.times["joined"] <= child.times["target_ended"]


def test_a_thread_that_raises_prints_what_plain_python_prints() -> None:
    """traced_like_plain compares stderr: the tracebacks threading prints
    are plain Python's, with no frame of Procession's."""
    model = traced_like_plain("thread_raises.py")
    broken = lane(model, "Thread-1 (lookup)")
    assert broken.outcome is Outcome.ERROR
    assert isinstance(broken.report, TargetRaised)
    assert broken.report.type == "KeyError" and broken.report.message == "'missing'"
    assert 'thread_raises.py", line 10, in lookup' in broken.report.traceback
    assert "threading.py" not in broken.report.traceback
    leaver = lane(model, "leaver")
    assert leaver.outcome is Outcome.EXIT
    assert (
        leaver.explanation is not None and "sys.exit(3)" in leaver.explanation.sentence
    )
    custom = lane(model, "custom")
    assert custom.target == "__main__.Custom.run"
    assert isinstance(custom.report, TargetRaised)
    assert custom.report.type == "RuntimeError"
    assert "in run" in custom.report.traceback
    assert model.main.exitcode == 0


@pytest.mark.parametrize("method", METHODS)
def test_children_started_without_multiprocessing_are_untracked_lanes(
    method: str,
) -> None:
    model = traced_like_plain("untracked_children.py", method)
    main = model.main
    expected = {  # name → (exit status, text of the line that started it)
        "python -c import": (4, "subprocess.run([sys.executable"),
        "exit 3": (3, "os.system("),
        "os.fork()": (6, "os.fork()"),
        "sh -c exit 2": (2, "os.posix_spawn("),
        "sleep 10": (-9, '["sleep", "10"]'),
        "sleep 0.2": (0, '["sleep", "0.2"]'),
    }
    for name, (status, text) in expected.items():
        child = untracked(model, name)
        assert child.parent == 0, name
        assert child.exitcode == status, name
        started = site(child, "start_called")
        assert started.endswith(at("untracked_children.py", text)), name
    # os.system forks in C: no pid, unless it runs a Python (which speaks).
    assert untracked(model, "exit 3").pid is None
    shell_python = untracked(model, 'python -c "print(')
    assert shell_python.pid is not None and shell_python.exitcode == 0
    assert [x.text for x in shell_python.output] == ["python through the shell"]
    assert untracked(model, "os.fork()").pid not in (None, main.pid)
    # A Python child is traced too: its output is on its own lane.
    python_child = untracked(model, "python -c import")
    assert [x.text for x in python_child.output] == ["python child"]
    assert [x.text for x in untracked(model, "os.fork()").output] == ["forked child"]
    killed = untracked(model, "sleep 10")
    assert killed.outcome is Outcome.KILLED
    assert killed.signals[-1].by.endswith(at("untracked_children.py", "killed.kill()"))
    # Never waited for: the run's subreaper read its status after main ended.
    assert untracked(model, "sleep 0.2").times["exited"] > main.times["exited"]
    # A command run by a multiprocessing child is under the child's lane.
    true = untracked(model, "true")
    assert true.parent == lane(model, "Process-1").worker_id and true.exitcode == 0


def test_a_python_child_started_with_i_e_or_s_says_it_cannot_be_seen() -> None:
    model = traced_like_plain("isolated_child.py")
    isolated, blind = untracked(model, "python -I"), untracked(model, "python -E -S")
    assert isolated.exitcode == 0 and blind.exitcode == 5
    assert isolated.notices[0].startswith("started with -I: Procession cannot see")
    assert blind.notices[0].startswith("started with -E -S: Procession cannot see")
    assert isolated.output == [] and blind.output == []  # not hooked, not relayed
    written = {x["name"]: x for x in summary(model)["workers"]}
    assert written[isolated.name]["notices"] == isolated.notices
    assert written[isolated.name]["kind"] == "untracked"


def test_a_main_program_whose_interpreter_skips_the_hook_says_so() -> None:
    """--python names a wrapper that runs Python with -I: the run still
    shows the program's start, output and status, and says why no more."""
    with tempfile.TemporaryDirectory() as folder:
        wrapper = Path(folder) / "isolated-python"
        wrapper.write_text(f'#!/bin/sh\nexec {traced_python()} -I "$@"\n')
        wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
        script = str(PROGRAMS / "thread_raises.py")
        with tempfile.TemporaryFile() as out:
            model = run_traced(
                load_script(script, [], str(wrapper)), (out.fileno(), out.fileno())
            )
            out.seek(0)
            assert b"the main program goes on" in out.read()
    assert BLIND in model.main.notices
    assert model.main.exitcode == 0
    assert not any(x.kind == "thread" for x in model.lanes.values())


def test_a_keyboard_interrupt_inside_a_threads_join_shows_only_pythons_frames() -> None:
    model = traced_like_plain("interrupted_thread_join.py")  # stderr included
    assert isinstance(model.main.report, TargetRaised)
    assert model.main.report.type == "KeyboardInterrupt"
    sleeper = lane(model, "Thread-1 (sleep)")
    assert site(sleeper, "join_called").endswith(
        at("interrupted_thread_join.py", "sleeper.join()")
    )
    assert "join_returned" not in [m.kind for m in sleeper.markers]
    assert sleeper.outcome is Outcome.LOST  # a daemon, still asleep at the end


@pytest.mark.parametrize("method", METHODS)
def test_a_thread_dies_with_its_process_and_an_unstarted_one_never_ran(
    method: str,
) -> None:
    model = traced_like_plain("threads_cut_off.py", method)
    child, cut = lane(model, "Process-1"), lane(model, "cut off")
    assert cut.parent == child.worker_id and not cut.daemon
    assert child.exitcode == 0 and cut.outcome is Outcome.LOST
    assert cut.explanation is not None
    assert "its process ended while the thread was still running" in (
        cut.explanation.sentence
    )
    assert lane(model, "never started").outcome is Outcome.NOT_STARTED


@pytest.mark.parametrize("method", METHODS)
def test_the_hook_starts_no_thread(method: str) -> None:
    """Thread counts (Python's and the OS's) are printed and compared with
    the plain run's; a fork with an extra thread would raise on 3.12+."""
    model = traced_like_plain("no_extra_threads.py", method)
    assert [x.text for x in lane(model, "Process-1").output] == ["child 1 1"]
    assert not [x for x in model.lanes.values() if x.kind == "thread"]
