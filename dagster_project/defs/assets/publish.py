"""What BI tools read: a read-only snapshot of the warehouse and a Parquet file per mart.

Runs only after every marts and audit model built (and their blocking tests passed), so a
failed build never replaces the last good publication.
"""

import time
from pathlib import Path

import dagster as dg

from dagster_project import freshness
from dagster_project.consistency import publish_blockers
from dagster_project.defs.assets.dbt import dbt_warehouse, dbt_yearly, facts_state_path
from dagster_project.defs.partitions import SINGLE_RUN
from dagster_project.translator import PUBLISH_GROUP, PUBLISHED_KEY, is_published
from dagster_project.warehouse import DuckDBWarehouse, LandingDir, PublishDir, publish_warehouse

PUBLISHED_MODELS = sorted(
    (key for key in (*dbt_warehouse.keys, *dbt_yearly.keys) if is_published(key)), key=lambda k: k.path
)


@dg.asset(
    key=PUBLISHED_KEY,
    deps=PUBLISHED_MODELS,
    group_name=PUBLISH_GROUP,
    kinds={"duckdb", "parquet"},
    backfill_policy=SINGLE_RUN,
    description=(
        "WAREHOUSE_PUBLISH_DIR/warehouse.duckdb (swapped in atomically) and"
        " parquet/<schema>/<table>.parquet for every table of the marts and audit schemas."
    ),
)
def published_warehouse(
    context: dg.AssetExecutionContext,
    warehouse: DuckDBWarehouse,
    publish_dir: PublishDir,
    landing: LandingDir,
) -> dg.MaterializeResult:
    started = time.monotonic()
    with warehouse.connect(read_only=True) as con:
        blockers = publish_blockers(con, facts_state_path(warehouse.path))
    if blockers:  # facts older than their reports: BI tools keep the last good snapshot
        raise dg.Failure(
            description="Not published: the marts are not the build of the raw tables. " + " ".join(blockers),
            metadata={"reasons": dg.MetadataValue.md("\n".join(f"- {b}" for b in blockers))},
        )
    publication = publish_warehouse(warehouse.path, publish_dir.path)
    # the run succeeded: `make run` may now say "nothing to do" until a file or the code changes
    freshness.record(Path(landing.path), Path(warehouse.path), Path(publish_dir.path))
    for path in publication.removed_parquet:
        context.log.info(f"removed {path}: its table is gone")
    for path in publication.removed_leftovers:
        context.log.info(f"removed {path}: left behind by a publication that was killed")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(publication.warehouse_file)),
            "size_bytes": publication.warehouse_file.stat().st_size,
            "parquet_files": len(publication.parquet_files),
            "publish_seconds": round(time.monotonic() - started, 3),
            "table_row_counts": publication.tables,
        }
    )
