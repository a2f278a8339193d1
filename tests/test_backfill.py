"""A backfill launched from the UI rebuilds what it says (issue 14, points 1 and 4).

The real path a data engineer takes: the session's `dagster dev` (make dev's command, on the
sample corpus that make run's command built, one instance for both), "Materialize all…" over
every asset for a range of report years, which the UI's launch dialog sends as GraphQL's
``launchPartitionBackfill`` with the whole (mixed partitioned and unpartitioned) selection. The
backfill daemon runs it; the warehouse is then held to the full build, after the fact marts'
rows of those years had been spoiled (a backfill that skipped the fact marts left them so).

A selection that re-parses without the marts is refused at publishing, with what to select; and
each report year's materialisation says its own rows.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import duckdb
import pytest
from conftest import CLI_TIMEOUT, REPO_ROOT, VENV_BIN
from dagster_ui import DagsterDev, graphql
from test_delta import contents

pytestmark = pytest.mark.e2e

# five runs, each a process that loads the code location; the backfill daemon looks every 30 s
# (Dagster's fixed daemon interval), so ~3 min on two cores
BACKFILL_TIMEOUT = 600
YEARS = ["2022", "2023"]  # two report years of the sample corpus
# the publication alone, as a run of its own on the UI's instance (make dev's CLI)
PUBLISH_COMMAND = (
    str(VENV_BIN / "ogi-dagster"),
    *("asset", "materialize", "-m", "dagster_project.definitions", "--select", "published/warehouse"),
)
EMPTY_YEAR = "2010"  # a report year without reports

ASSETS_QUERY = "{ assetNodes { assetKey { path } isPartitioned } }"
LAUNCH = """
mutation Launch($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
  }
}
"""
BACKFILL = """
query Backfill($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    ... on PartitionBackfill {
      status
      runs(limit: 50) { runId status }
      assetBackfillData {
        assetBackfillStatuses {
          __typename
          ... on AssetPartitionsStatusCounts {
            assetKey { path } numPartitionsTargeted numPartitionsMaterialized
          }
          ... on UnpartitionedAssetStatus { assetKey { path } materialized }
        }
      }
    }
  }
}
"""
MATERIALIZATION = """
query Materialization($key: AssetKeyInput!, $partition: String!) {
  assetOrError(assetKey: $key) {
    ... on Asset {
      assetMaterializations(partitions: [$partition], limit: 1) {
        partition
        metadataEntries { label ... on IntMetadataEntry { intValue } }
      }
    }
  }
}
"""


def asset_keys(dev: DagsterDev) -> dict[str, bool]:
    """Every asset of the code location: "schema/table" -> partitioned."""
    nodes = graphql(dev.base_url, ASSETS_QUERY)["assetNodes"]
    return {"/".join(node["assetKey"]["path"]): node["isPartitioned"] for node in nodes}


def launch_backfill(dev: DagsterDev, keys: list[str], years: list[str]) -> str:
    params = {
        "partitionNames": years,
        "assetSelection": [{"path": key.split("/")} for key in keys],
        "fromFailure": False,
    }
    launched = graphql(dev.base_url, LAUNCH, {"params": params})["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    return launched["backfillId"]


def wait_for_backfill(dev: DagsterDev, backfill_id: str) -> dict:
    deadline = time.monotonic() + BACKFILL_TIMEOUT
    while time.monotonic() < deadline:
        backfill = graphql(dev.base_url, BACKFILL, {"id": backfill_id})["partitionBackfillOrError"]
        if backfill["status"] not in ("REQUESTED", "CANCELING"):
            return backfill
        time.sleep(2)
    pytest.fail(f"backfill {backfill_id} not done within {BACKFILL_TIMEOUT} s: {backfill}")


def spoil_facts(warehouse: Path, years: list[str]) -> None:
    """What a backfill that skipped the fact marts left: their rows of ``years`` not rebuilt."""
    reports = f"SELECT report_id FROM marts.dim_report WHERE report_year IN ({', '.join(years)})"
    with duckdb.connect(str(warehouse)) as con:
        for table in ("fct_applications", "fct_disclosures", "fct_appeals", "fct_transactions"):
            deleted = con.execute(f"DELETE FROM marts.{table} WHERE report_id IN ({reports})").fetchall()
            assert deleted[0][0] > 0 or table == "fct_transactions", table
        con.execute(f"DELETE FROM marts.agg_applications WHERE report_year IN ({', '.join(years)})")


def partition_metadata(dev: DagsterDev, key: str, partition: str) -> dict[str, int]:
    variables = {"key": {"path": key.split("/")}, "partition": partition}
    [event] = graphql(dev.base_url, MATERIALIZATION, variables)["assetOrError"]["assetMaterializations"]
    assert event["partition"] == partition
    return {entry["label"]: entry.get("intValue") for entry in event["metadataEntries"]}


def test_materialize_all_for_a_range_of_years_rebuilds_the_facts(dagster_dev: DagsterDev) -> None:
    full = contents(dagster_dev.warehouse)
    assert full["marts.fct_applications"], "the sample corpus has application facts"
    spoil_facts(dagster_dev.warehouse, YEARS)
    assert contents(dagster_dev.warehouse) != full

    keys = asset_keys(dagster_dev)
    assert any(keys.values()) and not all(keys.values()), "a mixed selection: partitioned and not"
    backfill = wait_for_backfill(dagster_dev, launch_backfill(dagster_dev, sorted(keys), YEARS))
    assert backfill["status"] == "COMPLETED_SUCCESS", backfill
    assert all(run["status"] == "SUCCESS" for run in backfill["runs"]), backfill["runs"]

    # every asset selected was targeted, each partitioned one for both years
    statuses = {
        "/".join(s["assetKey"]["path"]): s for s in backfill["assetBackfillData"]["assetBackfillStatuses"]
    }
    assert set(statuses) == set(keys), sorted(set(keys) - set(statuses))
    for key in ("marts/fct_applications", "marts/fct_disclosures", "marts/agg_applications"):
        assert statuses[key]["numPartitionsTargeted"] == len(YEARS), statuses[key]
        assert statuses[key]["numPartitionsMaterialized"] == len(YEARS), statuses[key]
    assert statuses["published/warehouse"]["materialized"]

    # the warehouse, and the snapshot BI tools read, are the full build again
    assert contents(dagster_dev.warehouse) == full
    assert contents(dagster_dev.published / "warehouse.duckdb") == full


def test_each_report_year_says_its_own_rows(dagster_dev: DagsterDev) -> None:
    """make run's run materialised every year 2008…: a year without reports says so."""
    with duckdb.connect(str(dagster_dev.warehouse), read_only=True) as con:
        [(reports, applications)] = con.execute(
            "SELECT count(DISTINCT d.report_id), count(f.report_id) FROM marts.dim_report AS d"
            f" LEFT JOIN marts.fct_applications AS f USING (report_id) WHERE d.report_year = {YEARS[0]}"
        ).fetchall()
        [(total,)] = con.execute("SELECT count(*) FROM marts.fct_applications").fetchall()
    assert 0 < applications < total
    year = partition_metadata(dagster_dev, "marts/fct_applications", YEARS[0])
    assert year["dagster/row_count"] == applications and year["reports"] == reports
    assert year["rows_all_years"] == total
    raw = partition_metadata(dagster_dev, "raw/application_facts", YEARS[0])
    assert raw["dagster/row_count"] == applications and raw["reports"] == reports
    empty = partition_metadata(dagster_dev, "raw/reports", EMPTY_YEAR)
    assert empty["dagster/row_count"] == 0 and empty["reports"] == 0
    assert partition_metadata(dagster_dev, "marts/fct_applications", EMPTY_YEAR)["dagster/row_count"] == 0


