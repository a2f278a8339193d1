"""``dbt-offline``: dbt, except that ``--version`` is answered locally.

``dbt --version`` asks the package index for the latest release (3–5 s, ~20 s where DNS
hangs), and dagster-dbt runs it on every ``DbtCliResource.cli()``. This wrapper prints the
installed versions from the package metadata instead (dagster-dbt reads the first
``\\d+.\\d+.\\d+`` of the output) and runs every other command with dbt's own CLI: on a
standby of the run where there is one (``dagster_project.dbt_standby``), else in process.
"""

from __future__ import annotations

import os
import sys
from importlib import metadata
from pathlib import Path

from dagster_project import dbt_standby

VERSION_FLAGS = frozenset({"--version", "-V", "-v"})
PLUGINS = ("dbt-duckdb",)


def version_text() -> str:
    lines = ["Core:", f"  - installed: {metadata.version('dbt-core')}", "", "Plugins:"]
    for distribution in PLUGINS:
        try:
            lines.append(f"  - {distribution.removeprefix('dbt-')}: {metadata.version(distribution)}")
        except metadata.PackageNotFoundError:
            continue
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and all(arg in VERSION_FLAGS for arg in args):
        sys.stdout.write(version_text())
        return 0
    standby = os.environ.get(dbt_standby.DIRECTORY_ENV)
    if standby:  # a dbt process of this run that has imported dbt already
        exit_code = dbt_standby.run_on_standby(Path(standby), args)
        if exit_code is not None:
            return exit_code
    from dbt.cli.main import cli  # imported only here: it takes seconds

    return cli.main(args=args, prog_name="dbt", standalone_mode=True)


if __name__ == "__main__":
    sys.exit(main())
