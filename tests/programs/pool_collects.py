"""A Pool's (or an executor's) workers end and are collected by the pool
itself (a Pool polls their exit codes: the program has no join() to call),
then the program works 1.5 s more: no worker is left a zombie.
argv: start method, "pool" or "executor"."""

import multiprocessing as mp
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def square(n):
    return n * n


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    if sys.argv[2] == "pool":
        with mp.Pool(2) as pool:
            print(pool.map(square, range(4)), flush=True)
    else:
        with ProcessPoolExecutor(2) as executor:
            print(list(executor.map(square, range(4))), flush=True)
    time.sleep(1.5)  # more work, after the pool collected its workers
    print("done", flush=True)
