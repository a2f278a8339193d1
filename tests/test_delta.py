"""A delta run leaves every mart and audit table exactly as a build from scratch would.

Two agencies publish a chain of consecutive gb2021 reports whose carry-overs hold. A full
build, then a delta that

- changes what agency A's 2022 report carries forward, so the carry-over of its 2023
  report, which is not parsed again, flips from pass to fail (the earlier side of a
  cross-year pair changed);
- breaks the sum of a column of agency A's 2024 report (a within-report identity flips);
- removes agency B's 2021 report, so B's 2022 report, unchanged, loses its cross-year rows;
- moves agency B's 2023 report to 2025 (its title's year changed): B's 2024 report, unchanged,
  loses its prior, and the moved report pairs with it instead.

The delta evaluates only the reports concerned (``intermediate.int_identity_scope``) and sums
again only the roll-up groups they belong to, and the warehouse equals a fresh build of the
changed landing directory, marts and audit alike (the stored identity failures included), and
so does a further run with nothing changed.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import run_in_process
from test_warehouse_model import COLUMNS, application_values, report_html

from dagster_project.dbt_manifest import DBT_PROJECT

pytestmark = pytest.mark.e2e

AGENCY_A = "衡阳市公共资源交易中心"
AGENCY_B = "株洲市公共资源交易中心"


def report(agency: str, year: int, carried_forward: int = 2, broken_total: bool = False) -> str:
    """A gb2021 report that balances; every column carried 2 over from the year before."""
    values = application_values([2] * COLUMNS)
    if carried_forward != 2:  # natural persons carry more forward; the rows stay balanced
        values[("carried_forward", 0)] = Decimal(carried_forward)
        values[("new_received", 0)] += carried_forward - 2
        values[("new_received", COLUMNS)] += carried_forward - 2
        values[("carried_forward", COLUMNS)] += carried_forward - 2
    if broken_total:  # the publisher's arithmetic error: the total column is one too many
        values[("granted", COLUMNS)] += 1
    return report_html(agency, year, values)


def contents(warehouse: Path) -> dict[str, list[str]]:
    """Every marts and audit table as a sorted list of its rows (as text)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables()"
            " WHERE schema_name IN ('marts', 'audit') ORDER BY ALL"
        ).fetchall()
        return {
            f"{schema}.{table}": sorted(
                repr(row) for row in con.execute(f'SELECT * FROM {schema}."{table}"').fetchall()
            )
            for schema, table in tables
        }


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def carry(warehouse: Path, agency: str, year: int) -> dict[str, str]:
    """carry_continuity of an agency's report of a year: scope -> status."""
    rows = query(
        warehouse,
        f"""
        SELECT c.scope, c.status FROM marts.fct_identity_checks c JOIN marts.dim_report r USING (report_id)
        WHERE c.rule_code = 'carry_continuity' AND r.agency_name = '{agency}' AND r.report_year = {year}""",
    )
    return dict(rows)


