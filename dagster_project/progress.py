"""Progress of a long loop as log lines: n of N, rate, ETA, at most every few seconds."""

from __future__ import annotations

import time
from collections.abc import Callable

EVERY_SECONDS = 5.0


class Progress:
    def __init__(self, total: int, log: Callable[[str], None], every: float = EVERY_SECONDS):
        self.total, self.log, self.every = total, log, every
        self.done = 0
        self.started = self.last = time.monotonic()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def line(self) -> str:
        rate = self.done / self.elapsed if self.elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else float("nan")
        return f"parsed {self.done} of {self.total} ({rate:.0f}/s, ETA {eta:.0f} s)"

    def advance(self, items: int) -> None:
        """Count ``items`` more done; log a line when ``every`` seconds have passed."""
        self.done += items
        moment = time.monotonic()
        if moment - self.last >= self.every or (self.done == self.total and self.total > 1000):
            self.last = moment
            self.log(self.line())
