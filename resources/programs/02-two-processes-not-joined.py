"""Two processes, not joined: the main program's code does not wait.

The same two sleepers, but nothing calls join(). The main program reaches its
last line within milliseconds and prints its timer; the processes sleep on,
and Python waits for them when the program exits.
"""

import multiprocessing
import time


def do_something():
    print("I'm going to sleep")
    time.sleep(1)
    print("I'm awake")


if __name__ == "__main__":
    start = time.perf_counter()

    p1 = multiprocessing.Process(target=do_something)
    p2 = multiprocessing.Process(target=do_something)
    p1.start()
    p2.start()

    finish = time.perf_counter()
    print(f"Finished in {finish - start:.2f} seconds")
