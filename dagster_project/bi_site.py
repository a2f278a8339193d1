"""The BI site (bi/, docs/bi.md): Observable Framework pages built from the published snapshot.

``python -m dagster_project.bi_site build`` is ``make bi``: its Node packages from the committed
bi/package-lock.json (``npm ci``, only when bi/node_modules is missing or was installed from
another lockfile), then ``observable build`` into bi/build. The pages' one data loader
(bi/src/data/warehouse.json.py) runs the queries of bi/sql/ over
``$WAREHOUSE_PUBLISH_DIR/warehouse.duckdb`` with this venv's duckdb. ``dev`` is ``make bi-dev``:
Framework's preview server on 127.0.0.1. The Dagster asset ``published/bi_site`` calls the same
:func:`build`.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from dagster_project.settings import REPO_ROOT, publish_dir

BI_DIR = REPO_ROOT / "bi"
LOCKFILE = BI_DIR / "package-lock.json"
NODE_MODULES = BI_DIR / "node_modules"
# the lockfile's digest when npm ci last installed node_modules
INSTALLED_LOCK = NODE_MODULES / ".ogi-package-lock.sha256"
# Framework caches a data loader's output until the loader file changes: a new snapshot would not
LOADER_CACHE = Path("src") / ".observablehq" / "cache" / "data"
VENV_BIN = Path(sys.executable).parent
NPM_TIMEOUT = 900
BUILD_TIMEOUT = 600
INSTALL_NODE = (
    "install Node.js 18 or later with npm (Debian/Ubuntu: apt-get install nodejs npm;"
    " elsewhere https://nodejs.org), then run make bi"
)


class BiSiteError(RuntimeError):
    """The site could not be built (a missing snapshot, npm or Framework failing)."""


def missing_node() -> str | None:
    """Why the site cannot be built here (no ``node`` or ``npm`` on PATH), else None."""
    absent = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if not absent:
        return None
    return f"{' and '.join(absent)} not found on PATH: {INSTALL_NODE}"


def lock_digest() -> str:
    return hashlib.sha256(LOCKFILE.read_bytes()).hexdigest()


def packages_current() -> bool:
    try:
        return INSTALLED_LOCK.read_text(encoding="utf-8").strip() == lock_digest()
    except OSError:
        return False


def site_env(snapshot_dir: Path) -> dict[str, str]:
    """This venv first on PATH (the data loader's ``python3`` has duckdb 2.0), the snapshot, no telemetry."""
    return {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "WAREHOUSE_PUBLISH_DIR": str(snapshot_dir),
        "OBSERVABLE_TELEMETRY_DISABLE": "true",
        "DO_NOT_TRACK": "1",
        "npm_config_update_notifier": "false",
        "npm_config_fund": "false",
        "npm_config_audit": "false",
    }


def run(command: list[str], env: dict[str, str], timeout: float, cwd: Path = BI_DIR) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise BiSiteError(f"{' '.join(command)} failed with exit code {done.returncode}:\n{output[-4000:]}")
    return output


def install_packages(env: dict[str, str]) -> bool:
    """``npm ci`` where bi/node_modules is missing or stale; True when it ran."""
    if packages_current():
        return False
    run(["npm", "ci", "--no-audit", "--no-fund"], env, NPM_TIMEOUT)
    INSTALLED_LOCK.write_text(lock_digest() + "\n", encoding="utf-8")
    return True


def require_snapshot(snapshot_dir: Path) -> None:
    if not (snapshot_dir / "warehouse.duckdb").is_file():
        raise BiSiteError(f"{snapshot_dir}/warehouse.duckdb is missing: make run publishes it first")


def prepare(snapshot_dir: Path | None, site_dir: Path) -> dict[str, str]:
    """What building or serving needs first: Node, the snapshot, the packages, no stale loader
    output (the snapshot may have changed since); the loaders' environment returned."""
    why = missing_node()
    if why:
        raise BiSiteError(why)
    snapshot_dir = (snapshot_dir or publish_dir()).resolve()
    require_snapshot(snapshot_dir)
    env = site_env(snapshot_dir)
    install_packages(env)
    shutil.rmtree(site_dir / LOADER_CACHE, ignore_errors=True)
    return env


def build(snapshot_dir: Path | None = None, site_dir: Path = BI_DIR) -> Path:
    """The static site of the snapshot in <site_dir>/build (its index.html returned).

    ``site_dir`` is bi/, or a copy of its sources whose node_modules links to bi/node_modules
    (the tests build there, leaving bi/build alone); npm ci always installs into bi/.
    """
    env = prepare(snapshot_dir, site_dir)
    run([str(NODE_MODULES / ".bin" / "observable"), "build"], env, BUILD_TIMEOUT, cwd=site_dir)
    index = site_dir / "build" / "index.html"
    if not index.is_file():
        raise BiSiteError(f"observable build wrote no {index}")
    return index


def serve(snapshot_dir: Path | None = None, port: int = 3100) -> None:
    """Framework's preview server (pages rebuilt as they change) on 127.0.0.1 until Ctrl-C."""
    env = prepare(snapshot_dir, BI_DIR)
    command = [str(NODE_MODULES / ".bin" / "observable"), "preview", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--no-open"]
    os.chdir(BI_DIR)
    os.execve(command[0], command, env)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dagster_project.bi_site", description=__doc__)
    parser.add_argument("command", choices=("build", "dev"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BI_PORT", "3100")))
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            index = build()
            print(f"built {index.parent} from {publish_dir()}: open {index} or run make bi-dev")
        else:
            serve(port=args.port)
    except BiSiteError as error:
        sys.exit(f"make bi: {error}")


if __name__ == "__main__":
    main()
