"""``python -m dagster_project.quick_exit MODULE ARGS…``: ``python -m MODULE ARGS…``, then a quick exit.

``make run``'s Dagster process ended by tearing down every module it had imported (Dagster,
dbt-core, polars, DuckDB: ~0.9 s a run) after the run was finished and recorded. This runs the
module exactly as ``-m`` would (``runpy``, as ``__main__``; spawned workers still find a
package's ``__main__`` and skip it), and once it returns or calls ``sys.exit``, flushes the
logs and the standard streams and leaves with ``os._exit``. Nothing is left to clean up by
then: the CLI closes its instance, connections, locks and worker pools in its own context
managers. An exception still ends the process the normal way.
"""

from __future__ import annotations

import logging
import os
import runpy
import sys

USAGE = "usage: python -m dagster_project.quick_exit MODULE [ARGS…]"


def exit_status(code: object) -> int:
    """The status Python gives ``sys.exit(code)``: None is 0, an int itself, anything else is
    printed to stderr and is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return int(code)
    print(code, file=sys.stderr)
    return 1


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(USAGE)
    module = sys.argv[1]
    sys.argv = [module, *sys.argv[2:]]  # as -m leaves it (run_module sets argv[0] to the module's file)
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        status = 0
    except SystemExit as stop:
        status = exit_status(stop.code)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    main()
