"""The Queue join deadlock: a child that put a large item cannot exit until
it is read, so join(timeout) times out; reading the item lets it end."""

import multiprocessing as mp
import sys


def producer(queue):
    queue.put("x" * 1_000_000)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    queue = mp.Queue()
    worker = mp.Process(target=producer, args=(queue,))
    worker.start()
    worker.join(timeout=0.5)
    print("alive after join(0.5):", worker.is_alive(), flush=True)
    print("got", len(queue.get()))
    worker.join()
    print("exitcode", worker.exitcode)
