"""Threads that end badly: an exception in a target, sys.exit() in a
target, and an exception in an overridden run(). Each ends only its thread;
Python prints the first and third ("Exception in thread ...")."""

import sys
import threading


def lookup():
    return {}["missing"]


def leave():
    sys.exit(3)


class Custom(threading.Thread):
    def run(self):
        raise RuntimeError("from run")


if __name__ == "__main__":
    for thread in (
        threading.Thread(target=lookup),
        threading.Thread(target=leave, name="leaver"),
        Custom(name="custom"),
    ):
        thread.start()
        thread.join()
    print("the main program goes on")
