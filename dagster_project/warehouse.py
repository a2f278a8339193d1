"""The DuckDB warehouse: the resource that opens it, writing staging frames, publishing a snapshot.

DuckDB allows one read-write process or any number of read-only ones, never both. Assets
open the file only inside the ``with`` block that writes and close it on the way out, even
on error, so that dbt (which opens the file itself) finds it free.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
from pydantic import PrivateAttr

from dagster_project.run_lock import RunLock
from ingest.schema import RAW_SCHEMA, STAGING_TABLES

PUBLISHED_SCHEMAS = ("marts", "audit")
PUBLISHED_FILE = "warehouse.duckdb"
MEMORY_LIMIT = "1GB"  # as dbt/profiles.yml: DuckDB spills to disk beyond it, so RSS stays bounded
TEMP_PREFIX, TEMP_SUFFIX = ".warehouse-", ".duckdb.tmp"  # the snapshot while it is written


class DuckDBWarehouse(dg.ConfigurableResource):
    """The warehouse file at ``WAREHOUSE_PATH``; a run holds its run lock from start to end."""

    path: str
    lock_wait_seconds: float = 120.0
    _lock: RunLock | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if context.run is None:
            return  # a sensor reading the registry, not a run: no lock
        self._lock = RunLock(self.path)
        log = context.log.info if context.log else print
        self._lock.acquire(self.lock_wait_seconds, context.run.run_id, log)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if not read_only:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.path, read_only=read_only, config={"memory_limit": MEMORY_LIMIT})
        try:
            yield con
        finally:
            con.close()


def lake_dir(warehouse_path: str | Path) -> Path:
    """The staging lake beside the warehouse file: the Parquet parse shards write for it to load."""
    path = Path(warehouse_path)
    return path.with_name(path.name + ".lake")


def clear_lake(warehouse_path: str | Path) -> None:
    """Remove the lake's parse output (loaded already, or left by a killed run and never loaded)."""
    shutil.rmtree(lake_dir(warehouse_path), ignore_errors=True)


class LandingDir(dg.ConfigurableResource):
    """``WAREHOUSE_LANDING_DIR``: raw report files, searched recursively."""

    path: str


class PublishDir(dg.ConfigurableResource):
    """``WAREHOUSE_PUBLISH_DIR``: what BI tools read after a successful build."""

    path: str


# ---------------------------------------------------------------------------------------------
# staging tables


def duckdb_type(dtype: pl.DataType) -> str:
    """The DuckDB column type a polars dtype of ``ingest.schema`` becomes."""
    if isinstance(dtype, pl.Decimal):
        return f"DECIMAL({dtype.precision},{dtype.scale})"
    if isinstance(dtype, pl.List):
        return f"{duckdb_type(dtype.inner)}[]"
    simple = {
        pl.String: "VARCHAR",
        pl.Int64: "BIGINT",
        pl.Int32: "INTEGER",
        pl.Boolean: "BOOLEAN",
        pl.Date: "DATE",
        pl.Float64: "DOUBLE",  # an OCR'd fact's confidence
    }
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMP WITH TIME ZONE"
    for polars_type, sql_type in simple.items():
        if isinstance(dtype, polars_type):
            return sql_type
    raise TypeError(f"no DuckDB type for {dtype!r}")


def expected_columns(table: str) -> list[tuple[str, str]]:
    return [(name, duckdb_type(dtype)) for name, dtype in STAGING_TABLES[table].items()]


def table_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str]]:
    return [
        (name, data_type)
        for name, data_type in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [schema, table],
        ).fetchall()
    ]


def replace_staging_tables(
    con: duckdb.DuckDBPyConnection, frames: Mapping[str, pl.DataFrame], in_transaction: bool = False
) -> None:
    """``CREATE OR REPLACE`` each ``raw.<table>`` from its frame, all in one transaction.

    A frame must have exactly the columns and types of ``ingest.schema``; the written
    table is checked against them, so a drift fails the asset instead of the dbt contract.
    ``in_transaction``: the caller holds a transaction already.
    """
    for table, frame in frames.items():
        check_frame(table, frame)
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    if not in_transaction:
        with transaction(con):
            replace_staging_tables(con, frames, in_transaction=True)
        return
    for table, frame in frames.items():
        con.register("staging_frame", frame)
        try:
            con.execute(f'CREATE OR REPLACE TABLE {RAW_SCHEMA}."{table}" AS SELECT * FROM staging_frame')
        finally:
            con.unregister("staging_frame")
        written = table_columns(con, RAW_SCHEMA, table)
        if written != expected_columns(table):
            raise TypeError(f"{RAW_SCHEMA}.{table} was written as {written}, not {expected_columns(table)}")


def check_frame(table: str, frame: pl.DataFrame) -> None:
    wanted = dict(STAGING_TABLES[table])
    if dict(frame.schema) != wanted:
        raise ValueError(f"frame for {RAW_SCHEMA}.{table} has schema {dict(frame.schema)}, not {wanted}")


