"""The built-in targets written out as plain functions, for "Show as code".

Each mirrors :mod:`core.worker.builtin_targets` line for line where it matters
(the same prints, the same exit behaviour). Procession's cooperative stop flag
becomes an Event only where a Stop action reaches the target (STOPPABLE);
elsewhere its sleeps are plain ``time.sleep``. A student
reads these, so they are short and say what they do, not how Procession runs
them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PlainTarget:
    """A built-in target's source as a plain function, and what it imports."""

    source: str
    imports: tuple[str, ...] = ()
    helpers: tuple[str, ...] = ()
    """Other plain targets (by name) this one calls."""


PLAIN_TARGETS: dict[str, PlainTarget] = {
    "noop": PlainTarget(
        '''def noop():
    """Return at once: what is left is the pure cost of a process."""
'''
    ),
    "sleep": PlainTarget(
        '''def sleep(seconds=1.0):
    """The tutorial's do_something: print, sleep, print."""
    print("I'm going to sleep")
    time.sleep(seconds)
    print("I'm awake")
    return "done sleeping"
''',
        ("time",),
    ),
    "busy": PlainTarget(
        '''def busy(seconds=1.0):
    """Burn CPU for `seconds` of wall time; returns the loop count."""
    loops = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for _ in range(10_000):
            pass
        loops += 1
    return loops
''',
        ("time",),
    ),
    "countdown": PlainTarget(
        '''def countdown(n=20_000_000):
    """A fixed amount of pure-Python work: the classic GIL demonstration."""
    while n > 0:
        n -= 1
    return 0
'''
    ),
    "raise_error": PlainTarget(
        '''def raise_error(exception="NameError", message="", after=0.0):
    """Raise an exception. The default is the tutorial's real bug."""
    time.sleep(after)
    if exception == "NameError" and not message:
        print(f"Hello {name}")  # `name` is defined nowhere: a NameError
    if exception == "ZeroDivisionError" and not message:
        return 1 / 0
    error_type = getattr(builtins, exception)
    raise error_type(message or f"{exception} raised on purpose")
''',
        ("builtins", "time"),
    ),
    "exit_with": PlainTarget(
        '''def exit_with(code=3, message="", after=0.0):
    """Call sys.exit(code), or sys.exit(message) when a message is given."""
    time.sleep(after)
    sys.exit(message if message else code)
''',
        ("sys", "time"),
    ),
    "forever": PlainTarget(
        '''def forever():
    """Loop until something ends this process."""
    while True:
        time.sleep(0.1)
''',
        ("time",),
    ),
    "ignore_sigterm": PlainTarget(
        '''def ignore_sigterm():
    """Ignore SIGTERM: only SIGKILL (kill()) ends it."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print("SIGTERM is now ignored")
    while True:
        time.sleep(0.1)
''',
        ("signal", "time"),
    ),
    "crash": PlainTarget(
        '''def crash(kind="segfault", after=0.0):
    """Die the hard way: a segmentation fault or abort()."""
    time.sleep(after)
    sys.stdout.flush()
    if kind == "abort":
        os.abort()
    ctypes.string_at(0)  # reads address 0: SIGSEGV
''',
        ("ctypes", "os", "sys", "time"),
    ),
    "allocate": PlainTarget(
        '''def allocate(mb=100, seconds=2.0):
    """Hold `mb` MiB of touched memory for `seconds`."""
    block = bytearray(mb * 1024 * 1024)
    block[::4096] = b"\\x01" * len(range(0, len(block), 4096))  # make pages resident
    print(f"holding {mb} MiB")
    time.sleep(seconds)
    return len(block)
''',
        ("time",),
    ),
    "print_lines": PlainTarget(
        '''def print_lines(count=10, interval=0.1, stream="stdout"):
    """Print `count` numbered lines, one every `interval` seconds."""
    out = sys.stderr if stream == "stderr" else sys.stdout
    for i in range(1, count + 1):
        print(f"line {i} of {count}", file=out)
        time.sleep(interval)
    return count
''',
        ("sys", "time"),
    ),
    "grandchild": PlainTarget(
        """def grandchild(seconds):
    time.sleep(seconds)
""",
        ("time",),
    ),
    "spawn_children": PlainTarget(
        '''def spawn_children(
    count=2, how="subprocess", child_seconds=30.0, then="wait"
):
    """Start grandchildren, then wait for them or exit at once."""
    pids = []
    for _ in range(count):
        if how == "multiprocessing":
            child = multiprocessing.Process(target=grandchild, args=(child_seconds,))
            child.start()
            pids.append(child.pid)
        else:
            code = f"import time; time.sleep({child_seconds!r})"
            pids.append(subprocess.Popen([sys.executable, "-c", code]).pid)
    print(f"started {count} {how} children: {pids}")
    if then == "wait":
        time.sleep(child_seconds)
    return pids
''',
        ("multiprocessing", "subprocess", "sys", "time"),
        ("grandchild",),
    ),
}


STOPPABLE: dict[str, PlainTarget] = {
    "sleep": PlainTarget(
        '''def sleep(stop, seconds=1.0):
    """The tutorial's do_something: print, sleep, print. `stop` is an Event:
    set, it wakes the sleeper early (what Procession's Stop asks)."""
    print("I'm going to sleep")
    if stop.wait(seconds):
        print("Woken up early: stop was requested")
        return "stopped early"
    print("I'm awake")
    return "done sleeping"
'''
    ),
    "busy": PlainTarget(
        '''def busy(stop, seconds=1.0):
    """Burn CPU for `seconds` of wall time, or until `stop` (an Event) is set."""
    loops = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end and not stop.is_set():
        for _ in range(10_000):
            pass
        loops += 1
    return loops
''',
        ("time",),
    ),
    "countdown": PlainTarget(
        '''def countdown(stop, n=20_000_000):
    """A fixed amount of pure-Python work; `stop` (an Event) ends it early."""
    while n > 0:
        n -= 1
        if n % 100_000 == 0 and stop.is_set():
            return n
    return 0
'''
    ),
    "forever": PlainTarget(
        '''def forever(stop):
    """Loop until `stop` (an Event) is set, or something ends this process."""
    while not stop.wait(0.1):
        pass
    return "stopped"
'''
    ),
    "print_lines": PlainTarget(
        '''def print_lines(stop, count=10, interval=0.1, stream="stdout"):
    """Print `count` numbered lines, one every `interval` seconds, until `stop`."""
    out = sys.stderr if stream == "stderr" else sys.stdout
    for i in range(1, count + 1):
        print(f"line {i} of {count}", file=out)
        if interval and stop.wait(interval):
            return i
    return count
''',
        ("sys",),
    ),
}
"""Targets that check Procession's cooperative stop flag, written with an
Event for it: used when a scenario's Stop action reaches such a target."""


def source_of(name: str, stoppable: set[str]) -> PlainTarget:
    return STOPPABLE[name] if name in stoppable else PLAIN_TARGETS[name]


def with_helpers(names: list[str]) -> list[str]:
    """``names`` plus the plain targets they call, helpers first, no repeats."""
    ordered: list[str] = []
    for name in names:
        for needed in (*PLAIN_TARGETS[name].helpers, name):
            if needed not in ordered:
                ordered.append(needed)
    return ordered
