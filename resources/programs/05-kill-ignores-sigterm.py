"""kill(): a process that ignores SIGTERM can still be ended.

The child tells the operating system to ignore SIGTERM, so terminate() does
nothing to it. kill() sends SIGKILL, which no process can ignore: exit -9.
"""

import multiprocessing
import signal
import time


def stubborn(ready):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print("SIGTERM is now ignored")
    ready.set()
    while True:
        time.sleep(0.1)


if __name__ == "__main__":
    ready = multiprocessing.Event()
    p = multiprocessing.Process(target=stubborn, args=(ready,))
    p.start()
    ready.wait()

    p.terminate()
    p.join(timeout=1)
    print("after terminate() and 1 s:", "alive" if p.is_alive() else "ended")

    p.kill()
    p.join()
    print("exitcode:", p.exitcode)  # -9 (SIGKILL)
