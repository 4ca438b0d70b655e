"""A spawn child whose re-import of this file imports a module that raises:
its traceback must read as it does without Procession (the tracer times a
child's imports without adding a frame of its own)."""

import multiprocessing as mp
import sys

if __name__ == "__mp_main__":
    import raises_at_import  # noqa: F401  (only the child gets here)


def work():
    print("never runs")


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1] if len(sys.argv) > 1 else "spawn")
    child = mp.Process(target=work)
    child.start()
    child.join()
    print("exitcode", child.exitcode, flush=True)
