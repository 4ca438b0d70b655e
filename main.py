"""Procession: see the lifecycle of Python processes and threads.

    python main.py                      open the window on the first lesson
    python main.py SCENARIO.toml        open the window on a scenario or recording
    python main.py run LESSON_OR_FILE   run headless and print a table
    python main.py lessons              list the built-in lessons

Keep this module's top level free of heavy imports: spawn and forkserver
children re-import the main module, and Qt/numpy at the top would cost each
child about 300 ms (DESIGN §5).
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:  # works from any working directory
    sys.path.insert(0, _HERE)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("run", "lessons", "-h", "--help"):
        try:
            return _command_line(argv)
        except BrokenPipeError:  # e.g. `| head` closed our stdout: not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    from gui.app import run_app

    return run_app(argv)


def _command_line(argv: list[str]) -> int:
    from core import cli

    args = cli.parse(argv)
    if args.command == "lessons":
        return cli.list_lessons(sys.stdout)
    status, model = cli.run(args, sys.stdout)
    if model is not None and (args.png or args.svg):
        from core.export.output_files import write_each
        from gui.export.headless_render import render_files

        pictures = [
            ("--png", args.png, lambda path: render_files(model, png=path)),
            ("--svg", args.svg, lambda path: render_files(model, svg=path)),
        ]
        chosen = [picture for picture in pictures if picture[1]]
        if not write_each(chosen, lambda line: print(line, file=sys.stderr)):
            status = status or 1  # the run's own status (130, 143) comes first
    return status


if __name__ == "__main__":
    sys.exit(main())
