"""The dbt project (staging → intermediate → marts, audit) as assets; its tests as asset checks.

The manifest is (re)built by ``dbt parse`` when it is missing or stale, when this module is
loaded; dbt runs as ``dbt build`` through the offline wrapper, after the raw assets have
closed the warehouse (dbt opens the file itself).
"""

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from dagster_project.dbt_manifest import DBT_PROJECT, ensure_manifest, prune_invocation_dirs
from dagster_project.defs.partitions import SINGLE_RUN, report_years, years_of
from dagster_project.translator import WarehouseTranslator
from dagster_project.warehouse import DuckDBWarehouse

TRANSLATOR = WarehouseTranslator()
KEEP_RUN_DIRS = 3  # target/dbt_warehouse-<run>-<id>/ of the latest runs, for their logs and artifacts


@contextmanager
def warehouse_env(path: str) -> Iterator[None]:
    """dbt's profile reads WAREHOUSE_PATH; hand it the resource's absolute path while dbt starts."""
    previous = os.environ.get("WAREHOUSE_PATH")
    os.environ["WAREHOUSE_PATH"] = path
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("WAREHOUSE_PATH", None)
        else:
            os.environ["WAREHOUSE_PATH"] = previous


YEARLY = "tag:yearly"  # the fact models, incremental by report year


def build(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBWarehouse, args: list[str]
):
    with warehouse_env(warehouse.path):
        invocation = dbt.cli(["build", *args], context=context)
    yield from invocation.stream()
    prune_invocation_dirs(context.op_execution_context.op.name, keep=KEEP_RUN_DIRS)


@dbt_assets(
    manifest=ensure_manifest(DBT_PROJECT),
    project=DBT_PROJECT,
    dagster_dbt_translator=TRANSLATOR,
    name="dbt_warehouse",
    exclude=YEARLY,
    backfill_policy=SINGLE_RUN,
)
def dbt_warehouse(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBWarehouse):
    """Staging views, dimensions, identities and audit: rebuilt whole (they are small or cross-year)."""
    yield from build(context, dbt, warehouse, [])


@dbt_assets(
    manifest=ensure_manifest(DBT_PROJECT),
    project=DBT_PROJECT,
    dagster_dbt_translator=TRANSLATOR,
    name="dbt_yearly",
    select=YEARLY,
    partitions_def=report_years,
    backfill_policy=SINGLE_RUN,
)
def dbt_yearly(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBWarehouse):
    """The fact tables, incremental: the run's report years are deleted and inserted again, and
    reports not yet in a fact table are added whatever their year."""
    yield from build(context, dbt, warehouse, ["--vars", dbt_vars(years_of(context))])


def dbt_vars(years: list[int]) -> str:
    """The dbt vars of a run over ``years`` (a pure function, unit-tested)."""
    return json.dumps({"report_years": [min(years), max(years)]})
