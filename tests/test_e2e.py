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
from conftest import REPO_ROOT, cli_command, marts_contents, quiet_env, run_in_process, shared_path

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
    output: list[str]  # what the first run printed, standard output and error as a terminal shows them
    identity_failures: dict[str, int]  # after the first run: failed identity checks by rule


def run_make_run(env: dict[str, str], log: Path) -> list[str]:
    """`make run`'s command with the default console (no VERBOSE), its output lines."""
    env = {name: value for name, value in env.items() if name != "VERBOSE"}
    done = subprocess.run(
        cli_command(),
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    log.write_text(done.stdout, encoding="utf-8")
    assert done.returncode == 0, f"make run failed (log {log}):\n{done.stdout[-6000:]}"
    return done.stdout.splitlines()


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

    output = run_make_run(quiet_env(root, landing, warehouse, published), root / "materialize.log")
    # the listing `make run` handed over was registered (read once, then removed), not walked again
    log = (root / "materialize.log").read_text("utf-8")
    assert "of the listing make run took before the run started" in log
    assert not list((root / "tmp").glob("ogi-listing-*"))
    first = marts_contents(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        failures = con.execute(
            "SELECT rule_code, count(*) FROM marts.fct_identity_checks WHERE status = 'fail' GROUP BY 1"
        ).fetchall()
    run_in_process(landing, warehouse, published)
    return Build(
        landing, expected, warehouse, published, first, marts_contents(warehouse), output, dict(failures)
    )


def test_make_run_prints_progress_and_ends_on_a_summary(build: Build) -> None:
    """The default console: under 40 lines, no Dagster event (DEBUG) or warning of Dagster's, and
    a summary at the end whose counts are the warehouse's (`VERBOSE=1` keeps every event:
    tests/test_run_summary.py)."""
    lines = build.output
    assert len(lines) < 40, "\n".join(lines)
    assert not [line for line in lines if " - DEBUG - " in line or "Warning: " in line], "\n".join(lines)
    start = next(i for i, line in enumerate(lines) if line.startswith("make run: done in "))
    assert all(line.startswith("  ") for line in lines[start + 1 :]), "\n".join(lines)  # the end
    summary = " ".join(" ".join(lines[start:]).split())
    files = len(SEED_PREFIXES)
    assert f"files {files} report file(s) in {build.landing}, {files} parsed by this run" in summary
    assert f"reports {len(build.first_run['dim_report'])} in the warehouse, no file rejected" in summary
    facts = sorted((table, len(rows)) for table, rows in build.first_run.items() if table.startswith("fct_"))
    assert "facts " + ", ".join(f"{table} {rows:,}" for table, rows in facts) + " " in summary
    checks, failures = len(build.first_run["fct_identity_checks"]), build.identity_failures
    assert f"identities {sum(failures.values())} of {checks:,} checks fail" in summary
    assert all(f"{rule} {count:,}" in summary for rule, count in failures.items()), summary
    assert f"published {build.published}: warehouse.duckdb and parquet/" in summary


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
