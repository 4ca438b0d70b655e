"""An error in the child: its traceback, its exit code, and the parent goes on.

The child uses a name that was never defined. The NameError ends the child
(exit code 1, traceback on stderr) but never reaches the parent.
"""

import multiprocessing


def greet():
    print(f"Hello {name}")  # `name` is defined nowhere: NameError


if __name__ == "__main__":
    p = multiprocessing.Process(target=greet)
    p.start()
    p.join()

    print("the parent is fine; the child's exitcode is", p.exitcode)  # 1
