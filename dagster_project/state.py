"""A warehouse's run state, in one directory beside it: ``<warehouse>.state/``.

What a run leaves for the next one, none of it data a BI user reads:

- ``build-state.json``: the landing directory's digest and the code of the last successful
  build (``dagster_project.freshness``: "nothing to do");
- ``registered.json``: the files the last registration saw (``dagster_project.freshness``);
- ``facts-state.json``: which dbt project built the fact tables (``defs/assets/dbt.py``);
- ``unit-tests.json``: the dbt projects whose unit tests passed (``defs/assets/dbt.py``);
- ``run.lock``: held by the run that writes the warehouse (``dagster_project.run_lock``).

Deleting the directory is safe: the next run rebuilds what it would have skipped. Files of
these names that an earlier version wrote beside the warehouse (``<warehouse>.<name>``) are
moved in the first time they are asked for.
"""

from __future__ import annotations

import os
from pathlib import Path

SUFFIX = ".state"
NAMES = frozenset({"build-state.json", "registered.json", "facts-state.json", "unit-tests.json", "run.lock"})


def state_dir(warehouse: str | os.PathLike[str]) -> Path:
    path = Path(warehouse)
    return path.with_name(path.name + SUFFIX)


def state_file(warehouse: str | os.PathLike[str], name: str) -> Path:
    """The path of state file ``name`` of ``warehouse`` (its directory created)."""
    if name not in NAMES:
        raise ValueError(f"not a state file: {name!r}")
    folder = state_dir(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    legacy = Path(warehouse).with_name(f"{Path(warehouse).name}.{name}")
    if legacy.is_file() and not path.exists() and name != "run.lock":
        os.replace(legacy, path)
    return path
