"""Whether the marts are the build of the raw tables, before anything is published.

A selection launched from the UI may re-parse report years without building the marts, or build
the dimensions without the fact marts (asset backfills run each partitions definition apart).
Publishing then would hand BI tools facts older than their reports. Three cheap checks (a few
hundred thousand report ids at national scale, never the fact rows) tell, and each names what
to materialise:

- ``raw.facts_to_rebuild`` is empty: every re-parsed report reached the fact marts;
- ``marts.dim_report`` holds the reports of ``raw.reports``: dbt ran after the last parse;
- the fact marts were last built against this very ``dim_report`` (its fingerprint, recorded
  by the fact marts' asset after each build in ``<warehouse>.state/facts-state.json``).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

Fingerprint = tuple[int, int]


def fingerprint(con: duckdb.DuckDBPyConnection, relation: str) -> Fingerprint:
    """(count, sum of hashes) of the report ids of ``relation``: equal sets, equal fingerprints."""
    count, hashed = con.execute(
        f"SELECT count(*), coalesce(sum(hash(report_id)::HUGEINT), 0) FROM {relation}"
    ).fetchone()
    return int(count), int(hashed)


def facts_fingerprint(state_path: Path) -> Fingerprint | None:
    """The ``dim_report`` fingerprint the fact marts were last built against (None: unknown)."""
    try:
        recorded = json.loads(state_path.read_text(encoding="utf-8")).get("dim_report")
    except (OSError, ValueError, AttributeError):
        return None
    return (int(recorded[0]), int(recorded[1])) if isinstance(recorded, list) and len(recorded) == 2 else None


def queued_years(con: duckdb.DuckDBPyConnection) -> tuple[int, list[int]]:
    """How many re-parsed reports wait for the fact marts, and their report years."""
    (queued,) = con.execute("SELECT count(*) FROM raw.facts_to_rebuild").fetchone()
    years = con.execute(
        "SELECT DISTINCT report_year FROM raw.reports"
        " WHERE report_id IN (SELECT report_id FROM raw.facts_to_rebuild) ORDER BY 1"
    ).fetchall()
    return int(queued), [int(year) for (year,) in years if year is not None]


def year_span(years: list[int]) -> str:
    if not years:
        return "their years"
    return str(years[0]) if len(years) == 1 else f"{years[0]}…{years[-1]}"


def publish_blockers(con: duckdb.DuckDBPyConnection, facts_state: Path) -> list[str]:
    """Why the warehouse must not be published now, each with what to materialise (empty: publish)."""
    blockers = []
    queued, years = queued_years(con)
    if queued:
        blockers.append(
            f"{queued} re-parsed report(s) of report year(s) {year_span(years)} have not reached the"
            " fact marts (raw.facts_to_rebuild): materialize the marts group, or all assets, for"
            f" {year_span(years)}"
        )
    dims = fingerprint(con, "marts.dim_report")
    raw = fingerprint(con, "raw.reports")
    if dims != raw:
        blockers.append(
            f"marts.dim_report holds {dims[0]} report(s), not the {raw[0]} of raw.reports: the dbt models"
            " were not built after the last parse; materialize all assets (or the staging, intermediate"
            " and marts groups) for the years you re-parsed"
        )
    elif facts_fingerprint(facts_state) != dims:
        blockers.append(
            "the fact marts (marts/fct_*) were built against other reports than marts.dim_report holds:"
            " materialize the marts group (any report year: the facts take in every new or removed report)"
        )
    return blockers
