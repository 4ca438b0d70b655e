"""A Pool.map of 10 000 tiny tasks, as a student writes it (default pool
size and chunk size); prints their sum so a run can be checked."""

import multiprocessing as mp


def square(x):
    return x * x


if __name__ == "__main__":
    with mp.Pool() as pool:
        results = pool.map(square, range(10_000))
    print("SUM", sum(results))
