"""Issue 21: the parse's shards on a real Dask cluster build the warehouse the local pool builds.

A scheduler and two workers (one process, one thread each, no nanny: a killed worker stays dead)
are started on loopback from the venv's ``dask`` command, once for the module. The parse asset
runs as Dagster runs it (the registry and the parse, ``dg.materialize``), once on this machine's
process pool and then with ``WAREHOUSE_PARSE_CLUSTER`` pointing at the cluster: every raw table
must hold the same rows. Only the timestamps of the run differ and are left out of the
comparison (``raw.parse_log.parsed_at``, ``raw.report_file_versions.first_seen_at`` /
``last_seen_at`` / ``replaced_at``): they say when a run saw the files.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb
import pytest
from conftest import REPO_ROOT, VENV_BIN, copy_samples

T = TypeVar("T")
STARTUP_TIMEOUT = 60.0
RUN_TIMEOUT = 180.0
TIMESTAMPS = {
    ("parse_log", "parsed_at"),
    ("report_file_versions", "first_seen_at"),
    ("report_file_versions", "last_seen_at"),
    ("report_file_versions", "replaced_at"),
}


@dataclass
class Cluster:
    address: str
    client: object  # distributed.Client
    hold: Path  # WAREHOUSE_PARSE_HOLD of the workers (ingest.cluster.hold)
    pids: dict[str, int]  # worker address -> its process id


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(what: str, probe: Callable[[], T], timeout: float = STARTUP_TIMEOUT) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """70 generated reports and their bad files (enough for several shards) and the samples but
    the scanned one: a text-layer PDF, a Word file, pages and texts of every shape."""
    root = tmp_path_factory.mktemp("landing")
    subprocess.run(
        [sys.executable, "-m", "synthetic", "--n", "70", "--seed", "21", "--out", str(root / "generated")],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    copy_samples(root / "samples")
    assert list(root.rglob("*.pdf")), "the corpus holds a text-layer PDF"
    return root


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A real Dask scheduler and two workers on 127.0.0.1, stopped (killed) however the tests end."""
    from distributed import Client

    root = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{free_port()}"
    env = {
        **os.environ,
        "WAREHOUSE_PARSE_HOLD": str(root / "hold"),
        "DASK_DISTRIBUTED__SCHEDULER__WORK_STEALING": "False",  # a shard runs where it was sent
    }
    dask = str(VENV_BIN / "dask")
    port = address.rsplit(":", 1)[1]
    commands = [[dask, "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"]]
    commands += [
        [dask, "worker", address, "--name", f"w{k}", "--host", "127.0.0.1", "--nworkers", "1",
         "--nthreads", "1", "--no-nanny", "--no-dashboard", "--memory-limit", "0",
         "--local-directory", str(root / f"w{k}")]
        for k in (1, 2)
    ]  # fmt: skip
    processes: list[subprocess.Popen] = []
    client = None
    try:
        for k, command in enumerate(commands):
            log = (root / f"process{k}.log").open("wb")
            processes.append(subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=log))
            if k == 0:
                wait_for("the scheduler", lambda: b"Scheduler at" in (root / "process0.log").read_bytes())
        client = Client(address, timeout="30s", set_as_default=False)
        client.wait_for_workers(2, timeout=STARTUP_TIMEOUT)
        yield Cluster(address, client, root / "hold", client.run(os.getpid))
    finally:
        if client is not None:
            client.close()
        for process in reversed(processes):
            process.kill()
            process.wait(timeout=30)


def build(landing: Path, warehouse: Path, cluster: str | None) -> None:
    """The registry and the parse as a run of Dagster's runs them (make run's run config), the
    shards on this machine's pool or on ``cluster``."""
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.defs.assets.ingest import parsed_reports, report_files
    from dagster_project.runs import NEW_FILES_ONLY, report_year_keys
    from dagster_project.warehouse import DuckDBWarehouse, LandingDir
    from ingest.cluster import CLUSTER_ENV

    years = report_year_keys()
    with pytest.MonkeyPatch.context() as patch:
        if cluster:
            patch.setenv(CLUSTER_ENV, cluster)
        else:
            patch.delenv(CLUSTER_ENV, raising=False)
        result = dg.materialize(
            [report_files, parsed_reports],
            resources={
                **defs.resources,
                "warehouse": DuckDBWarehouse(path=str(warehouse)),
                "landing": LandingDir(path=str(landing)),
            },
            run_config=NEW_FILES_ONLY,
            tags={
                "dagster/asset_partition_range_start": years[0],
                "dagster/asset_partition_range_end": years[-1],
            },
        )
    assert result.success


def raw_contents(warehouse: Path) -> dict[str, list[str]]:
    """Every raw table as the sorted text of its rows, without the run's timestamps."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = con.execute(
            "SELECT table_name, list(column_name ORDER BY ordinal_position),"
            " list(column_name ORDER BY ordinal_position) FILTER (data_type LIKE 'TIMESTAMP%')"
            " FROM information_schema.columns WHERE table_schema = 'raw' GROUP BY ALL ORDER BY 1"
        ).fetchall()
        left_out = {(table, c) for table, _, stamps in columns for c in stamps or []}
        assert left_out == TIMESTAMPS  # a new timestamp column must be named here, not slip by
        return {
            table: sorted(
                repr(row)
                for row in con.execute(
                    "SELECT " + ", ".join(f'"{c}"' for c in names if (table, c) not in TIMESTAMPS)
                    + f" FROM raw.{table}"
                ).fetchall()
            )
            for table, names, _ in columns
        }


@pytest.fixture(scope="module")
def in_process(landing: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The warehouse the default path builds: this machine's process pool."""
    warehouse = tmp_path_factory.mktemp("pool") / "warehouse.duckdb"
    build(landing, warehouse, None)
    contents = raw_contents(warehouse)
    assert len(contents["reports"]) >= 60 and contents["rejected_files"] and contents["application_facts"]
    return contents


