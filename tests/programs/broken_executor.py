"""One task ends its worker with os._exit(): the ProcessPoolExecutor breaks
and every unfinished future fails with BrokenProcessPool. With "raise" the
task raises instead: the worker lives on and only that future fails."""

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context


def task(n, how):
    if n == 0:
        time.sleep(0.2)
        if how == "raise":
            raise ValueError("task 0 failed")
        os._exit(3)
    time.sleep(0.5)
    return n


if __name__ == "__main__":
    how = sys.argv[2] if len(sys.argv) > 2 else "exit"
    context = get_context(sys.argv[1])
    with ProcessPoolExecutor(2, mp_context=context) as executor:
        futures = [executor.submit(task, n, how) for n in range(4)]
        for future in futures:
            try:
                print("result", future.result(timeout=30), flush=True)
            except BrokenProcessPool:
                print("BrokenProcessPool", flush=True)
            except ValueError as error:
                print("error", error, flush=True)
