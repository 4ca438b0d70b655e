"""terminate() a sleeping child; then kill() one that ignores SIGTERM."""

import multiprocessing as mp
import signal
import sys
import time


def sleeper():
    time.sleep(30)


def stubborn(ready):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    ready.set()
    time.sleep(30)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    polite = mp.Process(target=sleeper)
    polite.start()
    polite.terminate()
    polite.join()
    ready = mp.Event()
    rude = mp.Process(target=stubborn, args=(ready,))
    rude.start()
    ready.wait(30)
    rude.terminate()
    rude.join(timeout=0.3)
    print("alive after terminate:", rude.is_alive())
    rude.kill()
    rude.join()
    print("exitcodes", polite.exitcode, rude.exitcode)
    rude.close()
