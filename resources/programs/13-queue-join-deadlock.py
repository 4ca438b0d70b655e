"""The Queue join deadlock, and its fix.

A child that has put data on a Queue cannot exit until that data is written
into the pipe, and a big item fills the pipe until the parent reads it. So a
parent that join()s before get() waits forever. A timeout on join() shows the
deadlock without hanging; then get() before join(), the fix, ends it.
"""

import multiprocessing


def producer(queue):
    queue.put("x" * 1_000_000)  # more than a pipe holds (64 KiB)


if __name__ == "__main__":
    queue = multiprocessing.Queue()
    p = multiprocessing.Process(target=producer, args=(queue,))
    p.start()

    p.join(timeout=2)  # the deadlock: without the timeout, forever
    print("after join(timeout=2) the child is", "alive" if p.is_alive() else "gone")

    data = queue.get()  # the fix: get() before join()
    p.join()
    print(f"got {len(data)} characters; exitcode {p.exitcode}")
