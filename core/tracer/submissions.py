"""Pool and executor submissions, remembered until their tasks start.

A traced parent says when and where (file:line) it submitted each job; the
worker that runs it says only which job it began. The collector joins the
two so a task span runs submit → start → end. These are notes to the
collector, never events: untrusted like everything a traced process sends,
so only integers and a bounded site string are kept, and at most ``KEPT``.
"""

from __future__ import annotations

from typing import Any

KEPT = 100_000
Key = tuple[int, int, int]  # submitter pid, task queue (a pipe's inode), job


class Submissions:
    def __init__(self) -> None:
        self.said: dict[Key, tuple[int, str]] = {}

    def note(self, pid: int, t_ns: Any, data: dict[str, Any]) -> None:
        queue, job, site = data.get("queue"), data.get("job"), data.get("site")
        if type(queue) is int and type(job) is int and type(t_ns) is int:
            self.said[(pid, queue, job)] = (t_ns, str(site)[:1000])
            if len(self.said) > KEPT:
                del self.said[next(iter(self.said))]

    @staticmethod
    def key_of(data: dict[str, Any]) -> Key | None:
        """The job a task_started names (its fields leave the event)."""
        pid, queue, job = (data.pop(k, None) for k in ("parent_pid", "queue", "job"))
        if type(pid) is int and type(queue) is int and type(job) is int:
            return pid, queue, job
        return None
