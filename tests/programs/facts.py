"""What a script sees of where it runs: the same traced and plain."""

import os
import sys

print("argv", sys.argv)
print("path0", sys.path[0])
print("cwd", os.getcwd())
print("name", __name__)
print("hook on path", any(entry.endswith("hook") for entry in sys.path))
print("line", input())
