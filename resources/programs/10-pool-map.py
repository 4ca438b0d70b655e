"""Pool.map: a fixed team of worker processes shares out many tasks."""

import multiprocessing
import os


def square(x):
    return x * x


def who(x):
    return os.getpid()


if __name__ == "__main__":
    with multiprocessing.Pool(processes=2) as pool:
        print(pool.map(square, range(10)))
        workers = set(pool.map(who, range(20), chunksize=1))
        print(f"the 20 tasks ran in {len(workers)} of the pool's 2 worker processes")
