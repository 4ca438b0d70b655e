"""Pool.map: a team of worker processes shares out many tasks.

Eight tasks of a quarter second each, two workers: a worker takes the next
task as soon as it is free, so the whole map takes about 1 s, not 2. On the
timeline each task is a span on the lane of the worker that ran it.
"""

import multiprocessing
import time


def slow_square(x):
    time.sleep(0.25)  # stands for real work
    return x * x


if __name__ == "__main__":
    start = time.perf_counter()
    with multiprocessing.Pool(processes=2) as pool:
        print(pool.map(slow_square, range(8), chunksize=1))
    print(f"8 tasks of 0.25 s on 2 workers took {time.perf_counter() - start:.1f} s")
