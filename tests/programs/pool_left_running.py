"""Leaving `with Pool()` while tasks still run: terminate() cuts them off
(workers -15). With "wait", the results are read first: nothing is cut."""

import multiprocessing as mp
import sys
import time


def remember(semaphore):
    global began
    began = semaphore


def nap(seconds):
    began.release()  # tells the main program this worker is inside a task
    time.sleep(seconds)
    return seconds


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1] if len(sys.argv) > 1 else "spawn")
    wait = sys.argv[2:] == ["wait"]
    began = mp.Semaphore(0)
    with mp.Pool(2, initializer=remember, initargs=(began,)) as pool:
        results = [pool.apply_async(nap, (0.3 if wait else 30,)) for _ in range(3)]
        if wait:
            print("results", [r.get(timeout=30) for r in results], flush=True)
        else:
            for _ in range(2):  # both workers are inside nap(30)
                began.acquire(timeout=30)
    print("ready after the pool:", [r.ready() for r in results], flush=True)
