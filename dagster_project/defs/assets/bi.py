"""The BI site (docs/bi.md) as an asset downstream of the published snapshot: ``make bi``'s build.

Off unless asked for: ``WAREHOUSE_BI=on`` in the environment, or ``build: true`` in the run's
config (the UI's launchpad). ``make run`` selects every asset, and a first build of the site
installs ~100 MB of Node packages (npm ci, tens of seconds to minutes) and spends seconds more on
every run: a warehouse build should not pay that unless the deployment serves the site. Where
Node is absent it does nothing, and says why and how to install it; either way it succeeds, so
the warehouse's run is never failed by its BI site being off.
"""

import os
from pathlib import Path

import dagster as dg
from pydantic import Field

from dagster_project import bi_site as site
from dagster_project.defs.partitions import SINGLE_RUN
from dagster_project.translator import PUBLISH_GROUP, PUBLISHED_KEY
from dagster_project.warehouse import PublishDir

BI_SITE_KEY = dg.AssetKey(["published", "bi_site"])
BI_ENV = "WAREHOUSE_BI"


def enabled_by_env() -> bool:
    return os.environ.get(BI_ENV, "").strip().lower() in ("1", "on", "true", "yes")


class BiSiteConfig(dg.Config):
    build: bool | None = Field(
        default=None, description=f"Build the BI site; default: only where {BI_ENV}=on (docs/bi.md)."
    )


def skipped(context: dg.AssetExecutionContext, reason: str) -> dg.MaterializeResult:
    context.log.info(f"BI site not built: {reason}")
    return dg.MaterializeResult(metadata={"built": False, "reason": reason})


@dg.asset(
    key=BI_SITE_KEY,
    deps=[PUBLISHED_KEY],
    group_name=PUBLISH_GROUP,
    kinds={"html"},
    backfill_policy=SINGLE_RUN,
    description=(
        "bi/build: the static BI site (Observable Framework, bi/) of the published snapshot, as"
        f" make bi builds it. Only where {BI_ENV}=on or the run's config says build: true; where"
        " Node is missing it says so and builds nothing."
    ),
)
def bi_site(
    context: dg.AssetExecutionContext, config: BiSiteConfig, publish_dir: PublishDir
) -> dg.MaterializeResult:
    wanted = enabled_by_env() if config.build is None else config.build
    if not wanted:
        return skipped(
            context,
            f"off ({BI_ENV} is not on, and the run's config does not say build: true): make bi builds it",
        )
    why = site.missing_node()
    if why:
        return skipped(context, why)
    try:
        index = site.build(Path(publish_dir.path))
    except site.BiSiteError as error:
        raise dg.Failure(description=f"BI site: {error}") from error
    context.log.info(f"BI site built in {index.parent}")
    return dg.MaterializeResult(metadata={"built": True, "path": dg.MetadataValue.path(str(index.parent))})
