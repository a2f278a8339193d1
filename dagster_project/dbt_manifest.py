"""The dbt project as Dagster sees it, and the manifest it is loaded from.

``DbtProject.prepare_if_dev()`` does nothing outside ``dagster dev`` (and inside it would
call the network-asking ``dbt --version``), so the code location calls
:func:`ensure_manifest` itself: ``dbt parse`` through the offline wrapper when
``target/manifest.json`` is missing or older than any file of the dbt project.
``make run`` and the tests run it up front (``python -m dagster_project.dbt_manifest``), so
loading the definitions normally only compares modification times.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from dagster_dbt import DbtProject

from dagster_project.settings import DBT_PROJECT_DIR, warehouse_path

IGNORED_DIRS = frozenset({"target", "logs", "dbt_packages"})
OFFLINE_DBT = "dbt-offline"

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def dbt_executable() -> str:
    """Absolute path of ``dbt-offline`` in this environment (``dbt`` only if it is missing)."""
    for folder in (Path(sys.executable).parent, Path(sys.prefix) / "bin"):
        candidate = folder / OFFLINE_DBT
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(OFFLINE_DBT) or shutil.which("dbt") or "dbt"


def dbt_env() -> dict[str, str]:
    """The environment dbt runs in: quiet, offline, and with an absolute ``WAREHOUSE_PATH``."""
    return {
        **os.environ,
        "WAREHOUSE_PATH": str(warehouse_path()),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def project_files(project_dir: Path) -> Iterator[Path]:
    for root, dirs, names in os.walk(project_dir):
        dirs[:] = [d for d in dirs if d not in IGNORED_DIRS and not d.startswith(".")]
        for name in names:
            if not name.startswith("."):
                yield Path(root) / name


def manifest_is_stale(project: DbtProject = DBT_PROJECT) -> bool:
    manifest = project.manifest_path
    if not manifest.is_file():
        return True
    built = manifest.stat().st_mtime
    return any(path.stat().st_mtime > built for path in project_files(project.project_dir))


def run_dbt_parse(project: DbtProject = DBT_PROJECT) -> None:
    command = [
        dbt_executable(),
        "parse",
        "--quiet",
        "--project-dir",
        str(project.project_dir),
        "--profiles-dir",
        str(project.profiles_dir),
        "--target-path",
        str(project.target_path),
    ]
    done = subprocess.run(
        command, cwd=project.project_dir, env=dbt_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0 or not project.manifest_path.is_file():
        raise RuntimeError(
            f"`{' '.join(command)}` failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}".rstrip()
        )


def ensure_manifest(project: DbtProject = DBT_PROJECT, force: bool = False) -> Path:
    """Path of a manifest.json that is up to date with the dbt project's files."""
    if not force and not manifest_is_stale(project):
        return project.manifest_path
    target_dir = project.project_dir / project.target_path
    target_dir.mkdir(parents=True, exist_ok=True)
    with (target_dir / ".parse.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # several processes may load the code location at once
        if force or manifest_is_stale(project):
            run_dbt_parse(project)
    return project.manifest_path


def prune_invocation_dirs(prefix: str, keep: int, project: DbtProject = DBT_PROJECT) -> list[Path]:
    """Delete all but the ``keep`` newest ``target/<prefix>-*`` directories of past dbt runs.

    dagster-dbt gives every invocation its own target directory (~10 MB here); without
    this they pile up run after run.
    """
    target_dir = project.project_dir / project.target_path
    runs = sorted(
        (path for path in target_dir.glob(f"{prefix}-*") if path.is_dir()),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    for path in runs[keep:]:
        shutil.rmtree(path, ignore_errors=True)
    return runs[keep:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run `dbt parse` when dbt/target/manifest.json is stale.")
    parser.add_argument("--force", action="store_true", help="parse even if the manifest is up to date")
    args = parser.parse_args(argv)
    stale = args.force or manifest_is_stale()
    path = ensure_manifest(force=args.force)
    print(f"{'parsed' if stale else 'up to date'}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
