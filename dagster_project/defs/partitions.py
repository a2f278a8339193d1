"""Report years as partitions.

Reports are due by 31 January for the year before; the first year of the Regulations on
Open Government Information is 2008. A run for a range of years (a backfill) runs once over
the whole range (``BackfillPolicy.single_run``): DuckDB takes one writer, and the parse and
the dbt models delete and insert the rows of every year of the range in one go.
"""

from __future__ import annotations

import dagster as dg

from dagster_project.runs import report_year_keys

SINGLE_RUN = dg.BackfillPolicy.single_run()

report_years = dg.StaticPartitionsDefinition(report_year_keys())


def years_of(context: dg.AssetExecutionContext) -> list[int]:
    """The report years a run covers (one partition, or every year of a range)."""
    keys = report_years.get_partition_keys_in_range(context.partition_key_range)
    return [int(key) for key in keys]
