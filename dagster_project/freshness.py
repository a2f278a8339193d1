"""Is the published warehouse already the build of what is in the landing directory?

A successful run ends by writing ``<warehouse>.build-state.json``: a digest of the landing
directory as it was registered (every report file and sidecar: path, size, mtime), a digest
of the code (ingest, the code location, the dbt project), the parser version and the
paths. ``make run`` compares that with the present and, where nothing changed, says so and
stops in a second instead of starting Dagster. Every run deletes the state first, so a run
that fails or is killed leaves none, and the next ``make run`` does the work.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from dagster_project.settings import REPO_ROOT
from ingest import PARSER_VERSION
from ingest.discover import SIDECAR_SUFFIX, is_report_path, iter_paths

CODE_DIRS = ("ingest", "dagster_project", "dbt/models", "dbt/macros", "dbt/tests")
CODE_FILES = ("dbt/dbt_project.yml", "dbt/profiles.yml", "requirements.lock")


def landing_digest(landing_dir: Path) -> str:
    """Every report file and sidecar below ``landing_dir`` by path, size and modification time."""
    digest = hashlib.sha256()
    for path in iter_paths(landing_dir):
        if is_report_path(path) or path.name.endswith(SIDECAR_SUFFIX):
            stat = path.stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def code_digest() -> str:
    digest = hashlib.sha256()
    files = [REPO_ROOT / name for name in CODE_FILES]
    for folder in CODE_DIRS:
        files += sorted(
            p for p in (REPO_ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts
        )
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(REPO_ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def state_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".build-state.json")


def registered_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".registered.json")


def build_state(landing: Path, warehouse: Path, publish_dir: Path, landing_state: str) -> dict[str, str]:
    return {
        "landing_dir": str(landing),
        "landing_digest": landing_state,
        "warehouse": str(warehouse),
        "publish_dir": str(publish_dir),
        "parser_version": PARSER_VERSION,
        "code_digest": code_digest(),
    }


def forget(warehouse: Path, landing: Path) -> None:
    """At a run's start: no state until it succeeds; remember what the run registers."""
    state_path(warehouse).unlink(missing_ok=True)
    registered_path(warehouse).write_text(json.dumps({"landing_digest": landing_digest(landing)}), "utf-8")


def record(landing: Path, warehouse: Path, publish_dir: Path) -> None:
    """At a successful run's end (after publishing)."""
    registered = json.loads(registered_path(warehouse).read_text("utf-8"))["landing_digest"]
    state = build_state(landing, warehouse, publish_dir, registered)
    temp = state_path(warehouse).with_suffix(".tmp")
    temp.write_text(json.dumps(state, indent=1), "utf-8")
    os.replace(temp, state_path(warehouse))


def unchanged(landing: Path, warehouse: Path, publish_dir: Path) -> bool:
    """True where the last successful run built and published exactly this landing dir with this code."""
    path = state_path(warehouse)
    if not (path.is_file() and warehouse.is_file() and (publish_dir / "warehouse.duckdb").is_file()):
        return False
    try:
        recorded = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return recorded == build_state(landing, warehouse, publish_dir, landing_digest(landing))
