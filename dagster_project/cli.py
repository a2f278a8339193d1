"""``ogi-dagster ARGS…``: Dagster's own CLI on this project's one instance and settings.

``dagster asset materialize …`` run by hand used a throwaway instance wherever ``DAGSTER_HOME``
was not exported (the run never showed in the UI, and Dagster printed its usage-statistics
banner). This entry point is the real CLI (``python -m dagster ARGS…``, which it becomes with
``execve``) with:

- ``DAGSTER_HOME``: the environment's, else ``.dagster_home`` in the repository, the instance
  ``make run``, ``make dev``, the schedules and the sensor share, its ``dagster.yaml`` written
  when missing (telemetry off, the batching event log);
- telemetry off for Dagster and dbt, and Dagster's event batches (``settings.instance_env``);
- the paths of contract §2 as ``dagster_project.settings`` resolves them (environment, then
  ``warehouse.toml``, then the defaults), printed on stderr first with a warning where the
  landing directory is not the one the warehouse was last built from.

``make dev`` is ``ogi-dagster dev …``. Run it from the repository root: Dagster finds the code
location through ``pyproject.toml`` (``[tool.dagster]``), or pass ``-m dagster_project.definitions``.
"""

from __future__ import annotations

import os
import sys

from dagster_project import settings
from dagster_project.freshness import landing_change


def preamble() -> list[str]:
    """What this command runs against, for the first lines of its output."""
    lines = [f"Dagster instance: {settings.dagster_home()}", *settings.describe()]
    note = landing_change(settings.landing_dir(), settings.warehouse_path())
    return [note, *lines] if note else lines


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    try:
        lines = preamble()
    except settings.SettingsError as error:
        sys.exit(f"ogi-dagster: {error}")
    settings.ensure_instance(settings.dagster_home())
    env = settings.instance_env()
    # a relative path given in the environment, made absolute here: Dagster's processes may start
    # elsewhere. Paths from warehouse.toml are left to it: an edited file counts on the next
    # "Reload definitions" of the UI.
    for name in settings.ENV_DEFAULTS:
        path, origin = settings.setting(name)
        if origin == "environment":
            env[name] = str(path)
    print("\n".join(lines), file=sys.stderr, flush=True)
    command = [sys.executable, "-m", "dagster", *args]
    os.execve(command[0], command, env)


if __name__ == "__main__":
    main()
