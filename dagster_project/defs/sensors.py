"""A sensor on the landing directory: new, changed or removed report files start a run.

It compares a listing (path, size, mtime) with the registry ``raw.report_files`` and asks
for the report years of the changed files only (their year is sniffed from the title). The
run parses only new or changed content. Where more files changed than are worth sniffing
(a first load), it asks for every year in one run.

Stopped by default, unlike the schedules: a crawl copied into the landing directory arrives
over minutes, and a sensor ticking every minute would start a run for each part of it (each
re-registering the whole directory and rebuilding the marts) where one run after the copy
does the work once. The schedules take in whatever arrived by their date; ``make run`` or the
UI does it at once. Switch the sensor on (UI, or ``ogi-dagster sensor start landing_dir_sensor``)
where files arrive one by one and should reach the warehouse within minutes.
"""

import datetime as dt
import hashlib
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.defs.jobs import warehouse_refresh
from dagster_project.defs.partitions import report_years
from dagster_project.runs import NEW_FILES_ONLY
from dagster_project.warehouse import DuckDBWarehouse, LandingDir
from ingest.discover import list_files, read_bytes
from ingest.sniff import sniff_report_year

MAX_SNIFFED = 500


def listing(landing_dir: Path) -> dict[str, tuple[int, int]]:
    """path → (size, mtime_ns) of every report file below ``landing_dir``."""
    files = list_files(landing_dir)
    return dict(zip(files.source_path, zip(files.size_bytes, files.modified_ns, strict=True), strict=True))


def registered(warehouse: DuckDBWarehouse) -> dict[str, tuple[int, int]] | None:
    """The registry's view, or None while a run holds the warehouse (DuckDB: one writer)."""
    if not Path(warehouse.path).exists():
        return {}
    try:
        with warehouse.connect(read_only=True) as con:
            rows = con.execute("SELECT source_path, size_bytes, modified_ns FROM raw.report_files").fetchall()
    except duckdb.Error:
        return None
    return {path: (size, modified) for path, size, modified in rows}


def changed_files(now: dict[str, tuple[int, int]], before: dict[str, tuple[int, int]]) -> list[str]:
    """New or changed paths and removed ones, sorted (a pure function, unit-tested)."""
    return sorted({p for p, stat in now.items() if before.get(p) != stat} | (set(before) - set(now)))


def years_for(paths: list[str], now: dict[str, tuple[int, int]], default: str) -> set[str]:
    """The partitions to refresh: each new or changed file's sniffed year; ``default`` otherwise."""
    keys = set(report_years.get_partition_keys())
    years = set()
    for path in paths:
        year = None
        if path in now:
            try:  # a dangling link or a FIFO is no year: the run rejects it (unreadable)
                data = read_bytes(path)
            except OSError:
                data = None
            year = sniff_report_year(data, Path(path).suffix.lower()) if data is not None else None
        years.add(str(year) if year and str(year) in keys else default)
    return years


@dg.sensor(
    name="landing_dir_sensor",
    job=warehouse_refresh,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="New or changed files in WAREHOUSE_LANDING_DIR: refresh the report years they belong to.",
)
def landing_dir_sensor(context: dg.SensorEvaluationContext, warehouse: DuckDBWarehouse, landing: LandingDir):
    before = registered(warehouse)
    if before is None:
        return dg.SkipReason("the warehouse is being written by a run; looking again next tick")
    now = listing(Path(landing.path))
    changed = changed_files(now, before)
    if not changed:
        return dg.SkipReason(f"no change among {len(now)} report file(s)")
    digest = hashlib.sha256(repr([(p, now.get(p)) for p in changed]).encode()).hexdigest()[:16]
    keys = report_years.get_partition_keys()
    if len(changed) > MAX_SNIFFED:
        context.log.info(f"{len(changed)} files changed: refreshing every report year in one run")
        return dg.RunRequest(
            run_key=f"landing-{digest}-all",
            run_config=NEW_FILES_ONLY,
            tags={
                "dagster/asset_partition_range_start": keys[0],
                "dagster/asset_partition_range_end": keys[-1],
            },
        )
    default = str(dt.date.today().year - 1)
    years = years_for(changed, now, default if default in keys else keys[-1])
    context.log.info(f"{len(changed)} file(s) changed; report year(s) {sorted(years)}")
    return [
        dg.RunRequest(run_key=f"landing-{digest}-{year}", partition_key=year, run_config=NEW_FILES_ONLY)
        for year in sorted(years)
    ]
