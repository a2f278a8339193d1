"""The code location: every definition under ``dagster_project/defs/``, loaded by folder."""

import warnings
from pathlib import Path

import dagster as dg

import dagster_project.defs

with warnings.catch_warnings():
    # the folder loader calls load_definitions_from_module, which warns that it is a preview
    warnings.simplefilter("ignore", category=dg.PreviewWarning)
    defs = dg.ComponentTree.from_module(
        defs_module=dagster_project.defs, project_root=Path(__file__).resolve().parents[1]
    ).build_defs()
