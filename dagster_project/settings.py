"""Where things are: the repository, the dbt project, the Dagster instance and the three paths
of contract §2.

Each path comes from, in this order: its environment variable (a relative one is relative to
the working directory); the settings file ``warehouse.toml`` at the repository root (or the
file ``WAREHOUSE_SETTINGS`` names; a relative path there is relative to the file), which
``make run``, ``make dev``, the README's ``ogi-dagster`` commands, the schedules and the sensor
all read, so that they build and serve one warehouse; the contract's default. Every path handed
to a resource is absolute, because dbt runs in ``dbt/`` and would read a relative
``WAREHOUSE_PATH`` from there.

One Dagster instance everywhere: ``$DAGSTER_HOME`` where the environment sets it, else
``.dagster_home`` in the repository (:func:`dagster_home`).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt"

ENV_DEFAULTS: dict[str, Path] = {
    "WAREHOUSE_LANDING_DIR": REPO_ROOT / "samples" / "reports",
    "WAREHOUSE_PATH": REPO_ROOT / "data" / "warehouse.duckdb",
    "WAREHOUSE_PUBLISH_DIR": REPO_ROOT / "data" / "published",
}


SETTINGS_ENV = "WAREHOUSE_SETTINGS"  # the settings file; empty: none
SETTINGS_FILE = REPO_ROOT / "warehouse.toml"


class SettingsError(ValueError):
    """The settings file cannot be read, or holds a key or value it cannot."""


def settings_file() -> Path | None:
    """The settings file in force: ``$WAREHOUSE_SETTINGS`` (none when set empty), else
    ``warehouse.toml`` at the repository root where it exists."""
    if SETTINGS_ENV in os.environ:
        value = os.environ[SETTINGS_ENV].strip()
        return Path(value).expanduser().absolute() if value else None
    return SETTINGS_FILE if SETTINGS_FILE.is_file() else None


@cache
def read_settings(path: Path, modified_ns: int) -> dict[str, Path]:
    """The paths a settings file gives (cached per file version), made absolute."""
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"settings file {path}: {error}") from error
    unknown = sorted(set(values) - set(ENV_DEFAULTS))
    if unknown:
        raise SettingsError(f"settings file {path}: unknown key(s) {unknown}; known: {sorted(ENV_DEFAULTS)}")
    paths = {}
    for name, value in values.items():
        if not isinstance(value, str) or not value.strip():
            raise SettingsError(f"settings file {path}: {name} must be a non-empty path string")
        paths[name] = (path.parent / Path(value.strip()).expanduser()).absolute()
    return paths


def file_settings() -> dict[str, Path]:
    path = settings_file()
    if path is None:
        return {}
    try:
        modified = path.stat().st_mtime_ns
    except OSError as error:
        raise SettingsError(f"settings file {path}: {error}") from error
    return read_settings(path, modified)


def setting(name: str) -> tuple[Path, str]:
    """The absolute path for ``name`` and where it came from (``environment``, the settings
    file's path, or ``default``)."""
    value = os.environ.get(name, "").strip()
    if value:
        return Path(value).expanduser().absolute(), "environment"
    from_file = file_settings()
    if name in from_file:
        return from_file[name], str(settings_file())
    return ENV_DEFAULTS[name], "default"


def env_path(name: str) -> Path:
    """The absolute path the environment, the settings file or the default gives ``name``."""
    return setting(name)[0]


def describe() -> list[str]:
    """One line per path of contract §2: its value and where it came from."""
    lines = []
    for name in ENV_DEFAULTS:
        path, origin = setting(name)
        lines.append(f"{name}={path}  ({origin})")
    return lines


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


# The Dagster instance (DAGSTER_HOME): Dagster's default storages, telemetry off.
# No usage statistics from Dagster or dbt, in every process that starts either
QUIET_ENV: dict[str, str] = {
    "DAGSTER_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
}
DEFAULT_DAGSTER_HOME = REPO_ROOT / ".dagster_home"
WRITTEN_BY = (
    "# written by dagster_project.settings (rewritten when it changes; delete this line to keep it)\n"
)


def dagster_home() -> Path:
    """The one Dagster instance: ``$DAGSTER_HOME`` where set, else ``.dagster_home`` here."""
    value = os.environ.get("DAGSTER_HOME", "").strip()
    return Path(value).expanduser().absolute() if value else DEFAULT_DAGSTER_HOME


def instance_env() -> dict[str, str]:
    """What every Dagster entry point of this project runs with: the instance and no telemetry
    (unless the environment says otherwise)."""
    return {**QUIET_ENV, **os.environ, "DAGSTER_HOME": str(dagster_home())}


def instance_yaml(home: Path) -> str:
    """``dagster.yaml`` of the local instance at ``home``: Dagster's default storages (SQLite
    under ``home``), telemetry off. Production runs on PostgreSQL: ``deploy/dagster.yaml``."""
    return WRITTEN_BY + "telemetry:\n  enabled: false\n"


def write_instance(home: Path) -> Path:
    """Create ``home`` with its ``dagster.yaml`` (replaced); returns ``home``."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(instance_yaml(home), encoding="utf-8")
    return home


# what this project wrote into dagster.yaml before issue 19, with or without WRITTEN_BY: a storage
# class that no longer exists, so such a file is this project's to replace
REMOVED_EVENT_LOG = "module: dagster_project.event_log"


def ensure_instance(home: Path) -> Path:
    """``home`` with this project's ``dagster.yaml``, unless a deployment wrote its own there
    (a ``dagster.yaml`` without :data:`WRITTEN_BY` is left as it is)."""
    yaml = home / "dagster.yaml"
    try:
        current = yaml.read_text(encoding="utf-8")
    except FileNotFoundError:
        current = None
    ours = current is not None and (current.startswith(WRITTEN_BY) or REMOVED_EVENT_LOG in current)
    if current is None or (ours and current != instance_yaml(home)):
        write_instance(home)
    return home


if __name__ == "__main__":
    # make: python -m dagster_project.settings [DAGSTER_HOME]: the instance, then the settings
    import sys

    if sys.argv[1:2] == ["--print"]:  # python -m dagster_project.settings --print WAREHOUSE_PATH
        print(env_path(sys.argv[2]))
    else:
        ensure_instance(Path(sys.argv[1]) if len(sys.argv) > 1 else dagster_home())


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
