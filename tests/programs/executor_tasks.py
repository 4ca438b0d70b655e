"""A ProcessPoolExecutor's tasks: submit() that returns and one that
raises, and map() in chunks of two."""

import multiprocessing as mp
import sys
from concurrent.futures import ProcessPoolExecutor


def invert(x):
    return 1 / x


if __name__ == "__main__":
    context = mp.get_context(sys.argv[1])
    with ProcessPoolExecutor(2, mp_context=context) as executor:
        good, bad = executor.submit(invert, 4), executor.submit(invert, 0)
        print("submit", good.result(), repr(bad.exception()))
        print("map", list(executor.map(invert, [1, 2, 4, 5, 10], chunksize=2)))
