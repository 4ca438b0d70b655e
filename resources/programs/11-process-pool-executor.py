"""ProcessPoolExecutor: submit() gives a Future; result() re-raises errors."""

from concurrent.futures import ProcessPoolExecutor


def inverse(x):
    return 1 / x


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=2) as executor:
        futures = {x: executor.submit(inverse, x) for x in (4, 2, 0)}
        for x, future in futures.items():
            try:
                print(f"1/{x} = {future.result()}")
            except ZeroDivisionError as error:
                print(f"1/{x} raised in the worker: {error!r}")
        print(list(executor.map(inverse, [1, 5, 10])))
