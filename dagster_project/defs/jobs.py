"""Jobs, and the executor every run uses.

In process, one step at a time: DuckDB allows a single writer, and the ingest assets and
dbt would fight over the file lock in a multiprocess run (which also costs start-up time).
"""

import dagster as dg

warehouse_refresh = dg.define_asset_job(
    name="warehouse_refresh",
    # not the crawl (dagster_project/defs/crawl.py): it goes on the network, in a job of its own
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("crawl"),
    executor_def=dg.in_process_executor,
    description=(
        "Everything for the run's report years: register files → parse → dbt build (staging, marts,"
        " tests) → published snapshot."
    ),
)

defs = dg.Definitions(jobs=[warehouse_refresh], executor=dg.in_process_executor)
