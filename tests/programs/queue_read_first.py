"""The Queue join deadlock avoided: get() before join()."""

import multiprocessing as mp
import sys


def producer(queue):
    queue.put("x" * 1_000_000)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    queue = mp.Queue()
    worker = mp.Process(target=producer, args=(queue,))
    worker.start()
    print("got", len(queue.get()), flush=True)
    worker.join()
    print("exitcode", worker.exitcode, flush=True)
