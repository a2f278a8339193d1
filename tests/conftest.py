"""Shared fixtures: a quiet offline environment, the dbt manifest (parsed once), ../shared."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from dagster_project.settings import write_instance

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT / "samples" / "reports"
SCANNED = "*_scanned.*"  # the sample read by OCR (synthetic/scan_sample.py): seconds a page


def copy_samples(landing: Path) -> Path:
    """The sample corpus but its scanned report, for a build whose test is not about OCR: a page
    costs seconds, and the scanned sample's own builds are tests/test_parser_samples.py and
    tests/test_ocr_warehouse.py."""
    shutil.copytree(SAMPLES, landing, dirs_exist_ok=True, ignore=shutil.ignore_patterns(SCANNED))
    return landing


SHARED_DIR = REPO_ROOT.parent / "shared"
VENV_BIN = REPO_ROOT / ".venv" / "bin"

# No telemetry, no tracking calls: set before Dagster or dbt are imported by any test.
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
# A developer's warehouse.toml never leaks into a test: each test says its paths itself.
os.environ.setdefault("WAREHOUSE_SETTINGS", "")


THIRD_PARTY_WARNINGS = (
    "ignore:sqlglotrs is deprecated:DeprecationWarning",  # imported by dbt-core
    "ignore:AssetExecutionContext.op is deprecated:DeprecationWarning",  # called by dagster-dbt 0.29
)


def pytest_configure(config: pytest.Config) -> None:
    for line in THIRD_PARTY_WARNINGS:
        config.addinivalue_line("filterwarnings", line)


def shared_path(*parts: str) -> Path:
    """A path inside ../shared (beside the repository); skips the test when it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"{SHARED_DIR} is absent: the seeds, expected values and check tool live there")
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent from ../shared")
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return shared_path()


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """dbt/target/manifest.json, parsed once per session if missing or stale.

    Loading the code location needs it; parser-only test runs do not pay for it.
    """
    from dagster_project.dbt_manifest import ensure_manifest

    return ensure_manifest()


def write_dagster_home(path: Path) -> Path:
    """A throwaway DAGSTER_HOME configured as make's: telemetry off, the batching event log."""
    return write_instance(path)


CLI_TIMEOUT = 600


def quiet_env(root: Path, landing: Path, warehouse: Path, published: Path) -> dict[str, str]:
    """The environment of a `make run`: the three contract paths, a throwaway instance, no telemetry,
    and a temporary directory of its own (root/tmp)."""
    (root / "tmp").mkdir(exist_ok=True)
    return {
        **os.environ,
        "WAREHOUSE_LANDING_DIR": str(landing),
        "WAREHOUSE_PATH": str(warehouse),
        "WAREHOUSE_PUBLISH_DIR": str(published),
        "DAGSTER_HOME": str(write_dagster_home(root / "dagster_home")),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "DO_NOT_TRACK": "1",
        "TMPDIR": str(root / "tmp"),
    }


def cli_command() -> list[str]:
    """Exactly what `make run` runs: every asset, every report year, new or changed files parsed."""
    return [str(VENV_BIN / "python"), "-m", "dagster_project.materialize"]


def run_cli(env: dict[str, str], log: Path) -> None:
    """The real `dagster asset materialize --select '*'`, as `make run` calls it."""
    done = subprocess.run(
        cli_command(),
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


def warehouse_assets(defs) -> list:
    """Every asset that builds the warehouse: all but the crawl's, which goes on the network."""
    from dagster_project.defs.crawl import CRAWL_KEY

    return [asset for asset in defs.assets if CRAWL_KEY not in asset.keys]


def run_in_process(landing: Path, warehouse: Path, published: Path) -> str:
    """Materialise every asset of the code location in this process (dbt still runs as its CLI).

    Returns the run's id.
    """
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.runs import NEW_FILES_ONLY, report_year_keys
    from dagster_project.warehouse import DuckDBWarehouse, LandingDir, PublishDir

    resources = {
        **defs.resources,
        "warehouse": DuckDBWarehouse(path=str(warehouse)),
        "landing": LandingDir(path=str(landing)),
        "publish_dir": PublishDir(path=str(published)),
    }
    years = report_year_keys()
    result = dg.materialize(
        warehouse_assets(defs),
        resources=resources,
        run_config=NEW_FILES_ONLY,
        tags={
            "dagster/asset_partition_range_start": years[0],
            "dagster/asset_partition_range_end": years[-1],
        },
    )
    assert result.success
    return result.run_id


def marts_contents(warehouse: Path) -> dict[str, list[str]]:
    """Every marts table as a sorted list of its rows (as text: lists and decimals compare exactly)."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY table_name"
        ).fetchall()
        return {
            table: sorted(repr(row) for row in con.execute(f"SELECT * FROM marts.{table}").fetchall())
            for (table,) in tables
        }


@pytest.fixture(scope="session")
def samples_published(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> dict[str, Path]:
    """The samples (but the scanned one) built and published by make run's command, once, shared by
    the tests that only read the result (tests/test_code_labels.py, tests/test_bi_connect.py); a test
    that writes copies it. Keys: root, landing, warehouse, published."""
    root = tmp_path_factory.mktemp("samples_published")
    built = {
        "root": root,
        "landing": copy_samples(root / "landing"),
        "warehouse": root / "data" / "warehouse.duckdb",
        "published": root / "data" / "published",
    }
    run_cli(quiet_env(root, built["landing"], built["warehouse"], built["published"]), root / "run.log")
    return built


@pytest.fixture(scope="session")
def dagster_dev(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path):
    """One real `dagster dev` (make dev's command) on the sample corpus built by make run's command,
    shared by every test that uses the UI (tests/dagster_ui.py)."""
    from dagster_ui import start_dagster_dev  # it imports this module: here, not at the top

    yield from start_dagster_dev(tmp_path_factory.mktemp("ui"))
