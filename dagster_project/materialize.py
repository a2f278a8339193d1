"""``make run``: every asset, every report year, in one run, parsing only new or changed files.

``python -m dagster_project.materialize`` replaces itself with the real Dagster CLI::

    python -m dagster_project.run_console dagster asset materialize --select 'not group:crawl' \\
        -m dagster_project.definitions --partition-range 2008...<this year> \\
        --config-json '{…"reparse": false…}'

that is ``python -m dagster …`` (``dagster_project.run_console`` adds the console filter and the
summary below). ``python -m dagster`` rather than the ``dagster``
script: the parse's worker processes (spawned) first import the parent's main module again
when it is a script (the CLI's imports, ~1 s a worker on every run), and not when it is a
package's ``__main__``.

Tests run the same command (:func:`command`), so they exercise exactly what ``make run`` does.
Where the last successful run already built this landing directory with this code, it says so
and stops (``dagster_project.freshness``).

What it prints (``dagster_project.run_summary``): the run's INFO lines (Dagster's console
logger at INFO, not its default DEBUG: ~1,400 lines for five reports) and dbt's failing or
warning nodes, then a summary of the run; ``VERBOSE=1`` keeps every event on the console.
"""

from __future__ import annotations

import json
import os
import sys
import time

from dagster_project.freshness import handed_over, landing_change, listing_digest, unchanged
from dagster_project.run_summary import SUMMARY_ENV, Request
from dagster_project.runs import NEW_FILES_ONLY, full_range
from dagster_project.settings import (
    REPO_ROOT,
    SettingsError,
    describe,
    instance_env,
    landing_dir,
    publish_dir,
    warehouse_path,
)
from ingest.discover import list_files

# every asset but the crawl's (make crawl, or its own job and schedule): make run stays offline
EVERY_ASSET = "not group:crawl"
# the console logger's threshold unless VERBOSE=1: progress and problems, not every event
QUIET_LOGGERS = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def verbose() -> bool:
    """``VERBOSE=1 make run`` (or ``make run VERBOSE=1``): Dagster's whole event log on the console."""
    return os.environ.get("VERBOSE", "").strip().lower() not in ("", "0", "false", "no", "off")


def run_config(verbose: bool) -> dict:
    return NEW_FILES_ONLY if verbose else {**NEW_FILES_ONLY, **QUIET_LOGGERS}


def command(verbose: bool = False) -> list[str]:
    return [
        sys.executable,
        *("-m", "dagster_project.run_console", "dagster"),
        *("asset", "materialize", "--select", EVERY_ASSET, "-m", "dagster_project.definitions"),
        *("--partition-range", full_range(), "--config-json", json.dumps(run_config(verbose))),
    ]


def main() -> None:
    started = time.time()
    try:
        landing, warehouse, published = landing_dir(), warehouse_path(), publish_dir()
    except SettingsError as error:
        sys.exit(f"make run: {error}")
    change = landing_change(landing, warehouse)  # the first line, where the landing dir changed
    print("\n".join([change, *describe()] if change else describe()))
    listing = list_files(landing)
    digest = listing_digest(listing)
    if unchanged(landing, warehouse, published, digest):
        print(
            f"nothing to do: {warehouse} and its published copy are the build of {landing} as it is now"
            " (same files, same code). Change a file, or delete the warehouse, to build again."
        )
        return
    loud = verbose()
    args = command(loud)
    sys.stdout.flush()
    # the code location of this checkout first, whichever is installed in the venv
    path = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    # the Dagster process keeps this pid: its run records this digest and registers this listing
    # instead of listing the directory again (~1 s at 200,000 files)
    env = {**instance_env(), "PYTHONPATH": path, **handed_over(landing, digest, listing)}
    # run_console prints the run's summary once the CLI is done, and filters the console unless loud
    env[SUMMARY_ENV] = Request(started=started, verbose=loud).env_value()
    os.execve(args[0], args, env)


if __name__ == "__main__":
    main()
