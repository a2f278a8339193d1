"""Turn parse outcomes into polars frames shaped exactly like the staging tables."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

import polars as pl

from ingest.records import ParsedReport, ParseOutcome, RawFile, Rejection
from ingest.schema import STAGING_TABLES

FACT_TABLES = {
    "disclosure_facts": "disclosures",
    "application_facts": "applications",
    "appeal_facts": "appeals",
    "transaction_facts": "transactions",
    "unmapped_cells": "unmapped",
}


# the tables a parse writes; regions, file versions and the parse log are written elsewhere
PARSE_TABLES = (
    "report_files",
    "reports",
    "report_warnings",
    "disclosure_facts",
    "application_facts",
    "appeal_facts",
    "transaction_facts",
    "unmapped_cells",
    "rejected_files",
)


def empty_rows() -> dict[str, list[dict[str, Any]]]:
    return {name: [] for name in STAGING_TABLES}


def report_row(report: ParsedReport) -> dict[str, Any]:
    row = {name: getattr(report, name, None) for name in STAGING_TABLES["reports"]}
    row["parse_warnings"] = len(report.warnings)
    return row


def add_outcome(rows: dict[str, list[dict[str, Any]]], outcome: ParseOutcome) -> None:
    """Append the rows one parse outcome contributes to each staging table."""
    if isinstance(outcome, Rejection):
        rows["rejected_files"].append(asdict(outcome))
        return
    rows["reports"].append(report_row(outcome))
    rid = outcome.report_id
    rows["report_warnings"].extend(
        {"report_id": rid, "warning_code": w.code, "message": w.message} for w in outcome.warnings
    )
    for table, attribute in FACT_TABLES.items():
        rows[table].extend({"report_id": rid, **asdict(fact)} for fact in getattr(outcome, attribute))


def file_row(raw: RawFile) -> dict[str, Any]:
    return {
        "source_path": raw.source_path,
        "content_sha256": raw.content_sha256,
        "size_bytes": raw.size_bytes,
        "modified_ns": raw.modified_ns,
        "extension": raw.extension,
        "has_sidecar": raw.sidecar is not None,
    }


def to_frame(table: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema = STAGING_TABLES[table]
    columns = {name: [row.get(name) for row in rows] for name in schema}
    return pl.DataFrame(columns, schema=schema)


def build_frames(files: Iterable[RawFile], outcomes: Iterable[ParseOutcome]) -> dict[str, pl.DataFrame]:
    """One frame per staging table (all but ``regions``) from the registered files and their outcomes."""
    rows = empty_rows()
    rows["report_files"] = [file_row(raw) for raw in files]
    for outcome in outcomes:
        add_outcome(rows, outcome)
    return {table: to_frame(table, table_rows) for table, table_rows in rows.items() if table in PARSE_TABLES}
