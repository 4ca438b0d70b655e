"""The headless command line: ``python main.py run …`` and ``python main.py lessons``.

``run`` exits 0 once the run finished, whatever the workers did (their outcomes
are the result, not an error) — except for a traced program (``run x.py``),
which exits with the script's own status (128 + N if a signal N ended it, as a
shell reports it); 2 for invalid input (scenario, script, option, output
path), with one message naming the file, field and line, before anything
starts; 1 if an output file could not be written at the end (the others are
written); 130/143 after Ctrl+C / SIGTERM, once every worker has been stopped
and reported (a second signal skips straight to SIGKILL).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, ClassVar, TextIO

from core.export import output_files
from core.input_checks import InputError, Problem, parse_float_text
from core.model.kinds import EventKind
from core.stop_signals import StopSignals
from core.terminal_text import visible, visible_lines

# Imported where they are used: a traced program's run starts the script
# sooner when the command line has imported only what starting it needs (the
# model, the hazards and the exports load while it already runs).
if TYPE_CHECKING:
    from core.engine.conductor_link import ConductorLink
    from core.engine.program import ScenarioProgram
    from core.model.events import Event
    from core.model.run_model import RunModel
    from core.scenario.definition import Scenario
    from core.tracer.script_program import ScriptProgram

MODES = ("process", "thread")
START_METHODS = ("spawn", "fork", "forkserver", "default")
"""core.scenario.definition's (a test pins them equal): importing that module
here would cost a traced script ~15 ms before its first line."""

HURRY_LIMIT = 2.0
"""Seconds the run may take to end after a second signal sent SIGKILL to every
worker; then the link ends it by force (after the first signal: FORCE_AFTER)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="procession",
        description="See the lifecycle of Python processes and threads. Without "
        "a command, opens the window (optionally on SCENARIO.toml).",
    )
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser(
        "run", help="run a scenario, a lesson or your own .py program without a window"
    )
    run.add_argument(
        "scenario",
        metavar="SCENARIO_FILE_OR_LESSON_OR_SCRIPT",
        help="a .toml file, a lesson name or number (see 'lessons'), or a .py "
        "program to run traced (what follows it is the program's own arguments)",
    )
    run.set_defaults(program_args=[])
    run.add_argument(
        "--python",
        metavar="PATH",
        help="run a .py program with this interpreter (3.11 or newer)",
    )
    run.add_argument(
        "--start-method",
        choices=START_METHODS,
        help="force this start method on every worker (a .py program: its "
        "default start method; a script that chooses its own keeps it)",
    )
    run.add_argument("--mode", choices=MODES, help="force processes or threads")
    run.add_argument("--summary", metavar="FILE", help="write the summary JSON here")
    run.add_argument(
        "--trace", metavar="FILE", help="write a Chrome/Perfetto trace JSON here"
    )
    run.add_argument(
        "--record", metavar="FILE", help="write a recording the window can reopen"
    )
    run.add_argument("--png", metavar="FILE", help="render the timeline to PNG")
    run.add_argument("--svg", metavar="FILE", help="render the timeline to SVG")
    run.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_seconds,
        help="stop the run (cooperatively, then by signals) after this",
    )
    run.add_argument(
        "--sample-hz",
        metavar="HZ",
        type=_rate,
        default=5.0,
        help="psutil samples per second (default 5; 0 turns sampling off)",
    )
    run.add_argument(
        "--quiet", action="store_true", help="no live log; print only the final table"
    )
    commands.add_parser("lessons", help="list the built-in lessons")
    return parser


_FLAGS = {"--quiet", "-h", "--help"}


def parse(argv: list[str]) -> argparse.Namespace:
    """Parse the command line: after a ``.py`` program, every word is the
    program's own (as with ``python x.py ARGS``), options included."""
    split = len(argv)
    if argv[:1] == ["run"]:
        position = 1
        while position < len(argv):
            word = argv[position]
            if word.startswith("-") and "=" not in word and word not in _FLAGS:
                position += 2  # an option and its value
                continue
            if not word.startswith("-"):
                split = position + 1 if word.endswith(".py") else split
                break
            position += 1
    args = build_parser().parse_args(argv[:split])
    if hasattr(args, "program_args"):
        args.program_args = argv[split:]
    return args


