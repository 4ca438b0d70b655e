"""A child that starts children of its own (and joins them)."""

import multiprocessing as mp
import sys


def leaf(n):
    pass


def branch():
    kids = [mp.Process(target=leaf, args=(n,)) for n in range(2)]
    for kid in kids:
        kid.start()
    for kid in kids:
        kid.join()
    print("leaves", [kid.exitcode for kid in kids], flush=True)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    top = mp.Process(target=branch)
    top.start()
    top.join()
    print("top", top.exitcode)
