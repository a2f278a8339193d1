"""The staging lake: parse work cut into shards by content-hash bucket, written as Parquet.

A shard is every due file whose content hash falls in one bucket, so all copies of one
content meet in the same shard (the duplicate rule needs no other shard). A worker
parses its shard and writes one Parquet file per table and report year::

    <lake>/<table>/report_year=<year>/bucket=<b>/part-<b>-of-<B>.parquet

and returns only counts. Nothing but file names crosses the process boundary, so the
single DuckDB writer loads each shard with one bulk ``read_parquet`` and the parse scales
with the workers: a process pool here, or a Dask cluster of other machines writing to a shared
lake (``ingest.cluster``, docs/distributed.md).

A shard's files appear whole or not at all: an attempt writes each under a name of its own
(``.part-….parquet.<attempt>.tmp``, which no ``*.parquet`` glob matches) and renames them to
their final names only once every one is written (:func:`commit`). A worker killed mid-shard
leaves temporary files the loader never reads (it reads the file names a finished shard
returns); its retry writes the same final names.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingest import PARSER_VERSION
from ingest.frames import PARSED_TABLES, Rows, to_frame
from ingest.pipeline import collector_paused, parse_files
from ingest.records import ParsedReport, ParseOutcome, RawFile

# the tables a shard writes: the parse's tables (not the registry) and the parse cache
LAKE_TABLES = (*PARSED_TABLES, "parse_log")
SHARD_FILES = 400  # files per shard at most: bounds a worker's memory (~150 fact rows a report)
SHARDS_PER_WORKER = 4  # at least this many shards per worker, so a slow shard does not idle the others
PARALLEL_FROM = 64  # fewer due files than this are parsed in the calling process
NO_YEAR = "__HIVE_DEFAULT_PARTITION__"  # the partition of rows without a report year (Hive's NULL)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))


def bucket_of(content_sha256: str | None, buckets: int) -> int:
    """The hash bucket of a content; a file without a hash (unreadable) is in the first."""
    return int(content_sha256[:8], 16) % buckets if content_sha256 is not None else 0


def bucket_count(n_files: int, workers: int) -> int:
    if n_files < PARALLEL_FROM or workers <= 1:
        return max(1, math.ceil(n_files / SHARD_FILES))
    return max(workers * SHARDS_PER_WORKER, math.ceil(n_files / SHARD_FILES))


@dataclass(frozen=True)
class ShardTask:
    """One bucket's due files, in discovery order, and what a worker needs to parse them."""

    bucket: int
    buckets: int
    files: tuple[RawFile, ...]
    reported: Mapping[str, str]  # hashes of these files already loaded as reports -> their paths
    lake_dir: str
    parsed_at: dt.datetime


@dataclass
class ShardResult:
    """What a shard wrote: the Parquet files per table, and counts for the run's log."""

    bucket: int
    files: int
    parquet: dict[str, list[str]] = field(default_factory=dict)
    rows: Counter = field(default_factory=Counter)
    rejects: Counter = field(default_factory=Counter)
    warnings: Counter = field(default_factory=Counter)
    templates: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    worker: str = ""  # where it ran, on a cluster (its worker's address); empty in a local process


def plan_shards(
    files: list[RawFile],
    reported: Mapping[str, str],
    lake_dir: Path,
    parsed_at: dt.datetime,
    workers: int,
) -> list[ShardTask]:
    """Cut the due files into hash buckets (empty buckets make no task)."""
    buckets = bucket_count(len(files), workers)
    members: dict[int, list[RawFile]] = {}
    for raw in files:
        members.setdefault(bucket_of(raw.content_sha256, buckets), []).append(raw)
    return [
        ShardTask(
            bucket,
            buckets,
            tuple(shard),
            {raw.content_sha256: reported[sha] for raw in shard if (sha := raw.content_sha256) in reported},
            str(lake_dir),
            parsed_at,
        )
        for bucket, shard in sorted(members.items())
    ]


def log_row(outcome: ParseOutcome, parsed_at: dt.datetime) -> tuple | None:
    """The parse cache's row for an outcome; a copy of known content says nothing new (None), and
    neither does a file that could not be read (its content is not known: read again next run)."""
    is_report = isinstance(outcome, ParsedReport)
    if not is_report and outcome.error_code in ("duplicate_content", "unreadable"):
        return None
    return (
        outcome.content_sha256,
        outcome.source_path,
        PARSER_VERSION,
        "report" if is_report else "rejected",
        outcome.report_year if is_report else None,
        parsed_at,
    )


def partition_path(lake_dir: str, table: str, year: object, bucket: int, buckets: int) -> Path:
    year_key = NO_YEAR if year is None else str(year)
    name = f"part-{bucket}-of-{buckets}.parquet"
    return Path(lake_dir) / table / f"report_year={year_key}" / f"bucket={bucket}" / name


def staged_path(final: Path, attempt: str) -> Path:
    """Where an attempt writes ``final`` before :func:`commit` renames it (same directory, so the
    rename is atomic; a name no ``*.parquet`` glob matches)."""
    return final.with_name(f".{final.name}.{attempt}.tmp")


