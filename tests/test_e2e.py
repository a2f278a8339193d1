"""End to end: the real `dagster asset materialize --select '*'` on two seeds, then a re-run.

One Dagster CLI run (~30 s on two cores) builds the warehouse; the re-run on unchanged input
materialises the same Definitions in process (same assets, resources pointed at the same
paths), which saves the CLI's start-up. Every assertion shares the two runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import REPO_ROOT, VENV_BIN, shared_path, write_dagster_home

from dagster_project.warehouse import DuckDBWarehouse, LandingDir, PublishDir

pytestmark = pytest.mark.e2e

SEED_PREFIXES = ("000_", "001_")
CLI_TIMEOUT = 600
MATERIALIZE_ALL = ["asset", "materialize", "--select", "*", "-m", "dagster_project.definitions"]


@dataclass
class Build:
    landing: Path
    expected: Path
    warehouse: Path
    published: Path
    first_run: dict[str, list[str]]
    second_run: dict[str, list[str]]


def run_cli(env: dict[str, str], log: Path) -> None:
    done = subprocess.run(
        [str(VENV_BIN / "dagster"), *MATERIALIZE_ALL],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    output = done.stdout + done.stderr
    log.write_text(output, encoding="utf-8")
    assert done.returncode == 0, f"dagster asset materialize failed (log {log}):\n{output[-6000:]}"


def run_in_process(landing: Path, warehouse: Path, published: Path) -> None:
    from dagster_project.definitions import defs

    resources = {
        **defs.resources,
        "warehouse": DuckDBWarehouse(path=str(warehouse)),
        "landing": LandingDir(path=str(landing)),
        "publish_dir": PublishDir(path=str(published)),
    }
    assert dg.materialize(list(defs.assets), resources=resources).success


def marts_contents(warehouse: Path) -> dict[str, list[str]]:
    """Every marts table as a sorted list of its rows (as text: lists and decimals compare exactly)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY table_name"
        ).fetchall()
        return {
            table: sorted(repr(row) for row in con.execute(f"SELECT * FROM marts.{table}").fetchall())
            for (table,) in tables
        }


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> Build:
    seeds = shared_path("seeds")
    root = tmp_path_factory.mktemp("e2e")
    landing, expected = root / "landing", root / "expected"
    landing.mkdir()
    expected.mkdir()
    for prefix in SEED_PREFIXES:
        [report] = seeds.glob(f"{prefix}*.txt")
        shutil.copy(report, landing / report.name)
        [values] = (seeds / "expected").glob(f"{prefix}*.yaml")
        shutil.copy(values, expected / values.name)
    warehouse, published = root / "data" / "warehouse.duckdb", root / "data" / "published"

    env = {
        **os.environ,
        "WAREHOUSE_LANDING_DIR": str(landing),
        "WAREHOUSE_PATH": str(warehouse),
        "WAREHOUSE_PUBLISH_DIR": str(published),
        "DAGSTER_HOME": str(write_dagster_home(root / "dagster_home")),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "DO_NOT_TRACK": "1",
    }
    run_cli(env, root / "materialize.log")
    first = marts_contents(warehouse)
    run_in_process(landing, warehouse, published)
    return Build(landing, expected, warehouse, published, first, marts_contents(warehouse))


def test_expected_values_all_match(build: Build) -> None:
    checker = shared_path("tools", "check_expected.py")
    command = [sys.executable, str(checker), "--warehouse", str(build.warehouse)]
    command += ["--expected", str(build.expected)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "100.0%" in output, output


def test_published_snapshot_and_parquet(build: Build) -> None:
    with duckdb.connect(str(build.published / "warehouse.duckdb"), read_only=True) as con:
        marts = {
            name
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'"
            ).fetchall()
        }
        assert {"dim_report", "dim_agency", "dim_region", "fct_applications"} <= marts
        assert con.execute("SELECT count(*) FROM marts.dim_report").fetchone()[0] == len(SEED_PREFIXES)
    for table in marts:
        assert (build.published / "parquet" / "marts" / f"{table}.parquet").is_file(), table
    assert (build.published / "parquet" / "audit" / "rejected_files.parquet").is_file()
    assert not [p.name for p in build.published.iterdir() if p.name.startswith(".")]  # no temp files


def test_second_run_on_unchanged_input_is_identical(build: Build) -> None:
    assert build.second_run.keys() == build.first_run.keys()
    for table, rows in build.first_run.items():
        assert build.second_run[table] == rows, f"marts.{table} changed on a re-run of unchanged input"