def test_a_reparse_without_the_marts_is_not_published(dagster_dev: DagsterDev) -> None:
    """Re-parsing a year and publishing, without the dbt models: refused, naming what to select."""
    published = dagster_dev.published / "warehouse.duckdb"
    before = published.stat().st_mtime_ns
    parse = [
        key for key, partitioned in asset_keys(dagster_dev).items() if partitioned and key.startswith("raw/")
    ]
    # the re-parse (a backfill, as the UI launches it), then the publication (a run of its own on the
    # same instance): in one backfill the two would race for the run lock (Dagster orders a
    # backfill's runs by the selected assets' own dependencies, and the marts between them are not
    # selected), and a publication that came first would rightly go through
    parsed = wait_for_backfill(dagster_dev, launch_backfill(dagster_dev, parse, YEARS[:1]))
    assert parsed["status"] == "COMPLETED_SUCCESS", parsed
    publish = subprocess.run(
        [*PUBLISH_COMMAND],
        cwd=REPO_ROOT,
        env=dagster_dev.env,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    assert publish.returncode != 0, publish.stdout[-3000:] + publish.stderr[-3000:]
    assert published.stat().st_mtime_ns == before  # BI tools keep the last good snapshot

    said = publish.stdout + publish.stderr
    assert "Not published" in said, said[-4000:]
    assert f"materialize the marts group, or all assets, for {YEARS[0]}" in said, said[-4000:]
