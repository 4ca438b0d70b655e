"""The tutorial's two sleepers; ``nojoin`` leaves the joining to Python's exit."""

import multiprocessing as mp
import sys
import time


def sleeper(seconds):
    time.sleep(seconds)
    print(f"slept {seconds}", flush=True)


if __name__ == "__main__":
    method, join = sys.argv[1], sys.argv[2] == "join"
    mp.set_start_method(method)
    workers = [mp.Process(target=sleeper, args=(s,)) for s in (0.2, 0.3)]
    for worker in workers:
        worker.start()
    if join:
        for worker in workers:
            worker.join()
        print("codes", [w.exitcode for w in workers])
    print("main done", flush=True)
