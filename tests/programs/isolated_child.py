"""Python children Procession cannot see inside: started with -I, and with
-E -S. They still run, print and exit as they would anywhere."""

import subprocess
import sys

if __name__ == "__main__":
    subprocess.run([sys.executable, "-I", "-c", "print('isolated')"], check=True)
    code = "import sys; print('no environment, no site'); sys.exit(5)"
    done = subprocess.run([sys.executable, "-E", "-S", "-c", code])
    print("status", done.returncode)
