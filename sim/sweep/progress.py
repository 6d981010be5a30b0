"""Progress of a running sweep: jobs done of the total, time elapsed, and a rough time left.

Each job, when it ends, appends one line (``<job> ran``, ``skipped``, ``refused`` or ``failed``) to ``.progress`` in
the sweep folder, a single small ``O_APPEND`` write, so jobs in other processes (or on other
machines sharing the folder) never interleave. A thread of the launching process reads the file
and prints; the time left is (total - done) x elapsed / jobs run so far, so jobs skipped on a
resume do not make it look faster.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

PROGRESS = ".progress"


ENDINGS = ("ran", "skipped", "refused", "failed")


def record_job_end(sweep_dir: str | Path, job: int, ending: str) -> None:
    """Append ``<job> <ending>``, ending one of :data:`ENDINGS`."""
    path = Path(sweep_dir) / PROGRESS
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{job} {ending}\n".encode())
    finally:
        os.close(fd)


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class ProgressMonitor:
    """Prints ``sweep: done/total jobs``, elapsed and time left: in place on a terminal, else a
    line when jobs have ended, at most every ``every`` seconds. :meth:`start` before the jobs,
    :meth:`stop` after them."""

    def __init__(self, sweep_dir: str | Path, total: int | None, stream: TextIO | None = None,
                 poll: float = 0.5, every: float = 10.0):
        self.path = Path(sweep_dir) / PROGRESS
        self.total, self.stream, self.poll, self.every = total, stream or sys.stderr, poll, every
        self.started = time.perf_counter()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._shown = (-1, 0.0)  # (jobs done, when) last printed

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("")
        self.started = time.perf_counter()
        self._thread = threading.Thread(target=self._loop, name="sweep-progress", daemon=True)
        self._thread.start()

    def stop(self) -> str:
        """Stop the thread and print the final line; returns it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        return self.report(final=True)

    def counts(self) -> dict[str, int]:
        """Jobs ended since :meth:`start`, by ending."""
        try:
            endings = self.path.read_text().split()[1::2]
        except FileNotFoundError:
            endings = []
        return {ending: endings.count(ending) for ending in ENDINGS}

    def line(self) -> str:
        counts = self.counts()
        done, ran = sum(counts.values()), counts["ran"]
        elapsed = time.perf_counter() - self.started
        total = "?" if self.total is None else str(self.total)
        text = f"sweep: {done}/{total} jobs done"
        if counts["refused"]:
            text += f" ({counts['refused']} refused)"
        if counts["failed"]:
            text += f" ({counts['failed']} failed)"
        text += f", {_clock(elapsed)} elapsed"
        if self.total is not None and 0 < done < self.total and ran:
            text += f", ~{_clock((self.total - done) * elapsed / ran)} left"
        return text

    def report(self, final: bool = False) -> str:
        done = sum(self.counts().values())
        now = time.perf_counter()
        text = self.line()
        tty = self.stream.isatty()
        if final:
            self.stream.write(("\r" if tty else "") + text + "\n")
        elif tty:
            self.stream.write("\r" + text)
        elif not tty and done != self._shown[0] and now - self._shown[1] >= self.every:
            self.stream.write(text + "\n")
        else:
            return text
        self.stream.flush()
        self._shown = (done, now)
        return text

    def _loop(self) -> None:
        while not self._stop.wait(self.poll):
            self.report()
