"""The tutorial's program: two processes that sleep one second, joined."""

import multiprocessing as mp
import time


def sleep_a_second():
    time.sleep(1)


if __name__ == "__main__":
    workers = [mp.Process(target=sleep_a_second) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
