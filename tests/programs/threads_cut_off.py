"""A child process that ends (os._exit) under its own non-daemon thread,
and a thread the main program creates but never starts."""

import multiprocessing as mp
import os
import sys
import threading
import time


def leaves_early():
    threading.Thread(target=time.sleep, args=(30,), name="cut off").start()
    time.sleep(0.1)
    os._exit(0)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    child = mp.Process(target=leaves_early)
    child.start()
    child.join()
    threading.Thread(target=print, name="never started")
    print("child", child.exitcode)
