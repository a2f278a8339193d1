"""Asset checks a data engineer can read: described, readably named, and a warning that says where.

Every dbt test of the code location is an asset check with a description (the identity rules in
Chinese and English); a failed identity check is a warning (severity WARN) whose metadata names
its audit table and its first failing reports, from a real dbt build of a report with a broken
carry-over.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest
import yaml
from conftest import warehouse_assets

from dagster_project.check_results import with_failures
from dagster_project.dbt_manifest import DBT_PROJECT
from dagster_project.translator import check_description, failures_relation

HAN = re.compile(r"[\u4e00-\u9fff]")
# the identity rules of the contract, as dbt_project.yml lists them (vars: rule_codes)
RULES = tuple(
    yaml.safe_load((DBT_PROJECT.project_dir / "dbt_project.yml").read_text("utf-8"))["vars"]["rule_codes"]
)
READABLE_NAME = 48  # the longest check name; dbt's generated ones ran to 151 characters


@pytest.fixture(scope="module")
def manifest(dbt_manifest: Path) -> dict[str, Any]:
    return json.loads(dbt_manifest.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def check_specs(dbt_manifest: Path) -> list[dg.AssetCheckSpec]:
    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    return [graph.get_check_spec(key) for key in graph.asset_check_keys]


def dbt_tests(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [node for node in manifest["nodes"].values() if node["resource_type"] == "test"]


def test_every_dbt_test_is_a_described_check(check_specs, manifest) -> None:
    assert len(check_specs) == len(dbt_tests(manifest)), "a test is not a check (or two share a key)"
    undescribed = [spec.key.to_user_string() for spec in check_specs if not (spec.description or "").strip()]
    assert undescribed == []
    # none falls back to the catch-all: every kind of test we use has its own words
    vague = [spec.name for spec in check_specs if "every row its SQL returns" in spec.description]
    assert vague == []


def test_identity_checks_describe_their_rule_in_chinese_and_english(check_specs) -> None:
    identity = {spec.name: spec for spec in check_specs if spec.name.startswith("identity_holds__")}
    assert set(identity) == {f"identity_holds__{rule}" for rule in RULES}
    for rule in RULES:
        spec = identity[f"identity_holds__{rule}"]
        chinese, english, *_ = spec.description.split("\n\n")
        assert HAN.search(chinese) and "=" in chinese, spec.description
        assert not HAN.search(english) and "=" in english and re.search(r"[a-z]{4} [a-z]{4}", english)
        assert f"`audit.identity_failures__{rule}`" in spec.description
        assert "Severity warn" in spec.description
        assert not spec.blocking, "a publisher's arithmetic error must not block the marts"


def test_check_names_are_unique_and_readable(check_specs) -> None:
    names = [spec.name for spec in check_specs]
    assert len(set(names)) == len(names), "check names are not unique across the code location"
    assert len({spec.key for spec in check_specs}) == len(check_specs)
    too_long = [name for name in names if len(name) > READABLE_NAME]
    assert too_long == [], "give the test a `name:` in its yml (<test>_<model>_<column>)"
    assert all(re.fullmatch(r"[a-z0-9_]+", name) and not name.endswith("_") for name in names)


def test_generated_descriptions_say_what_is_checked(manifest) -> None:
    by_name = {node["name"]: node for node in dbt_tests(manifest)}
    not_null = check_description(by_name["not_null_columns_dim_report"], manifest)
    assert not_null.startswith("None of `report_id`, ") and "of `dim_report` is ever NULL." in not_null
    relationships = check_description(by_name["relationships_fct_applications_report_id"], manifest)
    assert relationships.startswith(
        "Every `report_id` of `fct_applications` is a `report_id` of `dim_report`"
    )
    accepted = check_description(by_name["accepted_values_fct_identity_checks_status"], manifest)
    assert "`pass`, `fail` or `not_assessable`" in accepted
    keyed = check_description(by_name["unique_combination_fct_appeals"], manifest)
    assert "(`report_id`, `appeal_kind`, `result_code`)" in keyed and "source_method = 'table'" in keyed
    assert "Severity error" in keyed


# --- failed checks name their stored failing rows --------------------------------------------


def identity_test(manifest: dict[str, Any], rule: str) -> dict[str, Any]:
    [node] = [node for node in dbt_tests(manifest) if node["name"] == f"identity_holds__{rule}"]
    return node


def warehouse_with_failures(path: Path, failing: dict[str, list[str]]) -> Path:
    """A warehouse file with dim_report and the stored failures of app_balance: report → scopes."""
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts; CREATE SCHEMA audit")
        con.execute(
            "CREATE TABLE marts.dim_report (report_id VARCHAR, report_year INTEGER, agency_name VARCHAR, "
            "source_path VARCHAR)"
        )
        con.execute(
            "CREATE TABLE audit.identity_failures__app_balance (report_id VARCHAR, rule_code VARCHAR, "
            "scope VARCHAR, lhs DECIMAL(38, 6), rhs DECIMAL(38, 6), status VARCHAR)"
        )
        for n, (report, scopes) in enumerate(failing.items()):
            con.execute(
                "INSERT INTO marts.dim_report VALUES (?, 2022, '某市政务服务中心', ?)", [report, f"r{n}.html"]
            )
            for scope in scopes:
                con.execute(
                    "INSERT INTO audit.identity_failures__app_balance "
                    "VALUES (?, 'app_balance', ?, 3, 2, 'fail')",
                    [report, scope],
                )
    return path


def dbt_result(node: dict[str, Any], passed: bool, severity: dg.AssetCheckSeverity) -> dg.AssetCheckResult:
    """A check result as dagster-dbt yields it for ``node``."""
    return dg.AssetCheckResult(
        passed=passed,
        asset_key=dg.AssetKey(["marts", "fct_identity_checks"]),
        check_name=node["name"],
        severity=severity,
        metadata={"unique_id": node["unique_id"], "status": "warn", "dagster_dbt/failed_row_count": 13},
    )


def test_a_failed_warning_names_its_audit_table_and_first_reports(tmp_path: Path, manifest) -> None:
    node = identity_test(manifest, "app_balance")
    assert failures_relation(node) == ("audit", "identity_failures__app_balance")
    failing = {f"r{n:02d}": ["total", "natural_person"] if n == 3 else ["total"] for n in range(12, 0, -1)}
    path = warehouse_with_failures(tmp_path / "w.duckdb", failing)
    other = dg.Output(None, output_name="marts__dim_report")
    with duckdb.connect(str(path), read_only=True) as con:
        warned = dbt_result(node, False, dg.AssetCheckSeverity.WARN)
        [out, result] = with_failures([other, warned], con, manifest)
    assert out is other
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.WARN)
    metadata = {key: value.value for key, value in result.metadata.items()}
    assert metadata["failures_table"] == "audit.identity_failures__app_balance"
    assert metadata["failing_reports"] == 12
    assert metadata["failing_report_ids"] == [f"r{n:02d}" for n in range(1, 11)]  # the first ten
    assert metadata["dagster_dbt/failed_row_count"] == 13  # dagster-dbt's metadata is kept
    row = "| r03 | 2 | natural_person, total | 2022 | 某市政务服务中心 | r9.html |"
    assert row in metadata["first_failing_reports"]
    assert "13 failing rows in 12 reports" in result.description
    assert "audit.identity_failures__app_balance" in result.description and "warning" in result.description


def test_an_error_names_its_table_passes_and_unstored_are_untouched(tmp_path: Path, manifest) -> None:
    node = identity_test(manifest, "app_balance")
    path = warehouse_with_failures(tmp_path / "w.duckdb", {"r1": ["total"]})
    passed = dbt_result(node, True, dg.AssetCheckSeverity.WARN)
    [unstored] = [n for n in dbt_tests(manifest) if n["name"] == "not_null_columns_dim_report"]
    not_stored = dbt_result(unstored, False, dg.AssetCheckSeverity.ERROR)
    with duckdb.connect(str(path), read_only=True) as con:
        error, same, untouched = with_failures(
            [dbt_result(node, False, dg.AssetCheckSeverity.ERROR), passed, not_stored], con, manifest
        )
    assert error.severity == dg.AssetCheckSeverity.ERROR
    assert error.metadata["failures_table"].value == "audit.identity_failures__app_balance"
    assert "severity error" in error.description
    assert same is passed and untouched is not_stored


# --- the real thing: dbt builds a warehouse where an identity fails ----------------------------


def materialize(warehouse: Path, landing: Path, **kwargs: Any) -> dg.ExecuteInProcessResult:
    """Materialise the code location (or ``selection``) into ``warehouse``; dbt runs as its CLI."""
    from dagster_project.definitions import defs
    from dagster_project.warehouse import DuckDBWarehouse, LandingDir, PublishDir

    resources = {
        **defs.resources,
        "warehouse": DuckDBWarehouse(path=str(warehouse)),
        "landing": LandingDir(path=str(landing)),
        "publish_dir": PublishDir(path=str(warehouse.parent / "published")),
    }
    return dg.materialize(warehouse_assets(defs), resources=resources, **kwargs)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> dict[str, Any]:
    """Two reports of one agency; 2022 carries over 3 requests of natural persons where 2021
    carried 2 forward (tests/test_warehouse_model.py's reports)."""
    from test_warehouse_model import COLUMNS, report_text

    from dagster_project.runs import NEW_FILES_ONLY, report_year_keys

    root = tmp_path_factory.mktemp("checks")
    landing = root / "landing"
    landing.mkdir()
    (landing / "hy_2021.html").write_text(report_text(2021, [1] * COLUMNS), encoding="utf-8")
    (landing / "hy_2022.html").write_text(report_text(2022, [3] + [2] * (COLUMNS - 1)), encoding="utf-8")
    warehouse = root / "w.duckdb"
    years = report_year_keys()
    result = materialize(
        warehouse,
        landing,
        run_config=NEW_FILES_ONLY,
        tags={
            "dagster/asset_partition_range_start": years[0],
            "dagster/asset_partition_range_end": years[-1],
        },
    )
    return {"result": result, "warehouse": warehouse, "landing": landing}


@pytest.mark.e2e
def test_a_failed_identity_is_a_warning_that_names_its_audit_table(built: dict[str, Any]) -> None:
    result = built["result"]
    assert result.success, "a failed identity (severity warn) must not fail the run"
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}

    failed = evaluations["identity_holds__carry_continuity"]
    assert (failed.passed, failed.severity) == (False, dg.AssetCheckSeverity.WARN)
    with duckdb.connect(str(built["warehouse"]), read_only=True) as con:
        [(report_id,)] = con.execute(
            "SELECT report_id FROM marts.dim_report WHERE source_path LIKE '%hy_2022.html'"
        ).fetchall()
    metadata = {key: value.value for key, value in failed.metadata.items()}
    assert metadata["failures_table"] == "audit.identity_failures__carry_continuity"
    assert metadata["failing_report_ids"] == [report_id]
    assert metadata["failing_reports"] == 1
    assert "hy_2022.html" in metadata["first_failing_reports"]
    assert "natural_person, total" in metadata["first_failing_reports"]
    assert metadata["dagster_dbt/failed_row_count"] == 2
    assert "audit.identity_failures__carry_continuity" in failed.description

    held = evaluations["identity_holds__app_balance"]
    assert held.passed and "failures_table" not in held.metadata
    assert all(e.passed for name, e in evaluations.items() if not name.startswith("identity_holds__"))


