"""fork() while a thread of the main program runs (Python 3.12+ warns); with
"joined" the thread has ended before the fork: no hazard."""

import multiprocessing as mp
import sys
import threading
import time


def child():
    print("child ran", flush=True)


if __name__ == "__main__":
    mp.set_start_method("fork")
    ticker = threading.Thread(target=time.sleep, args=(0.6,))
    ticker.start()
    if sys.argv[1:] == ["joined"]:
        ticker.join()
    time.sleep(0.1)
    p = mp.Process(target=child)
    p.start()
    p.join()
    ticker.join()
    print("exitcode", p.exitcode, flush=True)
