"""``make run``: every asset, every report year, in one run, parsing only new or changed files.

``python -m dagster_project.materialize`` replaces itself with the real Dagster CLI::

    dagster asset materialize --select '*' -m dagster_project.definitions \\
        --partition-range 2008...<this year> --config-json '{…"reparse": false…}'

Tests run the same command (:func:`command`), so they exercise exactly what ``make run`` does.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from dagster_project.defs.jobs import NEW_FILES_ONLY
from dagster_project.defs.partitions import full_range


def command() -> list[str]:
    dagster = Path(sys.executable).parent / "dagster"
    return [
        str(dagster),
        *("asset", "materialize", "--select", "*", "-m", "dagster_project.definitions"),
        *("--partition-range", full_range(), "--config-json", json.dumps(NEW_FILES_ONLY)),
    ]


def main() -> None:
    args = command()
    sys.stdout.flush()
    os.execv(args[0], args)


if __name__ == "__main__":
    main()
