"""Three ways to wait badly, each with its careful twin (argv[2]):
zombie: a child ends at once, but the parent never joins it and works 1.5 s
  on (twin "zombie-joined" joins it first);
timeout: join(timeout=0.2) on a child that needs 1 s, and the parent goes on
  as if it were done (twin "timeout-checked" asks is_alive() after it);
unstarted: a Process is created and never started (twin "started")."""

import multiprocessing as mp
import os
import sys
import time


def quick():
    pass


def slow():
    time.sleep(1.0)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    case = sys.argv[2]
    if case.startswith("zombie"):
        child = mp.Process(target=quick)
        child.start()
        if case == "zombie-joined":
            child.join()
        else:  # (for the test: its end, without reaping it, however slow its start)
            os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
        time.sleep(1.5)  # more work; the ended child waits to be joined
        print("done", flush=True)
    elif case.startswith("timeout"):
        child = mp.Process(target=slow)
        child.start()
        child.join(timeout=0.2)
        if case == "timeout-checked" and child.is_alive():
            print("still running: waiting for it", flush=True)
        child.join()
        print("exitcode", child.exitcode, flush=True)
    else:
        child = mp.Process(target=quick)
        if case == "started":
            child.start()
            child.join()
        print("done", flush=True)
