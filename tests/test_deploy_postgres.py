"""The production deployment of deploy/ (issue 19, point 2): its Dagster instance on PostgreSQL.

A real PostgreSQL (Debian's binaries, its own data directory, loopback only:
tests/local_postgres.py) with the role and database docs/operations-deploy.md tells an
administrator to create; a DAGSTER_HOME holding deploy/dagster.yaml as shipped, and the
environment of deploy/warehouse.env.example with the test's server and paths. One
materialisation with the real CLI (``ogi-dagster asset materialize``, the README's command) of
the regions table through dbt to ``marts/dim_region``, whose dbt tests are asset checks; then the
run and its check evaluations read back through Dagster's public API, and the rows in
PostgreSQL's own tables. Cheap checks that the shipped files are well formed come first.
"""

from __future__ import annotations

import configparser
import os
import shlex
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import CLI_TIMEOUT, REPO_ROOT, VENV_BIN
from local_postgres import Server, bin_dir, local_postgres

DEPLOY = REPO_ROOT / "deploy"
DAGSTER_YAML = DEPLOY / "dagster.yaml"
ENV_EXAMPLE = DEPLOY / "warehouse.env.example"
UNITS = {
    "ogi-dagster-webserver.service": ["dagster-webserver", "-h", "127.0.0.1", "-p", "3000"],
    "ogi-dagster-daemon.service": ["dagster-daemon", "run"],
}
INSTALL_SH = DEPLOY / "install.sh"
APP_DIR = "/opt/ogi-warehouse"  # where the units expect the checkout (install.sh rewrites it)
CODE_LOCATION = ["-m", "dagster_project.definitions"]
PG_SETTINGS = ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE")

# The cheapest selection with asset checks: no report is parsed; dim_region's dbt tests run as checks
# (with the code dimension its level points at, and that dimension's seed, so that none is left planned).
SELECTION = "raw/regions,staging/stg_regions,staging/code_labels,marts/dim_admin_level,marts/dim_region"
CHECKED_ASSET = ["marts", "dim_region"]
EXPECTED_CHECKS = {
    "not_null_columns_dim_region",
    "accepted_values_dim_region_level",
}
DAGSTER_ROLE = "dagster"
DAGSTER_PASSWORD = "test-dagster-secret"


