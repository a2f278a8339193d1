"""Resources: the DuckDB warehouse, the landing and publish directories, and dbt.

Paths come from WAREHOUSE_PATH, WAREHOUSE_LANDING_DIR and WAREHOUSE_PUBLISH_DIR (contract §2),
resolved to absolute paths when the code location loads.
"""


import dagster as dg
from dagster_dbt import DbtCliResource

from dagster_project.dbt_manifest import DBT_PROJECT, dbt_executable
from dagster_project.settings import landing_dir, lock_wait_seconds, publish_dir, warehouse_path
from dagster_project.warehouse import DuckDBWarehouse, LandingDir, PublishDir


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "warehouse": DuckDBWarehouse(path=str(warehouse_path()), lock_wait_seconds=lock_wait_seconds()),
            "landing": LandingDir(path=str(landing_dir())),
            "publish_dir": PublishDir(path=str(publish_dir())),
            "dbt": DbtCliResource(
                project_dir=DBT_PROJECT,
                profiles_dir=str(DBT_PROJECT.profiles_dir),
                dbt_executable=dbt_executable(),
                global_config_flags=["--no-use-colors"],
            ),
        }
    )