@pytest.fixture(scope="module")
def delta(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("delta")
    landing = root / "landing"
    landing.mkdir()
    for year in (2021, 2022, 2023, 2024):
        (landing / f"a_{year}.html").write_text(report(AGENCY_A, year), encoding="utf-8")
        (landing / f"b_{year}.html").write_text(report(AGENCY_B, year), encoding="utf-8")
    warehouse, published = root / "data" / "warehouse.duckdb", root / "data" / "published"
    run_in_process(landing, warehouse, published)
    before = {"a_2023": carry(warehouse, AGENCY_A, 2023), "b_2022": carry(warehouse, AGENCY_B, 2022)}
    assert before["a_2023"]["natural_person"] == "pass" and before["b_2022"], before

    (landing / "a_2022.html").write_text(report(AGENCY_A, 2022, carried_forward=3), encoding="utf-8")
    (landing / "a_2024.html").write_text(report(AGENCY_A, 2024, broken_total=True), encoding="utf-8")
    (landing / "b_2021.html").unlink()
    (landing / "b_2023.html").write_text(report(AGENCY_B, 2025), encoding="utf-8")
    delta_run = run_in_process(landing, warehouse, published)
    parse_events = dbt_parse_events(delta_run)  # before later runs prune the run's dbt target dirs

    fresh = root / "fresh" / "warehouse.duckdb"
    run_in_process(landing, fresh, root / "fresh" / "published")
    return {
        "warehouse": warehouse,
        "published": published,
        "fresh": fresh,
        "landing": landing,
        "parse_events": parse_events,
    }


def dbt_parse_events(run_id: str) -> dict[str, list[tuple[str, str]]]:
    """The parsing events (name, message) of each dbt invocation of a run, from its dbt.log."""
    target = DBT_PROJECT.project_dir / DBT_PROJECT.target_path
    events = {}
    for log in sorted(target.glob(f"dbt_*-{run_id[:7]}-*/dbt.log")):
        infos = [json.loads(line)["info"] for line in log.read_text(encoding="utf-8").splitlines()]
        events[log.parent.name.split("-")[0]] = [(i["name"], i["msg"]) for i in infos if "Pars" in i["name"]]
    return events


def test_the_delta_evaluates_only_the_reports_concerned(delta: dict[str, Any]) -> None:
    scope = query(
        delta["warehouse"],
        """
        SELECT r.agency_name, r.report_year FROM intermediate.int_identity_scope s
        JOIN marts.dim_report r USING (report_id) ORDER BY ALL""",
    )
    assert scope == sorted(
        [
            (AGENCY_A, 2022),  # re-parsed
            (AGENCY_A, 2023),  # its prior changed
            (AGENCY_A, 2024),  # re-parsed
            (AGENCY_B, 2022),  # its prior is gone
            (AGENCY_B, 2024),  # its prior moved to 2025, after it
            (AGENCY_B, 2025),  # re-parsed (moved)
        ]
    )
    assert query(delta["warehouse"], "SELECT count(*) FROM raw.facts_to_rebuild") == [(0,)]


def test_identities_flip_as_the_changed_reports_say(delta: dict[str, Any]) -> None:
    warehouse = delta["warehouse"]
    assert carry(warehouse, AGENCY_A, 2023)["natural_person"] == "fail"  # 3 forward, 2 taken over
    assert carry(warehouse, AGENCY_A, 2023)["other_org"] == "pass"
    assert carry(warehouse, AGENCY_B, 2022) == {}  # no 2021 report any more
    assert carry(warehouse, AGENCY_B, 2024) == {}  # no 2023 report any more
    assert set(carry(warehouse, AGENCY_B, 2025).values()) == {"pass"}  # its prior is now the 2024 report
    [(status,)] = query(
        warehouse,
        f"""
        SELECT c.status FROM marts.fct_identity_checks c JOIN marts.dim_report r USING (report_id)
        WHERE c.rule_code = 'app_columns_sum' AND c.scope = 'granted'
          AND r.agency_name = '{AGENCY_A}' AND r.report_year = 2024""",
    )
    assert status == "fail"
    stored = query(warehouse, "SELECT scope FROM audit.identity_failures__carry_continuity ORDER BY 1")
    assert stored == [("natural_person",), ("total",)]  # a_2023's, stored by the warning test


def test_the_delta_does_not_parse_the_dbt_project_again(delta: dict[str, Any]) -> None:
    """A full build and a delta differ in what dbt builds (macros/build_scope.sql), not in dbt's
    vars, and a first build's scope is a delta's: the delta keeps the full build's parse state,
    no file parsed again (a full parse is ~3 s at any size, the roll-ups' files ~2 s)."""
    events = delta["parse_events"]
    assert sorted(events) == ["dbt_warehouse", "dbt_yearly"]
    for asset, parsed in events.items():
        names = [name for name, _msg in parsed]
        assert "UnableToPartialParse" not in names and "PartialParsingFile" not in names, (asset, parsed)
        enabled = [msg for name, msg in parsed if name == "PartialParsingEnabled"]
        assert enabled and all("0 files changed" in msg for msg in enabled), parsed


def test_a_delta_run_equals_a_build_from_scratch(delta: dict[str, Any]) -> None:
    built, fresh = contents(delta["warehouse"]), contents(delta["fresh"])
    assert built.keys() == fresh.keys()
    for table, rows in fresh.items():
        assert built[table] == rows, f"{table} differs from a build from scratch after a delta"
    assert contents(delta["published"] / "warehouse.duckdb") == built


def test_a_run_with_nothing_changed_keeps_it_so(delta: dict[str, Any]) -> None:
    run_in_process(delta["landing"], delta["warehouse"], delta["published"])
    assert query(delta["warehouse"], "SELECT count(*) FROM intermediate.int_identity_scope") == [(0,)]
    assert contents(delta["warehouse"]) == contents(delta["fresh"])
