"""Where things are: the repository, the dbt project and the three paths of contract §2.

Defaults are relative to the repository root; a relative path given in the environment is
relative to the working directory (``make`` makes it absolute first). Every path handed to
a resource is absolute, because dbt runs in ``dbt/`` and would read a relative
``WAREHOUSE_PATH`` from there.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt"

ENV_DEFAULTS: dict[str, Path] = {
    "WAREHOUSE_LANDING_DIR": REPO_ROOT / "samples" / "reports",
    "WAREHOUSE_PATH": REPO_ROOT / "data" / "warehouse.duckdb",
    "WAREHOUSE_PUBLISH_DIR": REPO_ROOT / "data" / "published",
}


def env_path(name: str) -> Path:
    """The absolute path the environment variable ``name`` gives, or its default."""
    value = os.environ.get(name, "").strip()
    if not value:
        return ENV_DEFAULTS[name]
    return Path(value).expanduser().absolute()


def landing_dir() -> Path:
    return env_path("WAREHOUSE_LANDING_DIR")


def warehouse_path() -> Path:
    return env_path("WAREHOUSE_PATH")


def publish_dir() -> Path:
    return env_path("WAREHOUSE_PUBLISH_DIR")


DEFAULT_LOCK_WAIT_SECONDS = 120.0


def lock_wait_seconds() -> float:
    """How long a run waits for another run on the same warehouse (``WAREHOUSE_LOCK_WAIT_SECONDS``)."""
    value = os.environ.get("WAREHOUSE_LOCK_WAIT_SECONDS", "").strip()
    return float(value) if value else DEFAULT_LOCK_WAIT_SECONDS
