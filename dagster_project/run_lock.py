"""One run at a time per warehouse: an exclusive lock file beside the DuckDB file.

DuckDB itself allows a single writer, but two runs would interleave their steps (one's
parse between the other's dbt build) and the loser would die on an obscure "Conflicting
lock" error halfway. Instead the second run waits for the lock a while, then stops before
touching anything, naming the run that holds it. The lock is an ``flock``: the kernel
releases it when its holder exits, even by SIGKILL, so a crashed run never blocks the next.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import time
from collections.abc import Callable
from typing import IO

from dagster_project.state import state_file

POLL_SECONDS = 0.5


class WarehouseBusy(Exception):
    """Another run holds the warehouse."""


class RunLock:
    def __init__(self, warehouse_path: str | os.PathLike[str]):
        self.path = state_file(warehouse_path, "run.lock")
        self.handle: IO[str] | None = None

    def holder(self) -> str:
        try:
            info = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return "another process"
        return f"run {info.get('run_id', '?')} (pid {info.get('pid', '?')}, since {info.get('since', '?')})"

    def acquire(self, wait_seconds: float, run_id: str, log: Callable[[str], None] = print) -> None:
        """Take the lock, waiting up to ``wait_seconds``; raise :class:`WarehouseBusy` after that."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        deadline = time.monotonic() + wait_seconds
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self.holder()
                    handle.close()
                    raise WarehouseBusy(
                        f"{self.path.with_suffix('').with_suffix('')} is being built by {holder}; "
                        f"this run waited {wait_seconds:.0f} s and stops without touching it. "
                        "Run it again when that run has finished."
                    ) from None
                if not told:
                    log(f"waiting for {self.holder()} to finish with the warehouse")
                    told = True
                time.sleep(POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        since = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        handle.write(json.dumps({"run_id": run_id, "pid": os.getpid(), "since": since}))
        handle.flush()
        self.handle = handle

    def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None