def ensure_tables(con: duckdb.DuckDBPyConnection, tables: list[str]) -> list[str]:
    """Create missing ``raw`` tables empty; rebuild any whose columns drifted from ``ingest.schema``.

    Returns the tables that were (re)created, so the caller knows its incremental state is gone.
    """
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    created = []
    for table in tables:
        existing = table_columns(con, RAW_SCHEMA, table)
        if existing == expected_columns(table):
            continue
        empty = pl.DataFrame(schema=STAGING_TABLES[table])
        con.register("empty_frame", empty)
        try:
            con.execute(f'CREATE OR REPLACE TABLE {RAW_SCHEMA}."{table}" AS SELECT * FROM empty_frame')
        finally:
            con.unregister("empty_frame")
        created.append(table)
    return created


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All or nothing: a run killed inside leaves the tables as they were before it."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


# ---------------------------------------------------------------------------------------------
# publication


@dataclass
class Publication:
    warehouse_file: Path
    tables: dict[str, int] = field(default_factory=dict)  # "schema.table" -> rows
    parquet_files: list[Path] = field(default_factory=list)
    removed_parquet: list[Path] = field(default_factory=list)
    removed_leftovers: list[Path] = field(default_factory=list)  # temporary files of a killed publication


def sql_string(value: str | os.PathLike[str]) -> str:
    return "'" + os.fspath(value).replace("'", "''") + "'"


def publish_warehouse(warehouse: str | os.PathLike[str], publish_dir: str | os.PathLike[str]) -> Publication:
    """Snapshot ``warehouse``'s published schemas into ``publish_dir``: a DuckDB file and a Parquet
    file per table.

    The snapshot is for BI users (contract §2): it holds the ``marts`` and ``audit`` schemas
    (:data:`PUBLISHED_SCHEMAS`) and nothing else, no raw file paths or staging internals. While a
    read-only connection keeps any writer out, each published table is copied into a new DuckDB
    file in the same directory and written to Parquet, so both hold the same state; the file is
    then swapped in with ``os.replace``: a reader sees the old snapshot or the new one, never
    half of one. Each Parquet file is swapped the same way; Parquet files of tables that no
    longer exist are removed. Temporary files that a publication killed midway left behind
    (SIGKILL skips the clean-up below) are removed first: a run holds the warehouse's run lock,
    so no other publication of it is writing one.
    """
    source = Path(warehouse)
    target_dir = Path(publish_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / PUBLISHED_FILE
    published = Publication(warehouse_file=target)
    published.removed_leftovers = remove_leftovers(target_dir)
    handle, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=target_dir)
    os.close(handle)
    temp = Path(temp_name)
    temp.unlink()  # DuckDB creates the file itself; an empty file is not a database
    try:
        con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT})
        try:
            # DuckDB's own guard: no process can write the file while this connection reads it (one
            # that holds it for writing makes the attach fail)
            con.execute(f"ATTACH {sql_string(source)} AS source_db (READ_ONLY)")
            con.execute(f"ATTACH {sql_string(temp)} AS snapshot")
            for schema, table in published_tables(con, "source_db"):
                name = f'"{schema}"."{table}"'
                con.execute(f'CREATE SCHEMA IF NOT EXISTS snapshot."{schema}"')
                con.execute(f"CREATE TABLE snapshot.{name} AS SELECT * FROM source_db.{name}")
                published.tables[f"{schema}.{table}"] = con.execute(
                    f"SELECT count(*) FROM snapshot.{name}"
                ).fetchone()[0]
                published.parquet_files.append(write_parquet(con, "snapshot", target_dir, schema, table))
            con.execute("DETACH snapshot")  # checkpointed: the file holds every table, no WAL
            con.execute("DETACH source_db")
        finally:
            con.close()
        os.replace(temp, target)
    finally:
        for leftover in (temp, temp.with_name(temp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    published.removed_parquet = remove_stale_parquet(target_dir, published.parquet_files)
    return published


def published_tables(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables()"
        " WHERE database_name = ? AND list_contains(?, schema_name)"
        " ORDER BY schema_name, table_name",
        [database, list(PUBLISHED_SCHEMAS)],
    ).fetchall()


def remove_leftovers(target_dir: Path) -> list[Path]:
    """Delete the temporary snapshot (and its WAL) and Parquet files of a publication that was killed."""
    leftovers = sorted(
        [
            *target_dir.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"),
            *target_dir.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}.wal"),
            *target_dir.glob("parquet/*/.*.parquet.tmp"),
        ]
    )
    for path in leftovers:
        path.unlink(missing_ok=True)
    return leftovers


def write_parquet(
    con: duckdb.DuckDBPyConnection, database: str, target_dir: Path, schema: str, table: str
) -> Path:
    folder = target_dir / "parquet" / schema
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{table}.parquet"
    temp = folder / f".{table}.parquet.tmp"
    try:
        con.execute(f'COPY {database}."{schema}"."{table}" TO {sql_string(temp)} (FORMAT parquet)')
        os.replace(temp, final)
    finally:
        temp.unlink(missing_ok=True)
    return final


def remove_stale_parquet(target_dir: Path, keep: list[Path]) -> list[Path]:
    root = target_dir / "parquet"
    kept = {path.resolve() for path in keep}
    removed = []
    for path in sorted(root.glob("*/*.parquet")):
        if path.resolve() not in kept:
            path.unlink()
            removed.append(path)
    return removed
