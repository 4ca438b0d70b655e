"""terminate() a process that puts on a Queue and takes a Lock ("queue", the
default), or one that was given nothing to share ("plain")."""

import multiprocessing as mp
import sys
import time


def producer(queue, lock):
    while True:
        with lock:
            queue.put(time.monotonic())
        time.sleep(0.01)


def sleeper():
    time.sleep(30)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1] if len(sys.argv) > 1 else "spawn")
    if sys.argv[2:] in ([], ["queue"]):
        queue, lock = mp.Queue(), mp.Lock()
        p = mp.Process(target=producer, args=(queue, lock))
        p.start()
        queue.get(timeout=30)  # it is running
    else:
        p = mp.Process(target=sleeper)
        p.start()
        time.sleep(0.3)
    p.terminate()
    p.join()
    print("exitcode", p.exitcode, flush=True)
