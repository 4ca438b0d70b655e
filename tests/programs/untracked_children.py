"""Processes started without multiprocessing: subprocess (a command, a
Python child, one killed, one never waited for), os.system, os.fork and
os.posix_spawn; and a multiprocessing child that runs a command itself."""

import multiprocessing as mp
import os
import subprocess
import sys


def runs_a_command():
    subprocess.run(["true"], check=True)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    process = mp.Process(target=runs_a_command)
    process.start()
    process.join()
    code = "import sys; print('python child'); sys.exit(4)"
    python_child = subprocess.run([sys.executable, "-c", code])
    print("python child status", python_child.returncode)
    print("shell status", os.waitstatus_to_exitcode(os.system("exit 3")))
    os.system(f"{sys.executable} -c \"print('python through the shell')\"")
    sys.stdout.flush()  # else the forked child writes the unflushed lines again
    pid = os.fork()
    if pid == 0:
        print("forked child", flush=True)
        os._exit(6)
    print("fork status", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
    pid = os.posix_spawn("/bin/sh", ["sh", "-c", "exit 2"], os.environ)
    print("spawn status", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
    killed = subprocess.Popen(["sleep", "10"])
    killed.kill()
    print("killed status", killed.wait())
    subprocess.Popen(["sleep", "0.2"])  # never waited for
    print("done")
