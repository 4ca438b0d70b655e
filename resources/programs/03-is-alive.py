"""is_alive(): before start(), while running, after join()."""

import multiprocessing
import time


def nap():
    time.sleep(0.5)


if __name__ == "__main__":
    p = multiprocessing.Process(target=nap)
    print("before start():", p.is_alive())  # False: it does not exist yet

    p.start()
    print("while running: ", p.is_alive())  # True: it sleeps for 0.5 s

    p.join()
    print("after join():  ", p.is_alive())  # False: it has ended
    print("exitcode:", p.exitcode)
