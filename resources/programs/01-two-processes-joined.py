"""Two processes, joined: both sleep one second at the same time.

join() makes the main program wait for a process to finish. Each process
sleeps 1 second, yet the whole program takes about 1 second, not 2.
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

    p1.join()
    p2.join()

    finish = time.perf_counter()
    print(f"Finished in {finish - start:.2f} seconds")
