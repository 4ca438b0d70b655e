"""The three start methods: fork, spawn and forkserver.

fork copies the running parent; spawn starts a fresh interpreter that imports
this file again; forkserver asks a small server process to fork a clean copy
of itself. Each is timed here from start() until the child has run.
"""

import multiprocessing
import os
import time


def hello(parent_pid):
    print(f"  child {os.getpid()} of {parent_pid}")


if __name__ == "__main__":
    for method in ("fork", "spawn", "forkserver"):
        if method not in multiprocessing.get_all_start_methods():
            print(f"{method}: not available here")
            continue
        context = multiprocessing.get_context(method)
        start = time.perf_counter()
        p = context.Process(target=hello, args=(os.getpid(),))
        p.start()
        p.join()
        print(f"{method}: {1000 * (time.perf_counter() - start):.0f} ms")