def env_file(path: Path) -> dict[str, str]:
    """KEY=value lines of an EnvironmentFile (comments and blank lines skipped)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def env_references(node: object) -> set[str]:
    """Every ``{env: NAME}`` in a dagster.yaml."""
    if isinstance(node, dict):
        if set(node) == {"env"}:
            return {node["env"]}
        return set().union(*(env_references(value) for value in node.values()))
    return set()


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


# --- the shipped files, cheaply -------------------------------------------------------------------


def test_dagster_yaml_keeps_everything_in_postgres_from_the_environment() -> None:
    config = yaml.safe_load(DAGSTER_YAML.read_text(encoding="utf-8"))
    assert config["telemetry"] == {"enabled": False}
    assert set(config["storage"]) == {"postgres"}, "runs, events and schedules: one PostgreSQL database"
    database = config["storage"]["postgres"]["postgres_db"]
    assert {key: value["env"] for key, value in database.items()} == {
        "hostname": "PGHOST",
        "port": "PGPORT",
        "username": "PGUSER",
        "password": "PGPASSWORD",
        "db_name": "PGDATABASE",
    }
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 1  # one DuckDB writer
    # every variable it reads is in the example environment file
    assert env_references(config) <= set(env_file(ENV_EXAMPLE))


def test_env_example_sets_what_the_services_need() -> None:
    values = env_file(ENV_EXAMPLE)
    assert values["DAGSTER_DISABLE_TELEMETRY"] == "1"
    assert values["DBT_SEND_ANONYMOUS_USAGE_STATS"] == "false"
    assert values["WAREHOUSE_SETTINGS"] == ""  # the checkout's warehouse.toml never decides
    for name in ("DAGSTER_HOME", "WAREHOUSE_LANDING_DIR", "WAREHOUSE_PATH", "WAREHOUSE_PUBLISH_DIR"):
        assert Path(values[name]).is_absolute(), name
    assert set(PG_SETTINGS) <= set(values)
    assert values["PATH"].split(":")[0] == f"{APP_DIR}/.venv/bin"
    assert all(" " not in value and '"' not in value for value in values.values()), "bash and systemd alike"


@pytest.mark.parametrize("name", sorted(UNITS))
def test_units_start_the_venvs_commands_on_the_code_location(name: str) -> None:
    service = unit(name)["Service"]
    assert service["User"] == "ogi" and service["Group"] == "ogi"
    assert service["WorkingDirectory"] == APP_DIR
    assert service["Restart"] == "on-failure"
    install = INSTALL_SH.read_text(encoding="utf-8")
    assert f'ENV_FILE="{service["EnvironmentFile"]}"' in install, "install.sh writes the file the unit reads"
    command = shlex.split(service["ExecStart"])
    executable = Path(command[0])
    assert executable.parent == Path(APP_DIR) / ".venv" / "bin"
    in_this_venv = VENV_BIN / executable.name
    assert in_this_venv.is_file() and os.access(in_this_venv, os.X_OK), f"{in_this_venv} is not installed"
    assert [executable.name, *command[1:]] == [*UNITS[name], *CODE_LOCATION]
    assert unit(name)["Install"]["WantedBy"] == "multi-user.target"


def test_install_script_is_valid_bash() -> None:
    done = subprocess.run(["bash", "-n", str(INSTALL_SH)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert os.access(INSTALL_SH, os.X_OK)


# --- one materialisation on a real PostgreSQL -----------------------------------------------------


@dataclass(frozen=True)
class Deployment:
    server: Server
    home: Path
    env: dict[str, str]
    output: str


def postgres_binaries() -> Path:
    binaries = bin_dir()
    if binaries is None:
        message = "PostgreSQL's initdb/pg_ctl are missing (Debian: apt-get install postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}: .ci/run installs them in CI")
        pytest.skip(message)
    return binaries


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> Iterator[Deployment]:
    binaries = postgres_binaries()
    root = tmp_path_factory.mktemp("deploy")
    with local_postgres(binaries) as server:
        server.create_role_and_database(DAGSTER_ROLE, DAGSTER_PASSWORD)
        home = root / "dagster_home"
        home.mkdir()
        (home / "dagster.yaml").write_bytes(DAGSTER_YAML.read_bytes())  # install.sh's copy, unchanged
        (root / "landing").mkdir()
        (root / "tmp").mkdir()
        env = {
            **os.environ,
            **env_file(ENV_EXAMPLE),
            "DAGSTER_HOME": str(home),
            "WAREHOUSE_LANDING_DIR": str(root / "landing"),
            "WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
            "WAREHOUSE_PUBLISH_DIR": str(root / "published"),
            "PGHOST": server.host,
            "PGPORT": str(server.port),
            "PGUSER": DAGSTER_ROLE,
            "PGPASSWORD": DAGSTER_PASSWORD,
            "PGDATABASE": DAGSTER_ROLE,
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "TMPDIR": str(root / "tmp"),
            # only the tests whose every model is selected: dbt's default (eager) also runs the
            # relationships tests of dim_agency, dim_report, … that point at dim_region, whose
            # tables a fresh warehouse does not have (a production warehouse has them)
            "DBT_INDIRECT_SELECTION": "cautious",
        }
        # install.sh's step before the services start: Dagster's schema in the new database
        migrate = subprocess.run(
            [str(VENV_BIN / "dagster"), "instance", "migrate"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
            check=False,
        )
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        command = [
            str(VENV_BIN / "ogi-dagster"),
            "asset",
            "materialize",
            "--select",
            SELECTION,
            *CODE_LOCATION,
        ]
        done = subprocess.run(
            command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT, check=False
        )
        output = done.stdout + done.stderr
        assert done.returncode == 0, output[-6000:]
        yield Deployment(server=server, home=home, env=env, output=output)


@pytest.mark.e2e
def test_the_run_and_its_checks_read_back_through_dagsters_api(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dagster as dg

    for name in ("DAGSTER_HOME", *PG_SETTINGS):
        monkeypatch.setenv(name, deployment.env[name])
    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        # what the daemon will run with: a queue on this host, one run at a time
        assert isinstance(instance.run_coordinator, dg.QueuedRunCoordinator)
        assert isinstance(instance.run_launcher, dg.DefaultRunLauncher)
        records = instance.get_run_records()
        assert [record.dagster_run.status for record in records] == [dg.DagsterRunStatus.SUCCESS]
        run = records[0].dagster_run
        assert run.asset_selection == {
            dg.AssetKey(["raw", "regions"]),
            dg.AssetKey(["staging", "stg_regions"]),
            dg.AssetKey(["staging", "code_labels"]),
            dg.AssetKey(["marts", "dim_admin_level"]),
            dg.AssetKey(CHECKED_ASSET),
        }
        materialized = instance.get_records_for_run(
            run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
        ).records
        assert {record.asset_key for record in materialized} == run.asset_selection
        evaluations = [
            record.event_log_entry.dagster_event.event_specific_data
            for record in instance.get_records_for_run(
                run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
            ).records
        ]
    by_name = {evaluation.check_name: evaluation for evaluation in evaluations}
    assert set(by_name) >= EXPECTED_CHECKS, sorted(by_name)
    checked = {evaluation.asset_key for evaluation in evaluations}
    assert checked == {
        dg.AssetKey(CHECKED_ASSET),
        dg.AssetKey(["marts", "dim_admin_level"]),
        dg.AssetKey(["staging", "code_labels"]),
    }
    failed = sorted(name for name, evaluation in by_name.items() if not evaluation.passed)
    assert failed == []


@pytest.mark.e2e
def test_the_history_is_in_postgres_not_in_files(deployment: Deployment) -> None:
    con = deployment.server.connect(DAGSTER_ROLE, DAGSTER_ROLE, DAGSTER_PASSWORD)
    try:
        with con.cursor() as cur:
            cur.execute("SELECT run_id, status FROM runs")
            runs = cur.fetchall()
            assert [status for _, status in runs] == ["SUCCESS"]
            cur.execute(
                "SELECT check_name, execution_status FROM asset_check_executions WHERE run_id = %s",
                (runs[0][0],),
            )
            executions = dict(cur.fetchall())
            cur.execute(
                "SELECT dagster_event_type, count(*) FROM event_logs WHERE run_id = %s"
                " GROUP BY dagster_event_type",
                (runs[0][0],),
            )
            events = dict(cur.fetchall())
    finally:
        con.close()
    assert set(executions) >= EXPECTED_CHECKS
    assert set(executions.values()) == {"SUCCEEDED"}
    assert events["ASSET_CHECK_EVALUATION"] == len(executions)
    assert events["ASSET_MATERIALIZATION"] == 5  # the selection's five assets
    assert events["PIPELINE_SUCCESS"] == 1  # DagsterEventType.RUN_SUCCESS's stored name
    # no SQLite storage beside it: Dagster's default would have written history/runs.db
    assert not list(deployment.home.rglob("*.db")), sorted(deployment.home.rglob("*.db"))
    assert f"Dagster instance: {deployment.home}" in deployment.output
