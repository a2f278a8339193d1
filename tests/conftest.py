"""Shared fixtures: a quiet offline environment, the dbt manifest (parsed once), ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
VENV_BIN = REPO_ROOT / ".venv" / "bin"

# No telemetry, no tracking calls: set before Dagster or dbt are imported by any test.
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


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
    """A throwaway DAGSTER_HOME with telemetry off."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    return path