@dataclass
class Staged:
    """The Parquet files one attempt at a shard wrote, (temporary, final) pairs, not yet committed."""

    attempt: str = field(default_factory=lambda: f"{os.getpid()}-{uuid.uuid4().hex[:12]}")
    files: list[tuple[Path, Path]] = field(default_factory=list)


def write_partitions(
    task: ShardTask, table: str, frame: pl.DataFrame, year: pl.Expr, staged: Staged
) -> list[str]:
    """One Parquet file per report year of the frame's rows, written under a temporary name of
    the attempt's (``staged`` records it); the final names are returned."""
    if frame.is_empty():
        return []
    written = []
    keyed = frame.with_columns(year.alias("__report_year"))
    for (key,), part in keyed.group_by("__report_year", maintain_order=True):
        path = partition_path(task.lake_dir, table, key, task.bucket, task.buckets)
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = staged_path(path, staged.attempt)
        staged.files.append((temp, path))
        part.drop("__report_year").write_parquet(temp, statistics=False)
        written.append(str(path))
    return written


def commit(staged: Staged) -> None:
    """Give an attempt's files their final names (each rename atomic: a reader sees a whole file)."""
    for temp, final in staged.files:
        os.replace(temp, final)


def discard(staged: Staged) -> None:
    for temp, _final in staged.files:
        temp.unlink(missing_ok=True)


def parse_to_rows(
    files: list[RawFile], reported: Mapping[str, str], parsed_at: dt.datetime
) -> tuple[Rows, dict[str, tuple]]:
    """The staging rows of ``files`` and their parse cache rows (by content hash): a shard's parse."""
    rows = Rows()
    log: dict[str, tuple] = {}
    with collector_paused():
        for outcome in parse_files(files, reported):
            rows.add(outcome)
            entry = log_row(outcome, parsed_at)
            if entry is not None and (entry[3] == "report" or outcome.content_sha256 not in log):
                log[outcome.content_sha256] = entry
    return rows, log


def parse_shard(task: ShardTask) -> ShardResult:
    """Parse one shard and write its Parquet files; only counts and file names are returned."""
    result, staged = write_shard(task)
    commit(staged)
    return result


def write_shard(task: ShardTask) -> tuple[ShardResult, Staged]:
    """Parse one shard and write its Parquet files under the attempt's temporary names; they
    are the shard's once :func:`commit` renames them. A failure removes what was written."""
    staged = Staged()
    try:
        return parse_and_write(task, staged), staged
    except BaseException:
        discard(staged)
        raise


def parse_and_write(task: ShardTask, staged: Staged) -> ShardResult:
    started = time.perf_counter()
    rows, log = parse_to_rows(task.files, task.reported, task.parsed_at)
    result = ShardResult(task.bucket, len(task.files))
    frames = {table: rows.frame(table) for table in LAKE_TABLES if table != "parse_log"}
    frames["parse_log"] = to_frame("parse_log", list(log.values()))
    reports = frames["reports"]
    years = dict(zip(reports["report_id"].to_list(), reports["report_year"].to_list(), strict=True))
    by_report = pl.col("report_id").replace_strict(years, default=None, return_dtype=pl.Int32)
    for table, frame in frames.items():
        year = (
            pl.col("report_year")
            if table in ("reports", "parse_log")
            else pl.lit(None, pl.Int32)
            if table == "rejected_files"
            else by_report
        )
        result.parquet[table] = write_partitions(task, table, frame, year, staged)
        result.rows[table] = len(frame)
    result.rejects.update(frames["rejected_files"]["error_code"].to_list())
    result.warnings.update(frames["report_warnings"]["warning_code"].to_list())
    result.templates.update(reports["template_version"].to_list())
    result.seconds = time.perf_counter() - started
    return result


def run_shards(tasks: list[ShardTask], workers: int, cluster: str | None = None) -> Iterator[ShardResult]:
    """Each shard's result as it finishes: on ``workers`` processes where there is more than one
    shard, or on the Dask cluster whose scheduler is at ``cluster`` (``ingest.cluster``).

    A local worker that dies (killed for memory, say) breaks the pool: the run fails with
    ``BrokenProcessPool`` rather than waiting for ever on the shard it held, as a
    ``multiprocessing.Pool`` does. A cluster gives a dead worker's shard to another worker.
    """
    if cluster and tasks:  # nothing to parse: no connection to the cluster
        from ingest.cluster import run_on_cluster  # imported only for a cluster: the pool needs none

        yield from run_on_cluster(tasks, cluster)
        return
    if workers <= 1 or len(tasks) <= 1:
        yield from map(parse_shard, tasks)
        return
    # spawn, not fork: the caller may be a threaded process (Dagster), which fork does not copy safely
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(min(workers, len(tasks)), mp_context=context) as pool:
        futures = [pool.submit(parse_shard, task) for task in tasks]
        try:
            for done in as_completed(futures):
                yield done.result()
        finally:  # the caller stopped early, or a shard failed: start no other shard
            for future in futures:
                future.cancel()
