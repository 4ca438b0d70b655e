"""A program that never ends: a child that sleeps, and a grandchild that
leaves the session (setsid) so that no process group reaches it."""

import multiprocessing as mp
import subprocess
import sys
import time


def sleeper():
    time.sleep(600)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    worker = mp.Process(target=sleeper)
    worker.start()
    escapee = subprocess.Popen(["sleep", "600"], start_new_session=True)
    print(f"escapee {escapee.pid}", flush=True)  # one write, even unbuffered
    worker.join()
