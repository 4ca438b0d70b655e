"""Tasks cut off by a Pool's end: a worker signals that its long task has
begun, then the program leaves 'with Pool()' (which terminates the workers)
or calls terminate() itself."""

import multiprocessing as mp
import sys
import time

begun = None


def remember(event):
    global begun
    begun = event


def long_task(seconds):
    begun.set()
    time.sleep(seconds)
    return seconds


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    event = mp.Event()
    if sys.argv[2] == "with":
        with mp.Pool(1, initializer=remember, initargs=(event,)) as pool:
            pool.apply_async(long_task, (30,))
            event.wait(30)
    else:
        pool = mp.Pool(1, initializer=remember, initargs=(event,))
        pool.map_async(long_task, [30])
        event.wait(30)
        pool.terminate()
        pool.join()
    print("left the pool")
