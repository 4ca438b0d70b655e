"""A task that cannot be unpickled in the worker: the worker's get() raises,
Python prints the worker's traceback (its frames only, with Procession
watching that get()), the worker dies and the executor is broken."""

import multiprocessing as mp
import sys
from concurrent.futures import ProcessPoolExecutor


def refuse():
    raise ValueError("cannot be rebuilt in the worker")


class Fragile:
    def __reduce__(self):
        return (refuse, ())


def echo(value):
    return value


if __name__ == "__main__":
    context = mp.get_context(sys.argv[1])
    with ProcessPoolExecutor(1, mp_context=context) as executor:
        try:
            executor.submit(echo, Fragile()).result()
        except Exception as error:
            print("failed:", type(error).__name__)
