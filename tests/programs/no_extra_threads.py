"""The threads a process has, as Python and the OS count them, in the main
program and in a child: Procession's hook must add none (3.12+ warns when a
process with threads forks; here that warning is an error)."""

import multiprocessing as mp
import os
import sys
import threading
import warnings


def count(who):
    tasks = len(os.listdir("/proc/self/task"))
    print(who, threading.active_count(), tasks, flush=True)


if __name__ == "__main__":
    warnings.simplefilter("error", DeprecationWarning)
    mp.set_start_method(sys.argv[1])
    count("main")
    child = mp.Process(target=count, args=("child",))
    child.start()
    child.join()
    pid = os.fork()
    if pid == 0:
        count("forked")
        os._exit(0)
    os.waitpid(pid, 0)
