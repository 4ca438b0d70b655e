"""The main program reaps its child with os.waitpid, behind multiprocessing's
back, and ends without join(): nobody but the kernel can still say the
child's exit status (as when a Stop's SIGTERM kills a parent that has just
reaped its child in join())."""

import multiprocessing
import os
import sys
import time


def work():
    time.sleep(0.5)  # the collector hears of it while it lives (as in a Stop)
    sys.exit(3)


if __name__ == "__main__":
    multiprocessing.set_start_method(sys.argv[1] if len(sys.argv) > 1 else "spawn")
    p = multiprocessing.Process(target=work)
    p.start()
    _, status = os.waitpid(p.pid, 0)
    print("status", os.waitstatus_to_exitcode(status), flush=True)
    os._exit(0)  # no join(), no atexit: multiprocessing never learns it
