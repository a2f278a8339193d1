"""``make docs`` / ``make docs-serve``: dbt's documentation site, built beside the warehouse's runs.

``dbt docs generate`` run as a plain dbt command has two ways to hurt a running warehouse:

- it writes ``manifest.json`` (and dbt's partial-parse state) into its target path. In
  ``dbt/target`` that is the manifest the Dagster code location is loaded from, replaced
  behind its back. Here dbt writes into a target path of its own, :data:`DOCS_TARGET_PATH`
  (``dbt/target/docs``: inside ``dbt/target``, which ``make clean`` removes, git ignores and
  the manifest's staleness check skips, so building the docs never makes Dagster parse again);
- its catalog connects to the warehouse, which DuckDB refuses with a lock traceback while a
  run writes it. Here it first takes the run lock every run takes
  (``dagster_project.run_lock``), waiting up to ``WAREHOUSE_LOCK_WAIT_SECONDS`` and saying which
  run it waits for; if that run is still going it stops with one line naming the run. dbt then
  connects through the ``docs`` target of ``dbt/profiles.yml``, read-only.

``serve`` serves that target path with ``dbt docs serve`` (generating it first when it is
missing); it reads files only, no lock.

    python -m dagster_project.dbt_docs generate
    python -m dagster_project.dbt_docs serve [--port 8080] [--host 127.0.0.1]
"""

from __future__ import annotations

import argparse
import signal
import socket
import subprocess
import sys

from dagster_project.dbt_manifest import dbt_env, dbt_executable
from dagster_project.run_lock import RunLock, WarehouseBusy
from dagster_project.settings import DBT_PROJECT_DIR, lock_wait_seconds, warehouse_path

DOCS_TARGET_PATH = DBT_PROJECT_DIR / "target" / "docs"
PROFILE_TARGET = "docs"  # dbt/profiles.yml: the warehouse opened read-only
LOCK_HOLDER = "dbt docs generate"  # how a run waiting for this lock names it
DOCS_FILES = ("index.html", "catalog.json", "manifest.json")
DEFAULT_PORT = 8080
DEFAULT_HOST = "127.0.0.1"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def say(message: str, error: bool = False) -> None:
    print(f"dbt docs: {message}", file=sys.stderr if error else sys.stdout, flush=True)


def dbt_command(*args: str) -> list[str]:
    return [
        dbt_executable(),
        *args,
        *("--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)),
        *("--target", PROFILE_TARGET, "--target-path", str(DOCS_TARGET_PATH)),
    ]


def run_dbt(command: list[str]) -> int:
    try:
        return subprocess.run(command, cwd=DBT_PROJECT_DIR, env=dbt_env(), check=False).returncode
    except KeyboardInterrupt:  # Ctrl+C reached dbt too (same process group): no traceback here
        return 130


def generate() -> int:
    """``dbt docs generate`` into :data:`DOCS_TARGET_PATH` under the warehouse's run lock."""
    warehouse = warehouse_path()
    if not warehouse.is_file():
        say(
            f"no warehouse at {warehouse}: run `make run` first "
            "(the docs' catalog describes the warehouse's tables)",
            error=True,
        )
        return 2
    lock = RunLock(warehouse)
    wait = lock_wait_seconds()
    try:
        lock.acquire(wait, LOCK_HOLDER, lambda message: say(f"{message} (up to {wait:.0f} s)"))
    except WarehouseBusy:
        say(
            f"{warehouse} is being built by {lock.holder()}; waited {wait:.0f} s "
            "(WAREHOUSE_LOCK_WAIT_SECONDS). Run `make docs` again once that run has finished.",
            error=True,
        )
        return 3
    try:
        code = run_dbt(dbt_command("docs", "generate"))
    finally:
        lock.release()
    if code == 0:
        say(f"written to {DOCS_TARGET_PATH} (`make docs-serve` serves it)")
    return code


def docs_missing() -> bool:
    return not all((DOCS_TARGET_PATH / name).is_file() for name in DOCS_FILES)


def port_in_use(host: str, port: int) -> bool:
    """Whether dbt's server (no SO_REUSEADDR) would fail to bind ``host:port``."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def serve(port: int = DEFAULT_PORT, host: str = DEFAULT_HOST) -> int:
    if port_in_use(host, port):
        say(f"{host}:{port} is in use: serve on another port (`make docs-serve DOCS_PORT=8081`)", error=True)
        return 2
    if docs_missing():
        code = generate()
        if code != 0:
            return code
    say(f"serving {DOCS_TARGET_PATH} on http://{host}:{port} (Ctrl+C stops)")
    command = [*dbt_command("docs", "serve"), "--port", str(port), "--host", host, "--no-browser"]
    # a session of its own: Ctrl+C reaches this process only, which stops the server with SIGTERM
    # (dbt answers SIGINT with a KeyboardInterrupt traceback)
    server = subprocess.Popen(command, cwd=DBT_PROJECT_DIR, env=dbt_env(), start_new_session=True)
    for stop in STOP_SIGNALS:
        signal.signal(stop, lambda *_: server.terminate())
    code = server.wait()
    if code == -signal.SIGTERM:
        say("stopped")
        return 0
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dagster_project.dbt_docs",
        description=f"dbt's documentation site, in its own target path ({DOCS_TARGET_PATH}).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("generate", help="dbt docs generate, under the warehouse's run lock")
    serving = commands.add_parser("serve", help="dbt docs serve (generating the docs first if missing)")
    serving.add_argument("--port", type=int, default=DEFAULT_PORT)
    serving.add_argument("--host", default=DEFAULT_HOST)
    args = parser.parse_args(argv)
    if args.command == "generate":
        return generate()
    return serve(args.port, args.host)


if __name__ == "__main__":
    sys.exit(main())
