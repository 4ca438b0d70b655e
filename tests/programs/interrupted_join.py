"""Ctrl+C while the main program waits in join(): the KeyboardInterrupt
traceback is Python's own (no frame of a tracer in it)."""

import multiprocessing as mp
import os
import signal
import sys
import threading
import time


def sleeper():
    time.sleep(1)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    worker = mp.Process(target=sleeper)
    worker.start()
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
    worker.join()
