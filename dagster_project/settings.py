"""Where things are: the repository, the dbt project and the three paths of contract §2.

Defaults are relative to the repository root; a relative path given in the environment is
relative to the working directory (``make`` makes it absolute first). Every path handed to
a resource is absolute, because dbt runs in ``dbt/`` and would read a relative
``WAREHOUSE_PATH`` from there.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
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


# The Dagster instance (DAGSTER_HOME). Dagster's defaults, with the event log of
# dagster_project/event_log.py at the default event log's place: the same history, the UI reads
# it as before. Dagster hands that storage batches of events only when DAGSTER_EVENT_BATCH_SIZE
# is above 0: every process that starts or executes a run needs it (INSTANCE_ENV).
INSTANCE_ENV: dict[str, str] = {"DAGSTER_EVENT_BATCH_SIZE": "1000"}


def instance_yaml(home: Path) -> str:
    """``dagster.yaml`` of the instance at ``home``: telemetry off, the batching event log."""
    runs = Path(home).absolute() / "history" / "runs"
    return (
        "telemetry:\n  enabled: false\n"
        "event_log_storage:\n"
        "  module: dagster_project.event_log\n"
        "  class: BatchingSqliteEventLogStorage\n"
        "  config:\n"
        f"    base_dir: {json.dumps(str(runs))}\n"
    )


def write_instance(home: Path) -> Path:
    """Create ``home`` with its ``dagster.yaml`` (replaced); returns ``home``."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(instance_yaml(home), encoding="utf-8")
    return home


if __name__ == "__main__":
    # make: python -m dagster_project.settings DAGSTER_HOME
    import sys

    write_instance(Path(sys.argv[1]))


@contextmanager
def temporary_environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set ``values`` in this process's environment for the block, then restore what was there."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
