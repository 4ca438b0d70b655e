"""A Pool and a ProcessPoolExecutor: their tasks are not traced yet, but
their workers are lanes, and the program behaves as it does plain."""

import multiprocessing as mp
import sys
from concurrent.futures import ProcessPoolExecutor


def square(n):
    return n * n


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    with mp.Pool(2) as pool:
        print("pool", pool.map(square, range(6)))
    with ProcessPoolExecutor(2) as executor:
        print("executor", list(executor.map(square, range(6))))
