"""The missing __main__ guard: fine under fork, a RuntimeError in the child
under spawn and forkserver (which re-import this file)."""

import multiprocessing as mp
import sys


def hello():
    print("hello from the child", flush=True)


mp.set_start_method(sys.argv[1], force=True)
worker = mp.Process(target=hello)
worker.start()
worker.join()
print("child exitcode", worker.exitcode, flush=True)
