"""A one-line progress report for long runs: done / total, time elapsed and an estimate of the time
left, rewritten in place at most once a second (left = elapsed / done x (total - done))."""

from __future__ import annotations

import time
from typing import TextIO


class ProgressLine:
    """``label: done/total what, elapsed s, ~left s left``; ``stream`` None keeps it quiet."""

    def __init__(self, label: str, total: int, what: str, stream: TextIO | None):
        self.label, self.total, self.what, self.stream = label, total, what, stream
        self.started = time.perf_counter()
        self.shown = -1.0
        self.done = 0

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.stream is None:
            return
        elapsed = time.perf_counter() - self.started
        if elapsed - self.shown < 1.0 and self.done < self.total:
            return
        self.shown = elapsed
        left = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        end = "\n" if self.done >= self.total else ""
        print(f"\r{self.label}: {self.done}/{self.total} {self.what}, {elapsed:.0f} s, ~{left:.0f} s left ",
              end=end, file=self.stream, flush=True)