def _seconds(text: str) -> float:
    try:
        return parse_float_text(text, 0.0, 86_400.0)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _rate(text: str) -> float:
    try:
        return parse_float_text(text, 0.0, 50.0)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def load_program(args: argparse.Namespace) -> ScenarioProgram | ScriptProgram:
    """What ``run`` runs (InputError if invalid): a ``.py`` file is a traced
    program; anything else a scenario or lesson."""
    if args.scenario.endswith(".py"):
        from core.tracer.script_program import load_script_args

        return load_script_args(args)
    from core.engine.program import ScenarioProgram

    return ScenarioProgram(load(args))


def load(args: argparse.Namespace) -> Scenario:
    """The scenario to run, with overrides applied (InputError if invalid)."""
    from core.scenario import toml_io
    from core.scenario.overrides import with_overrides

    if args.program_args or args.python:
        what = "arguments after it" if args.program_args else "--python"
        raise InputError(
            [Problem("", f"{what}: only for a .py program")], args.scenario
        )
    scenario = toml_io.load_scenario_or_lesson(args.scenario)
    if args.mode or args.start_method:
        try:
            scenario = with_overrides(scenario, args.mode, args.start_method)
        except InputError as error:
            flag = "--mode" if args.mode else "--start-method"
            raise InputError(error.problems, f"{args.scenario} with {flag}") from None
    return scenario


def list_lessons(out: TextIO) -> int:
    from core.scenario import toml_io

    for lesson in toml_io.list_lessons():
        out.write(f"{lesson.name:<36} {lesson.title}\n")
    return 0


def run(args: argparse.Namespace, out: TextIO) -> tuple[int, RunModel | None]:
    """Run headless; returns (exit status, model)."""
    try:
        program = load_program(args)
    except InputError as error:
        print(f"procession: {visible_lines(error.describe())}", file=sys.stderr)
        return 2, None
    bad_outputs = output_files.check_paths(requested_outputs(args))
    if bad_outputs:
        for line in bad_outputs:
            print(f"procession: {line}", file=sys.stderr)
        return 2, None
    from core.engine.run_to_end import run_to_end
    from core.tracer.script_program import ScriptProgram, script_status

    logs: list[LiveLog] = []  # made with the model, once the run has started
    idle: list[bool] = []
    signals = StopSignals()
    stopping = {"asked": False, "hurried": False}

    def on_events(link: ConductorLink, model: RunModel, events: list[Event]) -> None:
        if not args.quiet and not logs:
            logs.append(LiveLog(model, out))
        log = logs[0] if logs else None
        if log:
            log.write(events)
        if not events and not idle:  # a quiet moment: load what the end needs
            idle.append(True)
            _reporting()
        if signals.status and not stopping["asked"]:
            stopping["asked"] = True
            out.write("\nStopping every worker…\n")
            link.request_shutdown()  # and the link ends it by force if need be
        if signals.hurry and not stopping["hurried"]:
            stopping["hurried"] = True
            if log:
                log.out.write("Second signal: killing every worker now (SIGKILL)\n")
            link.send("kill")
            link.end_within(HURRY_LIMIT)

    def on_timeout() -> None:
        if logs:
            reached = f"--timeout {args.timeout:g} s reached: stopping the run\n"
            logs[0].out.write(reached)

    signals.install()
    try:
        model = run_to_end(
            program,
            sample_hz=args.sample_hz,
            stop_after=args.timeout,
            on_events=on_events,
            on_stop_after=on_timeout,
            fork_conductor=isinstance(program, ScriptProgram),
        )
    except InputError as error:  # the machine cannot run it (pre-flight)
        signals.restore()
        print(f"procession: {visible_lines(error.describe())}", file=sys.stderr)
        return 2, None
    summary, detect, hazard_report = _reporting()
    status = signals.status
    if isinstance(program, ScriptProgram):
        status = script_status(model.main.exitcode, status)
    try:
        out.write("\n" + visible_lines(summary.table(model)) + "\n")
        hazards = hazard_report.as_text(model, detect(model))
        if hazards:
            out.write("\n" + visible_lines(hazards) + "\n")
        if not _write_outputs(args, model) and status == 0:
            status = 1
    finally:
        signals.restore()  # a signal while the results were written: ignored
    return status, model


