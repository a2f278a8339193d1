"""The code location: every definition under ``dagster_project/defs/``, loaded by folder."""

import warnings
from pathlib import Path

import dagster as dg

import dagster_project.defs

# Dagster's notices that an API it offers is beta or preview (the assets' backfill_policy, the
# folder loader, the selection `--select '*'` resolves to), in every process that loads the code
# location (make run, make dev): they say nothing about this project's data, and make run printed
# them on every run. Only these two categories of Dagster's own: any other warning still shows.
warnings.filterwarnings("ignore", category=dg.BetaWarning)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)

defs = dg.ComponentTree.from_module(
    defs_module=dagster_project.defs, project_root=Path(__file__).resolve().parents[1]
).build_defs()
