"""terminate(): end a process that would sleep for 5 seconds.

terminate() sends SIGTERM. The child never prints "I'm awake", and its exit
code is -15: minus the number of the signal that ended it.
"""

import multiprocessing
import time


def long_sleep():
    print("I'm going to sleep for 5 seconds")
    time.sleep(5)
    print("I'm awake")  # never printed


if __name__ == "__main__":
    p = multiprocessing.Process(target=long_sleep)
    p.start()
    time.sleep(1)

    p.terminate()
    p.join()
    print("exitcode:", p.exitcode)  # -15 (SIGTERM)
