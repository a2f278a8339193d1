"""Publishing refuses a warehouse whose marts are not the build of its raw tables (issue 14, point 1).

A real DuckDB file with the few tables the checks read; each state a UI selection can leave.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from dagster_project.consistency import facts_fingerprint, fingerprint, publish_blockers

REPORTS = [("r1", 2021), ("r2", 2021), ("r3", 2022)]


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA marts")
    con.execute("CREATE TABLE raw.reports (report_id VARCHAR, report_year INTEGER)")
    con.execute("CREATE TABLE raw.facts_to_rebuild (report_id VARCHAR)")
    con.execute("CREATE TABLE marts.dim_report (report_id VARCHAR, report_year INTEGER)")
    con.executemany("INSERT INTO raw.reports VALUES (?, ?)", REPORTS)
    con.executemany("INSERT INTO marts.dim_report VALUES (?, ?)", REPORTS)
    yield con
    con.close()


def record_facts(con: duckdb.DuckDBPyConnection, state: Path) -> None:
    """As the fact marts' asset does after a build."""
    state.write_text(
        json.dumps({"dbt_project_digest": "x", "dim_report": fingerprint(con, "marts.dim_report")})
    )


def test_a_full_build_publishes(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    state = tmp_path / "facts-state.json"
    record_facts(con, state)
    assert facts_fingerprint(state) == fingerprint(con, "raw.reports")
    assert publish_blockers(con, state) == []


def test_reparsed_reports_not_in_the_facts_block_and_name_their_years(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    state = tmp_path / "facts-state.json"
    record_facts(con, state)
    con.execute("INSERT INTO raw.facts_to_rebuild VALUES ('r1'), ('r3')")  # a parse without the marts
    [blocker] = publish_blockers(con, state)
    assert blocker.startswith("2 re-parsed report(s) of report year(s) 2021…2022")
    assert "materialize the marts group, or all assets, for 2021…2022" in blocker


def test_dimensions_older_than_the_parse_block(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    state = tmp_path / "facts-state.json"
    record_facts(con, state)
    con.execute("INSERT INTO raw.reports VALUES ('r4', 2023)")  # parsed, dbt not run since
    [blocker] = publish_blockers(con, state)
    assert "marts.dim_report holds 3 report(s), not the 4 of raw.reports" in blocker


def test_facts_older_than_the_dimensions_block(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    state = tmp_path / "facts-state.json"
    record_facts(con, state)
    # dbt's dimensions built with a new report, the fact marts not
    con.execute("INSERT INTO raw.reports VALUES ('r4', 2023)")
    con.execute("INSERT INTO marts.dim_report VALUES ('r4', 2023)")
    [blocker] = publish_blockers(con, state)
    assert blocker.startswith("the fact marts (marts/fct_*) were built against other reports")
    # so does a warehouse whose facts were never recorded
    assert publish_blockers(con, tmp_path / "missing.json") == [blocker]


def test_the_fingerprint_tells_sets_apart(con: duckdb.DuckDBPyConnection) -> None:
    before = fingerprint(con, "marts.dim_report")
    con.execute("UPDATE marts.dim_report SET report_id = 'r9' WHERE report_id = 'r2'")  # same count
    assert fingerprint(con, "marts.dim_report") != before
    assert fingerprint(con, "raw.facts_to_rebuild") == (0, 0)
