"""Exit codes: how a child ended, as its parent sees it.

return 1          -> 0    (a target's return value is not an exit code)
sys.exit(3)       -> 3
sys.exit(300)     -> 44   (the OS keeps the low 8 bits: 300 % 256)
an exception      -> 1
terminate()       -> -15  (killed by SIGTERM)
kill()            -> -9   (killed by SIGKILL)
"""

import multiprocessing
import sys
import time


def returns_one():
    return 1


def exits_3():
    sys.exit(3)


def exits_300():
    sys.exit(300)


def raises():
    raise ValueError("something went wrong")


def sleeps():
    time.sleep(30)


if __name__ == "__main__":
    cases = {
        "return 1": returns_one,
        "sys.exit(3)": exits_3,
        "sys.exit(300)": exits_300,
        "exception": raises,
        "terminate()": sleeps,
        "kill()": sleeps,
    }
    children = {how: multiprocessing.Process(target=f) for how, f in cases.items()}
    for child in children.values():
        child.start()

    children["terminate()"].terminate()
    children["kill()"].kill()

    for how, child in children.items():
        child.join()
        print(f"{how:>14}: exitcode {child.exitcode}")
