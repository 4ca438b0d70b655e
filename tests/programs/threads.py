"""Threads beside processes: two workers joined, one joined with a timeout
that runs out (another thread joins it later), a daemon thread left running,
a Queue (its feeder thread is multiprocessing's own), and a child process
with a thread of its own. The child is started before any thread, so fork
warns about nothing (3.12+ warns when a process with threads forks)."""

import multiprocessing as mp
import sys
import threading
import time


def work(n):
    time.sleep(0.05 * n)


def child_with_a_thread():
    inner = threading.Thread(target=work, args=(1,), name="inner")
    inner.start()
    inner.join()
    print("child joined inner", flush=True)


def joiner(other):
    other.join()


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    child = mp.Process(target=child_with_a_thread)
    child.start()
    workers = [threading.Thread(target=work, args=(n,)) for n in (1, 2)]
    for worker in workers:
        worker.start()
    slow = threading.Thread(target=work, args=(8,), name="slow")
    slow.start()
    slow.join(timeout=0.01)
    watcher = threading.Thread(target=joiner, args=(slow,), name="watcher")
    watcher.start()
    for worker in workers:
        worker.join()
    background = threading.Thread(
        target=time.sleep, args=(30,), name="background", daemon=True
    )
    background.start()
    queue = mp.Queue()
    queue.put("through the feeder thread")
    print(queue.get())
    child.join()
    watcher.join()
    print("done", child.exitcode, slow.is_alive())
