"""Ended children whose exit status the program read without join(), then
1.5 s more work: none is left a zombie. argv: start method, then
pool: a Pool's workers (the pool polls their exit codes itself);
executor: a ProcessPoolExecutor's workers;
is_alive: a child polled with is_alive() until it answers False."""

import multiprocessing as mp
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def square(n):
    return n * n


def nap():
    time.sleep(0.3)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    if sys.argv[2] == "pool":
        with mp.Pool(2) as pool:
            print(pool.map(square, range(4)), flush=True)
    elif sys.argv[2] == "executor":
        with ProcessPoolExecutor(2) as executor:
            print(list(executor.map(square, range(4))), flush=True)
    else:
        child = mp.Process(target=nap)
        child.start()
        while child.is_alive():
            time.sleep(0.05)
        print("exitcode", child.exitcode, flush=True)
    time.sleep(1.5)  # more work, with every ended child collected
    print("done", flush=True)
