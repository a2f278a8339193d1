"""The crawl in Dagster: an asset upstream of the file registry, its job, its schedule, and the
sensor that hands what it collected to the refresh.

``landing/crawled_reports`` runs the crawler (``crawl/``, as ``make crawl`` does) over the
portals of ``CRAWL_CONFIG`` into ``WAREHOUSE_LANDING_DIR/<portal name>/``. It is upstream of
``raw/report_files`` in the lineage but in no run that builds the warehouse (``warehouse_refresh``
and ``make run`` leave the ``crawl`` group out: they stay offline). Its schedule runs it every
morning of February and March, Beijing time, before the refreshes at 06:00; when a crawl that
wrote new files succeeds, ``crawled_reports_refresh`` asks ``warehouse_refresh`` for the report
years of those files (sniffed from their heads, else the year of their listing's title).

The schedule is running by default only where ``CRAWL_CONFIG`` names a config (a deployment that
has portals to crawl) and ``WAREHOUSE_SCHEDULES`` is not ``off``; otherwise it waits to be
switched on, and the asset can always be materialised from the UI.
"""

import datetime as dt
import json
import os
from pathlib import Path

import dagster as dg
from pydantic import Field

from crawl.config import ConfigError, config_path, load_config, settings_from_env
from crawl.links import year_of
from crawl.run import crawl
from dagster_project.defs.jobs import warehouse_refresh
from dagster_project.defs.partitions import SINGLE_RUN, report_years
from dagster_project.defs.schedules import TIMEZONE
from dagster_project.defs.schedules import default_status as schedules_status
from dagster_project.runs import NEW_FILES_ONLY
from dagster_project.warehouse import LandingDir
from ingest.discover import read_bytes
from ingest.sniff import sniff_report_year

CRAWL_GROUP = "crawl"
CRAWL_KEY = dg.AssetKey(["landing", "crawled_reports"])


class CrawlRunConfig(dg.Config):
    config_path: str | None = Field(
        default=None,
        description="A crawl config (YAML, contract §5); default CRAWL_CONFIG, else the example.",
    )


def year_of_file(path: Path) -> int | None:
    """The report year of a collected file: sniffed from its head, else its listing title's year."""
    try:
        year = sniff_report_year(read_bytes(path), path.suffix.lower())
    except OSError:
        year = None
    if year is None:
        try:
            sidecar = json.loads(path.with_name(path.name + ".meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            sidecar = {}
        title = sidecar.get("listing_title") if isinstance(sidecar, dict) else None
        year = year_of(title) if isinstance(title, str) else None
    return year


@dg.asset(
    key=CRAWL_KEY,
    group_name=CRAWL_GROUP,
    kinds={"python"},
    backfill_policy=SINGLE_RUN,
    description=(
        "Reports and their attachments collected from the portals of CRAWL_CONFIG into "
        "WAREHOUSE_LANDING_DIR/<portal>/ (robots.txt honoured, never overwriting; docs/crawling.md)."
    ),
)
def crawled_reports(
    context: dg.AssetExecutionContext, config: CrawlRunConfig, landing: LandingDir
) -> dg.MaterializeResult:
    if not config.config_path and not os.environ.get("CRAWL_CONFIG", "").strip():
        # "Materialize all" in the UI selects this asset too: with no portals named, nothing is
        # crawled (the example config's portal is on loopback, for make crawl's first try)
        context.log.info("no CRAWL_CONFIG and no config_path: no portal to crawl")
        return dg.MaterializeResult(metadata={"crawled": False, "new_files": 0})
    path = Path(config.config_path) if config.config_path else config_path()
    try:
        crawl_config = load_config(path)
        settings = settings_from_env(crawl_config.contact)
    except (ConfigError, OSError) as error:
        raise dg.Failure(f"crawl config {path}: {error}") from error
    root = Path(landing.path)
    summaries = crawl(crawl_config, settings, root)
    written = [root / s.portal / file for s in summaries for file in s.written]
    years = sorted({year for file in written if (year := year_of_file(file)) is not None})
    failed = {url: why for s in summaries for url, why in s.failed.items()}
    for url, why in list(failed.items())[:20]:
        context.log.warning(f"not fetched: {url}: {why}")
    return dg.MaterializeResult(
        metadata={
            "config": dg.MetadataValue.path(str(path)),
            "new_files": len(written),
            "report_years": dg.MetadataValue.json(years),
            "not_modified": sum(s.not_modified for s in summaries),
            "not_fetched": len(failed),
            "requests": sum(s.requests for s in summaries),
            "portals": dg.MetadataValue.json(
                {
                    s.portal: {
                        "new_files": len(s.written),
                        "pages": s.pages,
                        "not_modified": s.not_modified,
                        "not_fetched": len(s.failed),
                        "budget_reached": s.budget_reached,
                    }
                    for s in summaries
                }
            ),
        }
    )


crawl_portals = dg.define_asset_job(
    name="crawl_portals",
    selection=dg.AssetSelection.assets(CRAWL_KEY),
    executor_def=dg.in_process_executor,
    description="Collect reports from the portals of CRAWL_CONFIG into WAREHOUSE_LANDING_DIR.",
)


def crawl_schedule_status() -> dg.DefaultScheduleStatus:
    """Running where a deployment names its portals (``CRAWL_CONFIG``) and keeps its schedules on."""
    if os.environ.get("CRAWL_CONFIG", "").strip():
        return schedules_status()
    return dg.DefaultScheduleStatus.STOPPED


@dg.schedule(
    name="reports_crawl",
    job=crawl_portals,
    cron_schedule="0 4 * 2,3 *",
    execution_timezone=TIMEZONE,
    default_status=crawl_schedule_status(),
    description="Every day of February and March, 04:00 Beijing time: collect newly published reports.",
)
def reports_crawl(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    return dg.RunRequest(run_key=f"reports_crawl-{context.scheduled_execution_time.date().isoformat()}")


def refresh_requests(run_id: str, years: list[int], keys: list[str], default: str) -> list[dg.RunRequest]:
    """One refresh per report year the crawl wrote files of (a year outside the partitions: ``default``)."""
    wanted = sorted({str(year) if str(year) in keys else default for year in years})
    return [
        dg.RunRequest(
            run_key=f"crawl-{run_id}-{year}",
            partition_key=year,
            run_config=NEW_FILES_ONLY,
            tags={"trigger": "crawl"},
        )
        for year in wanted
    ]


@dg.run_status_sensor(
    name="crawled_reports_refresh",
    run_status=dg.DagsterRunStatus.SUCCESS,
    request_job=warehouse_refresh,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="A crawl that collected new files: refresh the report years they belong to.",
)
def crawled_reports_refresh(context: dg.RunStatusSensorContext):
    run_id = context.dagster_run.run_id
    event = context.instance.get_latest_materialization_event(CRAWL_KEY)
    if event is None or event.run_id != run_id:
        return dg.SkipReason("the run collected no reports")
    metadata = event.asset_materialization.metadata if event.asset_materialization else {}
    years = metadata["report_years"].value if "report_years" in metadata else []
    new_files = metadata["new_files"].value if "new_files" in metadata else 0
    if not new_files:
        return dg.SkipReason("the crawl found nothing new")
    keys = report_years.get_partition_keys()
    default = str(dt.date.today().year - 1)
    default = default if default in keys else keys[-1]
    # files whose year nobody could tell: the year just ended, as the landing sensor does
    requests = refresh_requests(run_id, list(years or []) or [int(default)], keys, default)
    context.log.info(
        f"{new_files} new file(s); refreshing report year(s) {[r.partition_key for r in requests]}"
    )
    return requests
