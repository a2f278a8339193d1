"""The parse's shards on a Dask distributed cluster: other machines, the same parse (issue 21).

Set ``WAREHOUSE_PARSE_CLUSTER`` to a Dask scheduler's address (``tcp://host:8786``) and the parse
asset submits each shard (:class:`ingest.lake.ShardTask`) to it as one task instead of giving it
to this machine's process pool; unset, nothing changes (and ``distributed`` is not imported).
A worker runs the same :func:`ingest.lake.write_shard` as a local process, writes the shard's
Parquet files to the lake, commits them (renames) and returns only counts and file names; the
single DuckDB writer loads them as it loads a local shard's.

What the workers need (docs/distributed.md): this project installed (the same lock), the raw
files at the paths the registry holds, and the lake (``WAREHOUSE_PARSE_LAKE``, a directory every
worker and the parse asset's process reach at the same path, with atomic rename: NFS, CephFS,
Lustre, EFS). A worker that dies mid-shard (killed, out of memory, its machine gone) loses the
shard to another worker: the scheduler reschedules it (up to ``distributed.scheduler.allowed-
failures`` deaths); a shard that raises is retried ``WAREHOUSE_PARSE_RETRIES`` times. The dead
attempt's files were never committed, and the loader reads only the files a finished attempt
names.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.lake import ShardResult, ShardTask, commit, default_workers, write_shard

if TYPE_CHECKING:
    from distributed import Client

CLUSTER_ENV = "WAREHOUSE_PARSE_CLUSTER"  # a Dask scheduler's address; unset: this machine's pool
LAKE_ENV = "WAREHOUSE_PARSE_LAKE"  # the shared lake directory; unset: beside the warehouse file
RETRIES_ENV = "WAREHOUSE_PARSE_RETRIES"  # retries of a shard that raised (not of a dead worker's)
HOLD_ENV = "WAREHOUSE_PARSE_HOLD"  # a drill: see hold()
RETRIES_DEFAULT = 2
CONNECT_TIMEOUT = "30s"
WORKER_WAIT = 120.0  # seconds to wait for a first worker of a cluster that has none yet
HOLD_POLL = 0.05


@dataclass(frozen=True)
class Placement:
    """Where a parse run's shards run and write: this machine's process pool and the lake beside
    the warehouse (the default), or a Dask cluster and a lake every worker reaches."""

    cluster: str | None
    lake_root: Path

    @classmethod
    def from_env(cls, local_lake: Path, environ: Mapping[str, str] = os.environ) -> Placement:
        cluster = environ.get(CLUSTER_ENV, "").strip() or None
        shared = environ.get(LAKE_ENV, "").strip()
        return cls(cluster, Path(os.path.abspath(shared)) if shared else local_lake)  # workers: other cwds

    def run_lake(self, run_id: str) -> Path:
        """The run's own lake directory (a killed run's is removed by the next, never loaded)."""
        return self.lake_root / f"parse-{run_id}"

    def clear(self) -> None:
        """Remove every run's lake directory: loaded already, or left by a killed run."""
        for path in self.lake_root.glob("parse-*"):
            shutil.rmtree(path, ignore_errors=True)

    def workers(self) -> int:
        """How many shards can run at once: the cluster's worker threads, or this machine's cores."""
        return cluster_threads(self.cluster) if self.cluster else default_workers()

    def describe(self) -> str:
        where = f"the Dask cluster at {self.cluster}" if self.cluster else "this machine's process pool"
        return f"{where}, lake {self.lake_root}"


@contextmanager
def connect(address: str) -> Iterator[Client]:
    from distributed import Client

    client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    try:
        yield client
    finally:
        client.close()


def cluster_threads(address: str) -> int:
    """The worker threads of the cluster (after waiting for a first worker, if it has none)."""
    with connect(address) as client:
        client.wait_for_workers(1, timeout=WORKER_WAIT)
        return max(1, sum(client.nthreads().values()))


def hold(task: ShardTask) -> None:
    """A drill for a worker killed mid-shard (tests/test_distributed.py uses it): while the file
    named by ``WAREHOUSE_PARSE_HOLD`` (in the worker's environment) exists, an attempt that has
    written its Parquet files waits before committing them, having created
    ``<file>.bucket-<b>.pid-<pid>`` to say so. Unset (the default), nothing waits."""
    gate = os.environ.get(HOLD_ENV)
    if not gate or not Path(gate).exists():
        return
    Path(f"{gate}.bucket-{task.bucket}.pid-{os.getpid()}").touch()
    while Path(gate).exists():
        time.sleep(HOLD_POLL)


def attempt_shard(task: ShardTask) -> ShardResult:
    """One attempt at a shard, on a worker: parse and write, then commit (rename) the files."""
    from distributed import get_worker

    result, staged = write_shard(task)
    hold(task)
    commit(staged)
    result.worker = get_worker().address
    return result


def shard_key(task: ShardTask) -> str:
    """The task's key on the scheduler: which shard, unique to this submission."""
    return f"parse-shard-{task.bucket}-of-{task.buckets}-{uuid.uuid4().hex}"


def retries_from_env(environ: Mapping[str, str] = os.environ) -> int:
    return max(0, int(environ.get(RETRIES_ENV, "").strip() or RETRIES_DEFAULT))


def run_on_cluster(tasks: list[ShardTask], address: str, retries: int | None = None) -> Iterator[ShardResult]:
    """Each shard's result as it finishes on the cluster; the others are cancelled if the caller
    stops early or a shard fails for good."""
    from distributed import as_completed

    retries = retries_from_env() if retries is None else retries
    with connect(address) as client:
        futures = [
            client.submit(attempt_shard, task, pure=False, retries=retries, key=shard_key(task))
            for task in tasks
        ]
        try:
            for done in as_completed(futures, loop=client.loop):  # this client, not a default one
                yield done.result()
        finally:
            client.cancel(futures)
