"""Schedules.

Agencies publish their annual reports by 31 January (《政府信息公开条例》 Article 50), so the
year just ended is refreshed early in February, Beijing time, and again every Monday of
February and March for late publishers. Both runs parse only new or changed files.

Both are running by default: the annual refresh is the point of the product, and a schedule
that waits to be switched on in the UI is one nobody switches on. They tick only while the
Dagster daemon runs (``make dev``, or a deployment's ``dagster-daemon``). A deployment that
refreshes otherwise sets ``WAREHOUSE_SCHEDULES=off`` (their default becomes stopped) or stops
them in the UI or with ``ogi-dagster schedule stop`` (the instance remembers).
"""

import datetime as dt
import os

import dagster as dg

from dagster_project.defs.jobs import warehouse_refresh
from dagster_project.runs import NEW_FILES_ONLY

TIMEZONE = "Asia/Shanghai"
SWITCH_ENV = "WAREHOUSE_SCHEDULES"  # "off": the schedules' default status is stopped


def default_status() -> dg.DefaultScheduleStatus:
    """Running, unless the deployment says ``WAREHOUSE_SCHEDULES=off``."""
    if os.environ.get(SWITCH_ENV, "").strip().lower() in ("off", "stopped", "false", "0"):
        return dg.DefaultScheduleStatus.STOPPED
    return dg.DefaultScheduleStatus.RUNNING


def previous_year_request(when: dt.datetime, kind: str) -> dg.RunRequest:
    """The run for the report year before ``when`` (the year whose reports just came out)."""
    year = str(when.year - 1)
    return dg.RunRequest(
        run_key=f"{kind}-{when.date().isoformat()}",
        partition_key=year,
        run_config=NEW_FILES_ONLY,
        tags={"trigger": kind},
    )


@dg.schedule(
    name="annual_refresh",
    job=warehouse_refresh,
    cron_schedule="0 6 5 2 *",
    execution_timezone=TIMEZONE,
    default_status=default_status(),
    description="05 Feb 06:00 Beijing time: the year just ended, after the 31 January deadline.",
)
def annual_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    return previous_year_request(context.scheduled_execution_time, "annual_refresh")


@dg.schedule(
    name="late_publishers_catchup",
    job=warehouse_refresh,
    cron_schedule="0 6 * 2,3 1",
    execution_timezone=TIMEZONE,
    default_status=default_status(),
    description="Mondays of February and March, 06:00 Beijing time: reports published late.",
)
def late_publishers_catchup(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    return previous_year_request(context.scheduled_execution_time, "late_publishers_catchup")
