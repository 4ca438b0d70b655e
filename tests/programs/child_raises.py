"""An exception in the child: its traceback is printed, its exit code is 1."""

import multiprocessing as mp
import sys


def divide(n):
    return n / 0


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    worker = mp.Process(target=divide, args=(1,))
    worker.start()
    worker.join()
    print("exitcode", worker.exitcode)
