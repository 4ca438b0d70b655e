"""8 empty processes; prints the span from the first start() to the last
join() in nanoseconds, measured inside the program (so the same clock and
the same code, traced or not)."""

import multiprocessing as mp
import sys
import time


def nothing():
    pass


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    workers = [mp.Process(target=nothing) for _ in range(8)]
    began = time.perf_counter_ns()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print("SPAN", time.perf_counter_ns() - began)
