"""A failed dbt test's asset check says where its failing rows are and which reports they concern.

dagster-dbt (0.29) turns each dbt test result into an ``AssetCheckResult``: ``passed`` only when
dbt says ``pass``; severity ``WARN`` when dbt says ``warn`` (a ``severity: warn`` test that
found rows: shown yellow, as a warning, in the UI), ``ERROR`` otherwise; metadata: dbt's
status, the failing row count, the test's ``unique_id``. It does not say where dbt stored the
failing rows (``store_failures``: the identity tests keep theirs in
``audit.identity_failures__<rule>``) nor which reports fail. :func:`with_failures` adds both to
each failed check whose test stored its failures, read once dbt has exited and released the
warehouse file:

- ``failures_table``: ``schema.table`` of the stored failing rows;
- ``failing_reports``: how many reports they concern;
- ``failing_report_ids``: the first :data:`FIRST_REPORTS` of them (by report id);
- ``first_failing_reports``: the same reports as a table (year, agency, file, failing scopes);

and a description of the result that names the table and what the severity means.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import dagster as dg
import duckdb

from dagster_project.translator import failures_relation

logger = dg.get_dagster_logger()

FIRST_REPORTS = 10
REPORT_COLUMNS = ("report_year", "agency_name", "source_path")  # of marts.dim_report, when it exists


def with_failures(
    events: Iterable[Any],
    con: duckdb.DuckDBPyConnection,
    manifest: Mapping[str, Any],
    limit: int = FIRST_REPORTS,
) -> list[Any]:
    """``events`` with every failed check result of a test that stored its failures enriched.

    ``con`` reads the warehouse dbt wrote (read-only will do); ``manifest`` is dbt's manifest the
    events came from (the test's stored relation is its ``schema`` and ``alias``). Other events,
    passed checks and failed checks of tests that stored nothing are returned as they are.
    """
    relations: dict[tuple[str, str], list[str]] | None = None  # read on the first failure only
    enriched = []
    for event in events:
        if isinstance(event, dg.AssetCheckResult) and not event.passed:
            test = manifest.get("nodes", {}).get(unique_id_of(event) or "")
            relation = failures_relation(test) if test else None
            if relation is not None:
                relations = tables_of(con) if relations is None else relations
                if relation in relations:
                    try:
                        event = enrich(event, con, relation, relations, limit)
                    except duckdb.Error as error:  # a pointer the check lacks must not fail the build
                        logger.warning(f"could not read the failures of {event.check_name}: {error}")
        enriched.append(event)
    return enriched


def unique_id_of(result: dg.AssetCheckResult) -> str | None:
    """The dbt test's ``unique_id`` that dagster-dbt puts in the result's metadata."""
    value = result.metadata.get("unique_id")
    value = getattr(value, "value", value)
    return value if isinstance(value, str) else None


def tables_of(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], list[str]]:
    """The columns of every table and view of the warehouse, by (schema, name)."""
    columns: dict[tuple[str, str], list[str]] = {}
    rows = con.execute(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns "
        "ORDER BY table_schema, table_name, ordinal_position"
    ).fetchall()
    for schema, table, column in rows:
        columns.setdefault((schema, table), []).append(column)
    return columns


def enrich(
    result: dg.AssetCheckResult,
    con: duckdb.DuckDBPyConnection,
    relation: tuple[str, str],
    relations: Mapping[tuple[str, str], list[str]],
    limit: int,
) -> dg.AssetCheckResult:
    table = f"{relation[0]}.{relation[1]}"
    quoted = f'"{relation[0]}"."{relation[1]}"'
    columns = relations[relation]
    [rows] = con.execute(f"SELECT count(*) FROM {quoted}").fetchone()
    metadata: dict[str, Any] = {"failures_table": dg.MetadataValue.text(table)}
    reports: list[tuple] = []
    report_count = None
    if "report_id" in columns:
        [report_count] = con.execute(f"SELECT count(DISTINCT report_id) FROM {quoted}").fetchone()
        reports = first_reports(con, quoted, columns, relations, limit)
        metadata["failing_reports"] = dg.MetadataValue.int(report_count)
        metadata["failing_report_ids"] = dg.MetadataValue.json([row[0] for row in reports])
        metadata["first_failing_reports"] = dg.MetadataValue.md(reports_table(reports))
    return dg.AssetCheckResult(
        passed=result.passed,
        asset_key=result.asset_key,
        check_name=result.check_name,
        severity=result.severity,
        metadata={**result.metadata, **metadata},
        description=result_description(result, table, rows, report_count),
    )


def first_reports(
    con: duckdb.DuckDBPyConnection,
    quoted: str,
    columns: list[str],
    relations: Mapping[tuple[str, str], list[str]],
    limit: int,
) -> list[tuple]:
    """(report_id, failing rows, scopes, report_year, agency_name, source_path) of the first reports."""
    scopes = "string_agg(DISTINCT f.scope, ', ' ORDER BY f.scope)" if "scope" in columns else "NULL"
    known = relations.get(("marts", "dim_report"), [])
    join = "LEFT JOIN marts.dim_report r ON r.report_id = f.report_id" if "report_id" in known else ""
    report = ", ".join(f"any_value(r.{c})" if join and c in known else "NULL" for c in REPORT_COLUMNS)
    return con.execute(
        f"SELECT f.report_id, count(*), {scopes}, {report} FROM {quoted} f {join} "
        "WHERE f.report_id IS NOT NULL GROUP BY f.report_id ORDER BY f.report_id LIMIT ?",
        [limit],
    ).fetchall()


def reports_table(reports: list[tuple]) -> str:
    """The first failing reports as a Markdown table."""
    header = ["report_id", "failing rows", "scopes", *REPORT_COLUMNS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in reports:
        cells = ["" if value is None else str(value).replace("|", "\\|") for value in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def result_description(result: dg.AssetCheckResult, table: str, rows: int, report_count: int | None) -> str:
    found = f"{rows} failing row{'s' if rows != 1 else ''}"
    if report_count is not None:
        found += f" in {report_count} report{'s' if report_count != 1 else ''}"
    if result.severity == dg.AssetCheckSeverity.WARN:
        meaning = "a warning (severity warn): the run went on"
    else:
        meaning = "an error (severity error): the run fails and the warehouse is not published"
    return f"{found}, {meaning}. The rows: SELECT * FROM {table}"
