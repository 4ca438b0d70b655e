"""Ctrl+C while the main program waits in a thread's join(): the
KeyboardInterrupt traceback is Python's own (no frame of a tracer in it)."""

import os
import signal
import threading
import time

if __name__ == "__main__":
    sleeper = threading.Thread(target=time.sleep, args=(1,), daemon=True)
    sleeper.start()
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
    sleeper.join()
