"""Daemon children still running when the main program ends are terminated
by multiprocessing's exit handler (SIGTERM, exit code -15)."""

import multiprocessing as mp
import sys
import time


def forever(ready):
    ready.set()
    time.sleep(30)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    ready = mp.Event()
    ghost = mp.Process(target=forever, args=(ready,), daemon=True)
    ghost.start()
    ready.wait(30)
    print("leaving with a daemon alive", flush=True)
