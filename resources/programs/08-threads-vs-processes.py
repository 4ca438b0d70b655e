"""Threads against processes on CPU-bound work.

The same pure-Python count runs twice at once: first in two threads, then in
two processes. Threads take turns holding the GIL, so on a machine with two
free cores the processes finish in about half the time.
"""

import multiprocessing
import threading
import time

N = 20_000_000


def count_down(n=N):
    while n > 0:
        n -= 1


def timed(kind, make):
    workers = [make(target=count_down) for _ in range(2)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(f"two {kind}: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    start = time.perf_counter()
    count_down()
    print(f"one count alone: {time.perf_counter() - start:.2f} s")
    timed("threads", threading.Thread)
    timed("processes", multiprocessing.Process)
