"""End to end: the real `dagster asset materialize --select '*'` on every seed, then a re-run.

One Dagster CLI run (~30 s on two cores) builds the warehouse; the re-run on unchanged input
materialises the same Definitions in process (same assets, resources pointed at the same
paths), which saves the CLI's start-up. Every assertion shares the two runs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import marts_contents, quiet_env, run_cli, run_in_process, shared_path

pytestmark = pytest.mark.e2e

SEED_PREFIXES = ("000_", "001_", "002_", "003_", "004_")  # every seed: all must load exactly
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

    run_cli(quiet_env(root, landing, warehouse, published), root / "materialize.log")
    # the listing `make run` handed over was registered (read once, then removed), not walked again
    log = (root / "materialize.log").read_text("utf-8")
    assert "of the listing make run took before the run started" in log
    assert not list((root / "tmp").glob("ogi-listing-*"))
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


def test_a_delta_run_equals_a_full_build_of_the_changed_input(build: Build, tmp_path: Path) -> None:
    """``make run`` after one report changed: only that report's facts are rebuilt (the re-parse
    queue), and the marts equal a build from scratch of the same landing directory."""
    changed = sorted(build.landing.glob("003_*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n（本报告已更正）\n", encoding="utf-8")
    run_in_process(build.landing, build.warehouse, build.published)
    with duckdb.connect(str(build.warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.facts_to_rebuild").fetchone() == (0,)
    fresh = tmp_path / "fresh" / "warehouse.duckdb"
    run_in_process(build.landing, fresh, tmp_path / "fresh" / "published")
    assert marts_contents(build.warehouse) == marts_contents(fresh)
    assert marts_contents(build.warehouse) != build.first_run  # the changed report is a new report id
