"""``dbt-offline``: dbt, except that ``--version`` is answered locally.

``dbt --version`` asks the package index for the latest release (3–5 s, ~20 s where DNS
hangs), and dagster-dbt runs it to learn dbt's version. This wrapper, the resource's
``dbt_executable`` (a documented setting of ``DbtCliResource``), prints the installed versions
from the package metadata instead (dagster-dbt reads the first ``\\d+.\\d+.\\d+`` of the output)
and runs every other command with dbt's documented programmatic entry point, ``dbtRunner``.
"""

from __future__ import annotations

import sys
from importlib import metadata

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
    from dbt.cli.main import dbtRunner  # imported only here: it takes seconds

    result = dbtRunner().invoke(args)
    # the dbt command's own exit codes: 0 success, 1 a failed node, 2 an error that stopped dbt
    if result.success:
        return 0
    return 2 if result.exception is not None else 1


if __name__ == "__main__":
    sys.exit(main())
