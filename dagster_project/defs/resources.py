"""Resources: the DuckDB warehouse, the landing and publish directories, and dbt.

Paths come from WAREHOUSE_PATH, WAREHOUSE_LANDING_DIR and WAREHOUSE_PUBLISH_DIR (contract §2),
resolved to absolute paths when the code location loads.
"""

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from pydantic import PrivateAttr

from dagster_project import dbt_standby
from dagster_project.dbt_manifest import DBT_PROJECT, dbt_executable
from dagster_project.settings import landing_dir, lock_wait_seconds, publish_dir, warehouse_path
from dagster_project.warehouse import DuckDBWarehouse, LandingDir, PublishDir


class WarehouseDbt(DbtCliResource):
    """dbt as the assets run it: on standby processes, without dagster-dbt's in-process adapter.

    dagster-dbt loads the dbt project and its macros into the Dagster process before every
    ``cli()`` (1.3 s for the first, 0.4 s for each next one) for ``fetch_row_counts()`` and
    ``fetch_column_metadata()`` alone; the assets use neither (they count their tables'
    rows themselves once dbt exits, ``defs/assets/dbt.py``).

    A run that uses dbt starts a standby (``dagster_project.dbt_standby``) when it starts, which
    imports dbt while the files are registered and parsed; an asset whose dbt build another
    follows in the same run starts the next one (:meth:`stand_by`) before its own. The
    standbys no command took are stopped when the run ends.
    """

    _standby_dir: Path | None = PrivateAttr(default=None)
    _standbys: list[subprocess.Popen] = PrivateAttr(default_factory=list)

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        super().setup_for_execution(context)
        self._standby_dir = Path(tempfile.mkdtemp(prefix="ogi-dbt-"))
        self.stand_by()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        for process in self._standbys:
            dbt_standby.stop(process)
        self._standbys.clear()
        if self._standby_dir is not None:
            shutil.rmtree(self._standby_dir, ignore_errors=True)
            self._standby_dir = None

    def stand_by(self) -> None:
        """Start a dbt process that waits for the next command of this run."""
        if self._standby_dir is not None:
            self._standbys.append(dbt_standby.start(self._standby_dir))

    def standby_env(self) -> dict[str, str]:
        """What tells ``dbt-offline`` where this run's standbys wait."""
        if self._standby_dir is None:
            return {}
        return {dbt_standby.DIRECTORY_ENV: str(self._standby_dir)}


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "warehouse": DuckDBWarehouse(path=str(warehouse_path()), lock_wait_seconds=lock_wait_seconds()),
            "landing": LandingDir(path=str(landing_dir())),
            "publish_dir": PublishDir(path=str(publish_dir())),
            "dbt": WarehouseDbt(
                project_dir=DBT_PROJECT,
                profiles_dir=str(DBT_PROJECT.profiles_dir),
                dbt_executable=dbt_executable(),
                global_config_flags=["--no-use-colors"],
            ),
        }
    )
