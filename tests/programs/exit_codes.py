"""Exit codes: sys.exit(3), sys.exit(300) (the OS keeps 300 & 0xFF = 44),
sys.exit("message") (1), os._exit(7); the main program exits with 300 too."""

import multiprocessing as mp
import os
import sys


def leave(code):
    if code == "os":
        os.write(1, b"written below Python, then os._exit(7)\n")
        os._exit(7)
    sys.exit(code)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    workers = [mp.Process(target=leave, args=(c,)) for c in (3, 300, "bye", "os")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print("exitcodes", [w.exitcode for w in workers], flush=True)
    sys.exit(300)
