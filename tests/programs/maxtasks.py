"""Workers replaced after a few tasks: Pool(maxtasksperchild=2) and, where
the start method allows it, ProcessPoolExecutor(max_tasks_per_child=2)."""

import multiprocessing as mp
import sys
from concurrent.futures import ProcessPoolExecutor


def square(n):
    return n * n


if __name__ == "__main__":
    context = mp.get_context(sys.argv[1])
    with context.Pool(1, maxtasksperchild=2) as pool:
        print("pool", pool.map(square, range(6), chunksize=1))
    if sys.argv[1] != "fork":  # max_tasks_per_child refuses fork
        with ProcessPoolExecutor(
            1, mp_context=context, max_tasks_per_child=2
        ) as executor:
            # One at a time: 3.11 can hang when a worker retires while
            # several tasks wait (CPython gh-115634).
            print("executor", [executor.submit(square, n).result() for n in range(4)])
