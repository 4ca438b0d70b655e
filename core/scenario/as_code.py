"""A scenario as the plain ``multiprocessing`` program that does the same.

"Show as code" is the bridge from the form to real Python: the program it
writes runs with ``python file.py`` (no Procession needed) and does what the
conductor's main program does (:mod:`core.engine.scenario_player`), in the
same order: each stage's workers started at their start delays, then joined
(with the join timeout), timed actions as sleeps and calls, daemon children
left to multiprocessing's exit clean-up when nothing joins them. At the very
end it prints how each child ended, so a run of it can be compared with the
scenario's.
"""

from __future__ import annotations

import ast
import io
import keyword
import re
import tokenize

from core.scenario.as_code_actions import STOP_WORKER, stoppable_targets
from core.scenario.as_code_main import main_block
from core.scenario.as_code_targets import source_of, with_helpers
from core.scenario.definition import Scenario, WorkerGroup
from core.scenario.target_catalog import CUSTOM

MODULES = (
    "atexit",
    "builtins",
    "ctypes",
    "multiprocessing",
    "os",
    "signal",
    "subprocess",
    "sys",
    "threading",
    "time",
)
HELPER_NAMES = ("report", "sleep_until", "stop_worker", "workers", "t0", "stage_start")


def scenario_as_code(scenario: Scenario) -> str:
    """The program's source text (ends with a newline)."""
    targets = sorted({g.target for g in scenario.workers if g.target != CUSTOM})
    plain = with_helpers(targets)
    taken = set(plain) | set(MODULES) | set(HELPER_NAMES)
    variables = group_variables(scenario.workers, taken)
    taken |= set(variables.values())
    custom_code, functions = _custom_blocks(scenario.workers, taken)
    main, uses = main_block(scenario, variables, functions)
    imports = {"atexit", "multiprocessing", "time"} | uses
    stoppable = stoppable_targets(scenario)
    for name in plain:
        imports |= set(source_of(name, stoppable).imports)
    parts = [_docstring(scenario), "\n".join(f"import {m}" for m in sorted(imports))]
    parts += [source_of(name, stoppable).source for name in plain]
    parts += custom_code
    parts.append(_REPORT)
    if "sleep_until" in main:
        parts.append(_SLEEP_UNTIL)
    if "stop_worker" in main:
        parts.append(STOP_WORKER)
    return "\n\n\n".join(p.rstrip("\n") for p in parts) + "\n\n\n" + main


def _docstring(scenario: Scenario) -> str:
    lines = [scenario.title.strip() or "Untitled scenario"]
    if scenario.description.strip():
        lines += ["", scenario.description.strip()]
    lines += [
        "",
        'Written by Procession\'s "Show as code" from the scenario: the plain',
        "multiprocessing program that does the same. Run it with: python FILE.py",
    ]
    text = "\n".join(lines).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'"""{text}\n"""'


_REPORT = '''def report():
    """How each child ended. Registered with atexit before any child starts,
    so it runs last: after Python's own exit clean-up has ended them."""
    for worker in workers:
        exitcode = getattr(worker, "exitcode", "none (a thread)")
        print(f"{worker.name}: exitcode {exitcode}")'''

_SLEEP_UNTIL = '''def sleep_until(moment):
    """Sleep until time.monotonic() reaches `moment`."""
    time.sleep(max(0.0, moment - time.monotonic()))'''


def group_variables(groups: tuple[WorkerGroup, ...], taken: set[str]) -> dict[str, str]:
    """A Python variable name for each group (its name, made an identifier)."""
    names: dict[str, str] = {}
    used = set(taken)
    for group in groups:
        base = re.sub(r"\W", "_", group.name, flags=re.ASCII)
        if base[0].isdigit():
            base = "group_" + base
        if keyword.iskeyword(base) or base in used:
            base += "_worker" if group.count == 1 else "_workers"
        name, n = base, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        names[group.name] = name
    return names


def _custom_blocks(
    groups: tuple[WorkerGroup, ...], taken: set[str]
) -> tuple[list[str], dict[str, str]]:
    """Each distinct custom code once, its top-level names renamed where they
    would clash, and the function each custom group runs (by group name)."""
    blocks: list[str] = []
    seen: dict[str, dict[str, str]] = {}
    functions: dict[str, str] = {}
    for group in groups:
        if group.target != CUSTOM:
            continue
        if group.code not in seen:
            renames = _renames(top_level_names(group.code), taken)
            taken |= {renames.get(n, n) for n in top_level_names(group.code)}
            seen[group.code] = renames
            blocks.append(rename(group.code, renames))
        functions[group.name] = seen[group.code].get(group.function, group.function)
    return blocks, functions


def top_level_names(code: str) -> set[str]:
    """Names the code defines at module level (functions, classes, variables)."""
    names: set[str] = set()
    for node in ast.parse(code).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def _renames(names: set[str], taken: set[str]) -> dict[str, str]:
    renames: dict[str, str] = {}
    for name in sorted(names & taken):
        new, n = f"{name}_2", 3
        while new in taken or new in names:
            new, n = f"{name}_{n}", n + 1
        renames[name] = new
    return renames


def rename(code: str, renames: dict[str, str]) -> str:
    """``code`` with every NAME token in ``renames`` replaced (comments,
    strings and attribute names after a dot are left alone)."""
    if not renames:
        return code
    lines = code.splitlines(keepends=True)
    hits: list[tuple[int, int, int, str]] = []
    previous = ""
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.NAME and token.string in renames and previous != ".":
            row, col = token.start
            hits.append((row, col, col + len(token.string), renames[token.string]))
        if token.type not in (tokenize.NL, tokenize.COMMENT):
            previous = token.string
    for row, start, end, new in reversed(hits):
        line = lines[row - 1]
        lines[row - 1] = line[:start] + new + line[end:]
    return "".join(lines)
