"""Turn parse outcomes into polars frames shaped exactly like the staging tables.

Rows are gathered column by column with ``attrgetter`` (no ``dataclasses.asdict``, which
deep-copies every fact): a report yields ~150 fact rows, so this runs ~150,000 times per
1,000 reports and was the dearest step after the parse itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from operator import attrgetter
from typing import Any

import polars as pl

from ingest.records import (
    AppealFact,
    ApplicationFact,
    DisclosureFact,
    ParseOutcome,
    RawFile,
    Rejection,
    TransactionFact,
    UnmappedCell,
)
from ingest.schema import STAGING_TABLES

# staging table -> (ParsedReport attribute, fact class)
FACT_TABLES: dict[str, tuple[str, type]] = {
    "disclosure_facts": ("disclosures", DisclosureFact),
    "application_facts": ("applications", ApplicationFact),
    "appeal_facts": ("appeals", AppealFact),
    "transaction_facts": ("transactions", TransactionFact),
    "unmapped_cells": ("unmapped", UnmappedCell),
}

# the tables one parse outcome fills, in the order the parse asset reports them
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
# the frames build_frames makes: the registry and the parsed tables (regions, file versions
# and the parse log are written elsewhere)
PARSE_TABLES = ("report_files", *PARSED_TABLES)


def columns_of(table: str) -> list[str]:
    return list(STAGING_TABLES[table])


def fact_getter(table: str, fact_class: type) -> attrgetter:
    """The fact's values in the table's column order (after ``report_id``)."""
    names = [name for name in columns_of(table) if name != "report_id"]
    missing = set(names) - {f.name for f in fields(fact_class)}
    if missing:
        raise TypeError(f"{fact_class.__name__} has no field(s) {sorted(missing)} for raw.{table}")
    return attrgetter(*names)


FACT_GETTERS = {table: fact_getter(table, cls) for table, (_, cls) in FACT_TABLES.items()}
REPORT_COLUMNS = [name for name in columns_of("reports") if name != "parse_warnings"]
REPORT_GETTER = attrgetter(*REPORT_COLUMNS)
REJECTION_GETTER = attrgetter(*columns_of("rejected_files"))


class Rows:
    """Row tuples per staging table, in the table's column order."""

    def __init__(self) -> None:
        self.tables: dict[str, list[tuple[Any, ...]]] = {name: [] for name in PARSE_TABLES}

    def add(self, outcome: ParseOutcome) -> None:
        """Append the rows one parse outcome contributes to each staging table."""
        if isinstance(outcome, Rejection):
            self.tables["rejected_files"].append(REJECTION_GETTER(outcome))
            return
        rid = outcome.report_id
        self.tables["reports"].append((*REPORT_GETTER(outcome), len(outcome.warnings)))
        self.tables["report_warnings"].extend((rid, w.code, w.message) for w in outcome.warnings)
        for table, (attribute, _) in FACT_TABLES.items():
            getter = FACT_GETTERS[table]
            self.tables[table].extend((rid, *getter(fact)) for fact in getattr(outcome, attribute))

    def frame(self, table: str) -> pl.DataFrame:
        return to_frame(table, self.tables[table])


def file_row(raw: RawFile) -> tuple[Any, ...]:
    return (
        raw.source_path,
        raw.content_sha256,
        raw.size_bytes,
        raw.modified_ns,
        raw.extension,
        raw.sidecar is not None,
    )


def to_frame(table: str, rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=STAGING_TABLES[table], orient="row")


def build_frames(files: Iterable[RawFile], outcomes: Iterable[ParseOutcome]) -> dict[str, pl.DataFrame]:
    """One frame per table of :data:`PARSE_TABLES` from the registered files and their outcomes."""
    rows = Rows()
    rows.tables["report_files"] = [file_row(raw) for raw in files]
    for outcome in outcomes:
        rows.add(outcome)
    return {table: rows.frame(table) for table in PARSE_TABLES}