def shard_tasks(stream: list[dict]) -> list[dict]:
    return [task for task in stream if str(task["key"]).startswith("parse-shard-")]


def test_the_cluster_builds_the_warehouse_the_pool_builds(
    landing: Path, cluster: Cluster, in_process: dict[str, list[str]], tmp_path: Path
) -> None:
    from distributed import get_task_stream

    warehouse = tmp_path / "warehouse.duckdb"
    with get_task_stream(cluster.client) as stream:
        build(landing, warehouse, cluster.address)
    shards = shard_tasks(stream.data)
    assert len(shards) >= 8  # SHARDS_PER_WORKER a worker thread
    assert {task["worker"] for task in shards} == set(cluster.pids)  # both workers parsed
    assert raw_contents(warehouse) == in_process
    assert not list((tmp_path / "warehouse.duckdb.lake").glob("parse-*"))  # loaded, then removed


def test_a_failed_attempt_commits_no_file(landing: Path, tmp_path: Path) -> None:
    """A shard that fails while writing (the last table's directory cannot be made) leaves no Parquet
    file behind, final or temporary: what it wrote is removed, nothing was committed."""
    import datetime as dt

    from ingest.discover import discover_files
    from ingest.lake import plan_shards, write_shard

    files = discover_files(landing / "samples").files
    [task] = plan_shards(files, {}, tmp_path, dt.datetime(2026, 2, 5, tzinfo=dt.UTC), workers=1)
    (tmp_path / "parse_log").write_text("a file where the table's directory goes", encoding="utf-8")
    with pytest.raises(OSError):
        write_shard(task)
    assert list((tmp_path / "reports").rglob("*"))  # the reports' directories were made first
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [tmp_path / "parse_log"]


def test_a_worker_killed_mid_shard_loses_the_shard_to_the_other(
    landing: Path, cluster: Cluster, in_process: dict[str, list[str]], tmp_path: Path
) -> None:
    """Kill (SIGKILL) a worker that has written its shard's Parquet files but not committed them:
    the shard runs again on the other worker, and the warehouse holds exactly the pool's rows.
    Runs last: the module's cluster has one worker after it."""
    from distributed import get_task_stream

    warehouse = tmp_path / "warehouse.duckdb"
    failure: list[BaseException] = []

    def run() -> None:
        try:
            build(landing, warehouse, cluster.address)
        except BaseException as error:  # the assertion below reports it
            failure.append(error)

    cluster.hold.touch()
    thread = threading.Thread(target=run)
    try:
        with get_task_stream(cluster.client) as stream:
            thread.start()
            held = lambda: sorted(cluster.hold.parent.glob("hold.bucket-*"))  # noqa: E731
            marker = wait_for("a shard to reach the hold", held, RUN_TIMEOUT)[0]
            bucket, pid = (int(part.split("-")[1]) for part in marker.name.split(".")[1:3])
            [victim] = [address for address, p in cluster.pids.items() if p == pid]
            lake = tmp_path / "warehouse.duckdb.lake"
            partial = [p for p in lake.rglob("*.tmp") if f"bucket={bucket}" in p.parts]
            assert partial, "the held attempt has written its files (uncommitted)"
            os.kill(pid, signal.SIGKILL)
            wait_for(
                "the scheduler to drop the killed worker",
                lambda: victim not in cluster.client.scheduler_info()["workers"],
            )
            cluster.hold.unlink()
            thread.join(RUN_TIMEOUT)
    finally:
        cluster.hold.unlink(missing_ok=True)
        thread.join(RUN_TIMEOUT)
    assert not thread.is_alive() and not failure, failure
    [survivor] = [address for address in cluster.pids if address != victim]
    done = [t for t in shard_tasks(stream.data) if t["key"].startswith(f"parse-shard-{bucket}-of-")]
    assert [t["worker"] for t in done] == [survivor]  # the killed attempt never finished
    contents = raw_contents(warehouse)
    assert contents == in_process
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) = count(DISTINCT report_id) FROM raw.reports").fetchone()[0]
    assert not list(lake.glob("parse-*"))  # the killed attempt's files went with the run's lake


def test_unset_the_parse_stays_on_this_machine(tmp_path: Path) -> None:
    """No cluster configured: the local pool and the lake beside the warehouse, and the
    cluster's module (and ``distributed``) is imported by nothing that runs the pool."""
    from ingest.cluster import Placement
    from ingest.lake import default_workers

    beside = tmp_path / "w.duckdb.lake"
    local = Placement.from_env(beside, environ={})
    assert (local.cluster, local.lake_root, local.workers()) == (None, beside, default_workers())
    shared = Placement.from_env(
        beside,
        environ={"WAREHOUSE_PARSE_CLUSTER": " tcp://10.0.0.5:8786 ", "WAREHOUSE_PARSE_LAKE": "/shared/lake"},
    )
    assert (shared.cluster, shared.run_lake("r1")) == ("tcp://10.0.0.5:8786", Path("/shared/lake/parse-r1"))
    probe = "import ingest.lake, sys; print('distributed' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
