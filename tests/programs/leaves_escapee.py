"""A program that ends normally but leaves a grandchild that left its
session (setsid): Procession kills it at the end and says so."""

import subprocess

escapee = subprocess.Popen(["sleep", "600"], start_new_session=True)
print(f"escapee {escapee.pid}", flush=True)  # one write, even unbuffered
