"""A Pool's tasks of every kind: map in chunks, imap one by one,
imap_unordered in chunks, starmap, apply_async that returns and one that
raises; then an uncaught task error, whose traceback (sent back from the
worker) must read as it does without Procession."""

import multiprocessing as mp
import sys


def square(n):
    return n * n


def add(a, b):
    return a + b


def invert(n):
    return 1 / n


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    with mp.Pool(2) as pool:
        print("map", pool.map(square, range(10), chunksize=3))
        print("imap", list(pool.imap(square, range(4))))
        print("imap_unordered", sorted(pool.imap_unordered(square, range(4), 2)))
        print("starmap", pool.starmap(add, [(1, 2), (3, 4)]))
        print("apply_async", pool.apply_async(add, (5, 6)).get())
        try:
            pool.apply_async(invert, (0,)).get()
        except ZeroDivisionError as error:
            print("caught", repr(error))
        pool.apply(invert, (0,))  # uncaught: exit status 1
