"""Daemon processes at exit: terminated, not waited for.

Neither child is joined. When the main program's code ends, multiprocessing
terminates daemonic children (exit -15) and waits for the others (exit 0).
"""

import atexit
import multiprocessing
import time


def sleeper(seconds):
    time.sleep(seconds)


def report():
    # Registered before any child starts, so it runs after multiprocessing's
    # own exit clean-up, and sees how each child ended.
    for child in children:
        print(f"{child.name}: exitcode {child.exitcode}")


if __name__ == "__main__":
    children = [
        multiprocessing.Process(target=sleeper, args=(10,), name="daemon", daemon=True),
        multiprocessing.Process(target=sleeper, args=(0.5,), name="normal"),
    ]
    atexit.register(report)
    for child in children:
        child.start()
    print("the main program's code has ended")
