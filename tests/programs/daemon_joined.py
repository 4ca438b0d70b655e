"""A daemon child that finishes its work and is joined before the program
ends: nothing is cut off."""

import multiprocessing as mp
import sys


def helper():
    print("helper done", flush=True)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    p = mp.Process(target=helper, daemon=True)
    p.start()
    p.join()
    print("exitcode", p.exitcode, flush=True)
