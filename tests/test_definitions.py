"""The code location loads, and its shape is pinned: asset keys, lineage, checks, job, schedule."""

from __future__ import annotations

import re
import subprocess
from importlib import metadata
from pathlib import Path

import dagster as dg
import pytest
from conftest import VENV_BIN

from dagster_project.translator import PUBLISHED_KEY, WarehouseTranslator
from ingest.schema import STAGING_TABLES

CONTRACT_MARTS = {
    "dim_report",
    "dim_agency",
    "dim_region",
    "dim_year",
    "fct_disclosures",
    "fct_applications",
    "fct_appeals",
    "fct_transactions",
    "fct_identity_checks",
    "fct_unmapped_cells",
}
RAW_KEYS = {dg.AssetKey(["raw", table]) for table in STAGING_TABLES}
MART_KEYS = {dg.AssetKey(["marts", name]) for name in CONTRACT_MARTS}
AUDIT_KEYS = {dg.AssetKey(["audit", "rejected_files"])}


@pytest.fixture(scope="module")
def defs(dbt_manifest: Path) -> dg.Definitions:
    from dagster_project.definitions import defs

    return defs


@pytest.fixture(scope="module")
def asset_graph(defs: dg.Definitions):
    return defs.resolve_asset_graph()


def test_expected_asset_keys_exist(asset_graph) -> None:
    keys = asset_graph.get_all_asset_keys()
    missing = (RAW_KEYS | MART_KEYS | AUDIT_KEYS | {PUBLISHED_KEY}) - keys
    assert not missing, f"missing asset keys: {sorted(k.to_user_string() for k in missing)}"


def test_every_asset_is_materializable(asset_graph) -> None:
    """No stub assets: every dbt source resolved to a raw asset that Python writes."""
    stubs = [
        key.to_user_string()
        for key in asset_graph.get_all_asset_keys()
        if not asset_graph.get(key).is_materializable
    ]
    assert stubs == []


def test_lineage_is_one_line_from_raw_to_published(asset_graph) -> None:
    for key in MART_KEYS | AUDIT_KEYS:
        upstream = asset_graph.upstream_key_iterator(key)
        assert any(k in RAW_KEYS for k in upstream), f"{key.to_user_string()} does not reach a raw asset"
    published_parents = asset_graph.get(PUBLISHED_KEY).parent_keys
    dbt_published = {key for key in asset_graph.get_all_asset_keys() if key.path[0] in ("marts", "audit")}
    assert published_parents == dbt_published


CODE_DIMENSIONS = {"dim_outcome", "dim_applicant_type", "dim_source_method", "dim_warning_code"}


def test_groups(asset_graph) -> None:
    groups = {key: asset_graph.get(key).group_name for key in asset_graph.get_all_asset_keys()}
    assert {groups[key] for key in RAW_KEYS} == {"raw"}
    assert {groups[key] for key in MART_KEYS} == {"marts"}
    codes = [key for key in groups if key.path[0] == "marts" and key.path[1] in CODE_DIMENSIONS]
    assert len(codes) == len(CODE_DIMENSIONS) and {groups[key] for key in codes} == {"codes"}
    assert groups[PUBLISHED_KEY] == "publish"
    staging = [key for key in groups if key.path[0] == "staging"]
    assert staging and {groups[key] for key in staging} == {"staging"}


def test_dbt_tests_are_asset_checks(asset_graph) -> None:
    checks = asset_graph.asset_check_keys
    assert checks, "no dbt test became an asset check"
    on_marts = {check.asset_key for check in checks if check.asset_key.path[0] == "marts"}
    assert on_marts, "no asset check on a mart"


def test_job_runs_everything_in_process(defs: dg.Definitions) -> None:
    job = defs.resolve_job_def("warehouse_refresh")
    assert job.executor_def is dg.in_process_executor
    assert PUBLISHED_KEY in job.asset_layer.selected_asset_keys
    assert defs.resolve_implicit_global_asset_job_def().executor_def is dg.in_process_executor


def test_annual_schedule(defs: dg.Definitions) -> None:
    schedule = defs.resolve_schedule_def("annual_refresh")
    assert schedule.cron_schedule == "0 6 5 2 *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert schedule.job_name == "warehouse_refresh"


def test_dbt_runs_through_the_offline_wrapper(defs: dg.Definitions) -> None:
    dbt = defs.resources["dbt"]
    assert dbt.dbt_executable.endswith("/dbt-offline")
    out = subprocess.run(
        [dbt.dbt_executable, "--version"], capture_output=True, text=True, check=True, timeout=30
    )
    assert re.search(r"\d+\.\d+\.\d+", out.stdout).group(0) == metadata.version("dbt-core")


def test_offline_wrapper_is_installed() -> None:
    assert (VENV_BIN / "dbt-offline").is_file()


@pytest.mark.parametrize(
    ("props", "key", "group"),
    [
        (
            {
                "resource_type": "source",
                "name": "reports",
                "source_name": "raw",
                "config": {"meta": {"dagster": {"asset_key": ["raw", "reports"]}}},
            },
            ["raw", "reports"],
            "raw",
        ),
        (
            {"resource_type": "source", "name": "regions", "source_name": "raw", "meta": {}},
            ["raw", "regions"],
            "raw",
        ),
        (
            {
                "resource_type": "model",
                "name": "dim_report",
                "fqn": ["ogi_warehouse", "marts", "dim_report"],
                "config": {"schema": "marts"},
            },
            ["marts", "dim_report"],
            "marts",
        ),
        (
            {
                "resource_type": "model",
                "name": "int_x",
                "fqn": ["ogi_warehouse", "intermediate", "identity", "int_x"],
                "config": {},
            },
            ["intermediate", "int_x"],
            "intermediate",
        ),
    ],
)
def test_translator_keys_and_groups(props: dict, key: list[str], group: str) -> None:
    translator = WarehouseTranslator()
    assert translator.get_asset_key(props) == dg.AssetKey(key)
    assert translator.get_group_name(props) == group
