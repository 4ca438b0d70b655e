"""A worker that dies in its task breaks a ProcessPoolExecutor: the tasks
still pending fail with BrokenProcessPool."""

import multiprocessing as mp
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool


def die(code):
    time.sleep(0.2)
    os._exit(code)


def nap(seconds):
    time.sleep(seconds)
    return seconds


if __name__ == "__main__":
    context = mp.get_context(sys.argv[1])
    with ProcessPoolExecutor(1, mp_context=context) as executor:
        futures = [executor.submit(die, 3), executor.submit(nap, 0.1)]
        for future in futures:
            try:
                print("result", future.result())
            except BrokenProcessPool as error:
                print("broken:", error)