def _reporting() -> tuple[Any, Any, Any]:
    """The modules of the final table and hazards: imported after the start
    (a traced script starts sooner), during the run's first quiet moment."""
    from core.export import summary
    from core.hazards import detect
    from core.hazards import report as hazard_report

    return summary, detect, hazard_report


def requested_outputs(args: argparse.Namespace) -> dict[str, str]:
    return output_files.requested({n: getattr(args, n) for n in output_files.OPTIONS})


def _write_outputs(args: argparse.Namespace, model: RunModel) -> bool:
    """Write the data outputs (main.py draws --png/--svg); False if one failed."""
    chosen = requested_outputs(args)
    if not chosen:
        return True
    from core.export import recording, summary, trace

    writers = {
        "--summary": lambda path: summary.save(model, path),
        "--trace": lambda path: trace.save(model, path),
        "--record": lambda path: recording.save(model, path),
    }
    return output_files.write_each(
        [
            (option, chosen[option], w)
            for option, w in writers.items()
            if option in chosen
        ],
        lambda line: print(line, file=sys.stderr),
    )


class LiveLog:
    """One line per lifecycle event, as it happens (the teacher's terminal view)."""

    _SKIP: ClassVar[set[EventKind]] = {
        EventKind.SAMPLE,
        EventKind.START_RETURNED,
        EventKind.OUTPUT_DROPPED,
        EventKind.FD_OUTPUT_DROPPED,
        EventKind.RUN_FINISHED,
        EventKind.LANE_ADDED,
    }

    def __init__(self, model: RunModel, out: TextIO) -> None:
        self.model = model
        self.out = out

    def write(self, events: list[Event]) -> None:
        for event in events:
            if event.kind in self._SKIP:
                continue
            line = self._describe(event)
            if line:
                t = self.model.rel(event.t_ns)
                name = self.model.lanes[event.lane].name
                # Worker text must not drive the terminal (issue 9, defect 19).
                self.out.write(f"{t:8.3f}  {visible(name):<14} {visible(line)}\n")
        self.out.flush()

    def _describe(self, event: Event) -> str:
        from core.model import payloads as p
        from core.model.payload_codec import payload_to_dict

        lane = self.model.lanes[event.lane]
        caller = self.model.lanes.get(getattr(event.data, "caller", -1))
        by = (
            "the main program"
            if caller is None or caller.kind == "main"
            else caller.name
        )
        match event.data:
            case p.RunStarted(pid=pid, cpu_count=cpus, python=python):
                return f"started (pid {pid}, {cpus} CPUs, Python {python})"
            case p.Call() if event.kind is EventKind.START_CALLED:
                return f"start() called ({lane.start_method})"
            case p.Booted(pid=pid, ppid=ppid):
                return f"booted: pid {pid}, parent {ppid}"
            case p.TargetStarted(target=target, args=args):
                return f"running {target}({_args(args)})"
            case p.Output(text=text) | p.FdOutput(text=text):
                return f"| {text}"
            case p.TargetReturned(value=value):
                return f"target returned {value}"
            case p.TargetRaised(type=kind, message=message):
                return f"target raised {kind}: {message}"
            case p.TargetExited(code=code):
                return f"target called sys.exit({code})"
            case p.Exited():
                return f"ended: {lane.explanation.sentence if lane.explanation else ''}"
            case p.JoinCalled():
                return f"join() called by {by}"
            case p.JoinReturned(timed_out=timed_out):
                return "join() timed out" if timed_out else "join() returned"
            case p.MainFinished():
                return "main program's code finished"
            case p.SignalSent(signal=name, by=sender):
                return f"{name} sent by {sender}"
            case p.StopRequested(reason=reason):
                return f"stop requested ({reason})"
            case _:
                text = str(event.kind).replace("_", " ")
                details = ", ".join(
                    f"{k}={v}"
                    for k, v in payload_to_dict(event.data).items()
                    if k not in ("traceback", "log_tail", "caller")
                )
                return f"{text} {details}".rstrip()


def _args(args: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in args.items())
