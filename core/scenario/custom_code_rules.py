"""What makes custom code unrunnable, found by compiling it (never running it).

The scenario rules and the code editor ask the same question of the same
text, so it lives here once.
"""

from __future__ import annotations

import ast


def custom_code_problem(
    code: str, function: str, arg_names: frozenset[str] | set[str] = frozenset()
) -> tuple[int | None, str] | None:
    """(line in the code, message) if the code cannot be run as asked.

    Compiles only; nothing is executed.
    """
    try:
        tree = ast.parse(code, filename="<custom code>")
    except SyntaxError as error:
        return error.lineno, f"SyntaxError at code line {error.lineno}: {error.msg}"
    except (ValueError, RecursionError, MemoryError) as error:
        return None, f"the code cannot be compiled: {error}"
    defs = [
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function
    ]
    if not defs:
        names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
        known = ", ".join(names) if names else "none"
        line, why = _why_not_top_level(tree, function)
        return line, (
            f"the code defines no top-level function {function!r}"
            + (f": {why}" if why else f" (functions defined: {known})")
        )
    params = defs[-1].args
    if params.kwarg is None:
        accepted = {a.arg for a in params.args + params.kwonlyargs}
        unknown = sorted(arg_names - accepted)
        if unknown:
            return defs[-1].lineno, (f"{function}() takes no argument {unknown[0]!r}")
    return None


def _why_not_top_level(tree: ast.Module, function: str) -> tuple[int | None, str]:
    """(code line, reason) when ``function`` exists in the code but not as a
    top-level ``def`` that a worker can find; (None, "") if it is not there.

    Every worker imports the code as a module (not as ``__main__``) and looks
    the function up by name, as spawn and forkserver children must.
    """
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == function for t in targets):
                if isinstance(node.value, ast.Lambda):
                    return node.lineno, (
                        f"{function!r} is bound to a lambda (code line "
                        f"{node.lineno}). Workers find their function by name, "
                        "and multiprocessing cannot send a lambda to a spawn or "
                        "forkserver child at all: pickle refers to a function by "
                        "its own name, and a lambda's is '<lambda>'. Write "
                        f"def {function}(...): at the top level instead"
                    )
                return node.lineno, (
                    f"{function!r} is assigned (code line {node.lineno}), not "
                    f"defined with def; write def {function}(...): at the top level"
                )
    for outer in tree.body:
        for inner in ast.walk(outer):
            if (
                isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef)
                and inner.name == function
            ):
                return inner.lineno, _nested_reason(outer, inner, function)
    return None, ""


def _nested_reason(outer: ast.stmt, node: ast.stmt, function: str) -> str:
    if node is outer:  # a top-level async def
        return (
            f"{function!r} is an async def (code line {node.lineno}); calling it "
            "would only create a coroutine. Use a plain def that runs "
            "asyncio.run(...) if you need one"
        )
    if isinstance(outer, ast.If) and "__main__" in ast.unparse(outer.test):
        place = 'inside if __name__ == "__main__":'
    elif isinstance(outer, ast.FunctionDef | ast.AsyncFunctionDef):
        place = f"inside the function {outer.name}()"
    elif isinstance(outer, ast.ClassDef):
        place = f"inside the class {outer.name}"
    else:
        place = f"inside the block at code line {outer.lineno}"
    return (
        f"it is defined only {place} (code line {node.lineno}). Each worker "
        "imports this code as a module, where that block does not define it, "
        f"and looks {function!r} up by name (spawn and forkserver children "
        "can only find a function that way); move the def to the top level of "
        "the code"
    )
