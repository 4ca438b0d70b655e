"""A module that is slow to import, as big packages are (they load many files
and build tables at import): it computes for at least 1.2 s."""

import time

_started = time.perf_counter()
TABLE = []
while time.perf_counter() - _started < 1.2:
    TABLE = [n * n % 7919 for n in range(20_000)]
