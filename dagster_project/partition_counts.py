"""Rows of each report year in the fact marts, for their per-partition metadata in Dagster.

A run over a range of report years materialises every year of it; each year's materialisation
says that year's rows (and reports), not the whole table's. Counting a fact mart by year with a
join to ``dim_report`` scans its millions of rows (~1.8 s for 30 M rows); the parse already keeps
each report's rows per raw table (``raw.report_row_counts``), and a fact mart holds exactly the
raw rows of the reports in ``dim_report`` (staging casts only), so a year's rows are a sum over a
few hundred thousand rows. The sum is checked against the mart's own ``count(*)``; where they
differ (or a mart has no raw table), the mart is counted by year directly.
"""

from __future__ import annotations

import duckdb

# fact mart -> the raw table whose rows it holds (dbt/models/staging: one view per raw table)
RAW_TABLE_OF = {
    "fct_disclosures": "disclosure_facts",
    "fct_applications": "application_facts",
    "fct_appeals": "appeal_facts",
    "fct_transactions": "transaction_facts",
    "fct_unmapped_cells": "unmapped_cells",
}


def columns_of(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    ).fetchall()
    return {name for (name,) in rows}


def counted_directly(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> dict[int, int]:
    """A table's rows by report year: its own column, else through its reports in dim_report."""
    relation = f'"{schema}"."{table}"'
    if "report_year" in columns_of(con, schema, table):
        query = f"SELECT report_year, count(*) FROM {relation} GROUP BY ALL"
    else:
        query = (
            f"SELECT d.report_year, count(*) FROM {relation} AS f"
            " JOIN marts.dim_report AS d USING (report_id) GROUP BY ALL"
        )
    return {year: n for year, n in con.execute(query).fetchall() if year is not None}


def from_parse(con: duckdb.DuckDBPyConnection, raw_table: str) -> dict[int, int]:
    """Rows of ``raw_table`` of the reports in dim_report, by their report year."""
    rows = con.execute(
        "SELECT d.report_year, sum(c.row_count)::BIGINT FROM raw.report_row_counts AS c"
        " JOIN marts.dim_report AS d USING (report_id) WHERE c.table_name = ? GROUP BY ALL",
        [raw_table],
    ).fetchall()
    return {year: n for year, n in rows if year is not None}


def rows_by_year(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> dict[int, int]:
    """``schema.table``'s rows by report year (cheaply where the parse's counts hold)."""
    raw_table = RAW_TABLE_OF.get(table)
    if raw_table is not None and "report_row_counts" in relations(con, "raw"):
        counts = from_parse(con, raw_table)
        (total,) = con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()
        if sum(counts.values()) == total:
            return counts
    return counted_directly(con, schema, table)


def relations(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = ?", [schema])
    return {name for (name,) in rows.fetchall()}


def reports_by_year(con: duckdb.DuckDBPyConnection) -> dict[int, int]:
    rows = con.execute("SELECT report_year, count(*) FROM marts.dim_report GROUP BY ALL").fetchall()
    return {year: n for year, n in rows if year is not None}
