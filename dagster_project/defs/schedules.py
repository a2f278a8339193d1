"""Schedules.

Agencies publish their annual reports by 31 January (《政府信息公开条例》), so the warehouse
is refreshed once a year, early in February, Beijing time. (It runs the full job; a later
change partitions it by report year.)
"""

import dagster as dg

from dagster_project.defs.jobs import warehouse_refresh

annual_refresh = dg.ScheduleDefinition(
    name="annual_refresh",
    job=warehouse_refresh,
    cron_schedule="0 6 5 2 *",
    execution_timezone="Asia/Shanghai",
    description="05 Feb 06:00 Asia/Shanghai: rebuild everything after the 31 January publication deadline.",
)
