"""A script that chooses its own start method keeps it under --start-method."""

import multiprocessing as mp


def nothing():
    pass


if __name__ == "__main__":
    ctx = mp.get_context("fork")
    worker = ctx.Process(target=nothing)
    worker.start()
    worker.join()
    default = mp.Process(target=nothing)
    default.start()
    default.join()
