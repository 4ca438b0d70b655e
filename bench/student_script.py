"""The honest baseline: the script a student would write, run as a file.

    python student_script.py METHOD COUNT noop|sleep [SECONDS]

Run by ``bench`` as ``REAL_PYTHON student_script.py`` (the interpreter binary
itself, not a pyenv shim or a venv wrapper), so a spawn or forkserver child
imports exactly this file (as ``__mp_main__``) and what it needs: the standard
library's ``multiprocessing``, ``sys`` and ``time``, nothing else. Its workers
do what Procession's built-in targets do and nothing more: no timestamps, no
pipes, no reporting. Only the parent's clock is read, around the same calls
Procession's conductor times (first ``start()`` → last ``join()`` returned),
and printed as the last line: ``span_ns N exitcodes C1,C2,...``.

Keep it a plain script: no imports from ``bench``, nothing at module level
but imports and functions.
"""

import multiprocessing
import sys
import time


def noop():
    pass


def sleep(seconds):
    print("I'm going to sleep")
    time.sleep(seconds)
    print("I'm awake")


if __name__ == "__main__":
    method, count, target = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    args = (float(sys.argv[4]),) if target == "sleep" else ()
    ctx = multiprocessing.get_context(method)
    processes = []
    first_start = time.monotonic_ns()
    for _ in range(count):
        process = ctx.Process(target=noop if target == "noop" else sleep, args=args)
        process.start()
        processes.append(process)
    for process in processes:
        process.join()
    last_join = time.monotonic_ns()
    codes = ",".join(str(p.exitcode) for p in processes)
    print(f"span_ns {last_join - first_start} exitcodes {codes}", flush=True)
