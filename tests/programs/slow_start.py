"""Start cost: this file imports, at the top, a module that takes over a
second to import (as large packages do), so every spawn or forkserver child,
which imports this file again, pays for it before its target runs. With
"light" the import sits inside the main block: children start quickly."""

import multiprocessing as mp
import sys

if sys.argv[2:] != ["light"]:
    import slow_import_table  # the point: a heavy import at the top


def work():
    print("working", flush=True)


if __name__ == "__main__":
    if sys.argv[2:] == ["light"]:
        import slow_import_table  # noqa: F401  (loaded once, for the main program)
    mp.set_start_method(sys.argv[1] if len(sys.argv) > 1 else "spawn")
    children = [mp.Process(target=work) for _ in range(2)]
    for p in children:
        p.start()
    for p in children:
        p.join()
    print("exitcodes", [p.exitcode for p in children], flush=True)