@pytest.mark.e2e
def test_a_failed_error_check_is_reported_before_the_run_fails(built: dict[str, Any], tmp_path: Path) -> None:
    """An error-severity failure fails the run, and its check still says Failed (not "Execution
    failed" with no result), with what dbt found."""
    from dagster_project.defs.assets.dbt import dbt_warehouse

    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(built["warehouse"], warehouse)
    with duckdb.connect(str(warehouse)) as con:  # a five-digit division code
        con.execute(
            "INSERT INTO raw.regions VALUES ('11010', '坏码', 'county', '110000', '北京市', NULL, NULL, NULL)"
        )
    result = materialize(
        warehouse, built["landing"], selection=dg.AssetSelection.assets(dbt_warehouse), raise_on_error=False
    )
    assert not result.success
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    failed = evaluations["expression_is_true_dim_region_region_code_length"]
    assert (failed.passed, failed.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert failed.metadata["dagster_dbt/failed_row_count"].value == 1
    assert "failures_table" not in failed.metadata  # dbt stored nothing for it
    assert evaluations["not_null_columns_dim_region"].passed
    materialized = {m.asset_key for m in result.get_asset_materialization_events() if m.asset_key}
    assert dg.AssetKey(["marts", "dim_region"]) in materialized  # built before its test failed
