"""The Queue join deadlock: a child that put a large item cannot exit until
it is read, so join(timeout) times out; reading the item lets it end."""

import multiprocessing as mp
import sys


def producer(queue, done):
    queue.put("x" * 1_000_000)
    done.set()


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    queue, done = mp.Queue(), mp.Event()
    worker = mp.Process(target=producer, args=(queue, done))
    worker.start()
    done.wait(30)  # its target has returned; its feeder thread has not
    worker.join(timeout=0.5)
    print("alive after join(0.5):", worker.is_alive(), flush=True)
    print("got", len(queue.get()))
    worker.join()
    print("exitcode", worker.exitcode)
