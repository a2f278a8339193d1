"""The batching event log (dagster_project/event_log.py) on real Dagster storage in a temp dir.

A real run of partitioned and unpartitioned assets with checks gives the events; stored again one
by one into one fresh storage and as one batch into another, both read back the same through
Dagster's storage API. A batch that fails part-way leaves nothing behind. Events stored one by
one go through one open connection per SQLite file, which a wipe closes and a forked process
does not share.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from dagster import (
    AssetCheckKey,
    AssetCheckResult,
    AssetKey,
    DagsterEventType,
    DagsterInstance,
    DailyPartitionsDefinition,
    Definitions,
    EventLogEntry,
    MaterializeResult,
    asset,
    asset_check,
    define_asset_job,
)
from dagster._core.errors import DagsterInvariantViolationError
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecord
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.engine import Engine

from dagster_project.event_log import BatchingSqliteEventLogStorage
from dagster_project.settings import INSTANCE_ENV, instance_yaml, temporary_environment, write_instance

DAYS = DailyPartitionsDefinition(start_date="2024-01-01", end_date="2024-01-06")


@asset(partitions_def=DAYS)
def daily(context) -> MaterializeResult:
    return MaterializeResult(metadata={"rows": len(context.partition_keys)})


@asset(partitions_def=DAYS, deps=[daily])
def daily_rollup() -> None:
    return None


@asset
def whole() -> MaterializeResult:
    return MaterializeResult(metadata={"rows": 3})


@asset_check(asset=whole)
def whole_has_rows() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


@asset_check(asset=whole)
def whole_is_sorted() -> AssetCheckResult:
    return AssetCheckResult(passed=False, metadata={"unsorted": 1})


CHECKS = [
    AssetCheckKey(AssetKey("whole"), "whole_has_rows"),
    AssetCheckKey(AssetKey("whole"), "whole_is_sorted"),
]
ASSETS = [AssetKey("daily"), AssetKey("daily_rollup"), AssetKey("whole")]


class Run:
    def __init__(self, instance: DagsterInstance, run_id: str, events: list[EventLogEntry], batches: list):
        self.instance, self.run_id, self.events, self.batches = instance, run_id, events, batches


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """One run on an instance configured as make's (dagster.yaml and DAGSTER_EVENT_BATCH_SIZE)."""
    home = write_instance(tmp_path_factory.mktemp("dagster_home"))
    with temporary_environment(INSTANCE_ENV), DagsterInstance.from_config(str(home)) as instance:
        storage = instance.event_log_storage
        assert type(storage) is BatchingSqliteEventLogStorage
        batches: list[int] = []
        stored_batch = storage.store_event_batch

        def counted(events):
            stored_batch(events)  # an error here would make Dagster store them one by one
            batches.append(len(events))

        storage.store_event_batch = counted  # ty: ignore[invalid-assignment]
        job = Definitions(
            assets=[daily, daily_rollup, whole],
            asset_checks=[whole_has_rows, whole_is_sorted],
            jobs=[define_asset_job("everything")],
        ).resolve_job_def("everything")
        tags = {
            ASSET_PARTITION_RANGE_START_TAG: "2024-01-01",
            ASSET_PARTITION_RANGE_END_TAG: "2024-01-05",
        }
        result = job.execute_in_process(instance=instance, tags=tags, raise_on_error=False)
        events = list(instance.all_logs(result.run_id))
        yield Run(instance, result.run_id, events, batches)


def read_back(storage: SqliteEventLogStorage, run_id: str) -> dict:
    """What the UI and the asset daemon read: the run's events, asset and check records."""
    records = storage.get_records_for_run(run_id, limit=10_000)

    def stored(record: AssetCheckExecutionRecord) -> tuple:
        # create_timestamp is the database's clock at the insert, not something stored
        return (record.id, record.run_id, record.status, record.event, record.partition)

    checks = {
        key: [stored(r) for r in storage.get_asset_check_execution_history(key, limit=100)] for key in CHECKS
    }
    latest_checks = {
        key: stored(r) for key, r in storage.get_latest_asset_check_execution_by_key(CHECKS).items()
    }
    return {
        "events": [(r.storage_id, r.event_log_entry) for r in records.records],
        "assets": {r.asset_entry.asset_key: r.asset_entry for r in storage.get_asset_records(ASSETS)},
        "latest": storage.get_latest_materialization_events(ASSETS),
        "partitions": {key: storage.get_materialized_partitions(key) for key in ASSETS},
        "planned_by_partition": {
            key: storage.get_latest_storage_id_by_partition(
                key, DagsterEventType.ASSET_MATERIALIZATION_PLANNED
            )
            for key in ASSETS
        },
        "tags": {key: storage.get_event_tags_for_asset(key) for key in ASSETS},
        "checks": checks,
        "latest_checks": latest_checks,
        "run_status_changes": [
            (r.storage_id, r.event_log_entry)
            for r in storage.get_records_for_run(run_id, of_type=DagsterEventType.RUN_SUCCESS).records
        ],
    }


def test_the_instance_make_writes_uses_the_batching_log_at_the_default_place(tmp_path: Path) -> None:
    stock_home = tmp_path / "stock"
    stock_home.mkdir()
    (stock_home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    with DagsterInstance.from_config(str(stock_home)) as stock:
        stock_dir = Path(stock.event_log_storage._base_dir)
    home = write_instance(tmp_path / "home")
    with DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.event_log_storage) is BatchingSqliteEventLogStorage
        assert Path(instance.event_log_storage._base_dir).relative_to(home) == stock_dir.relative_to(
            stock_home
        )
        # the run and schedule storages stay Dagster's defaults
        assert type(instance.run_storage).__name__ == type(stock.run_storage).__name__ == "SqliteRunStorage"
    assert instance_yaml(home) == (home / "dagster.yaml").read_text(encoding="utf-8")


def test_a_run_hands_the_storage_batches_and_stores_every_event(run: Run) -> None:
    types = [e.dagster_event_type for e in run.events if e.is_dagster_event]
    assert DagsterEventType.RUN_SUCCESS in types  # a failed check (severity warn) fails no run
    # the planned events of 5 partitions x 2 assets + 1 asset + 2 checks in one batch, then the
    # 5 materialisations of each partitioned asset
    assert sorted(run.batches, reverse=True) == [13, 5, 5]
    assert types.count(DagsterEventType.ASSET_MATERIALIZATION_PLANNED) == 11
    assert types.count(DagsterEventType.ASSET_MATERIALIZATION) == 11
    assert types.count(DagsterEventType.ASSET_CHECK_EVALUATION) == 2


def test_a_batch_stores_what_storing_the_events_one_by_one_stores(run: Run, tmp_path: Path) -> None:
    one_by_one = SqliteEventLogStorage(str(tmp_path / "one_by_one"))
    batched = BatchingSqliteEventLogStorage(str(tmp_path / "batched"))
    for event in run.events:
        one_by_one.store_event(event)
    batched.store_event_batch(run.events)
    expected = read_back(one_by_one, run.run_id)
    assert expected["events"] and expected["assets"] and all(expected["checks"].values())
    assert read_back(batched, run.run_id) == expected
    # and what the run itself stored, in Dagster's batches
    assert read_back(run.instance.event_log_storage, run.run_id) == expected
    assert not batched._db_lock.locked()


def test_a_batch_that_fails_leaves_nothing_half_written(run: Run, tmp_path: Path) -> None:
    """A second planned event for a check makes Dagster's own evaluation update raise, after the
    batch has written both shards: the batch rolls both back, and the storage works on."""
    storage = BatchingSqliteEventLogStorage(str(tmp_path / "batched"))
    planned = next(
        e for e in run.events if e.dagster_event_type == DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED
    )
    evaluation = next(
        e
        for e in run.events
        if e.dagster_event_type == DagsterEventType.ASSET_CHECK_EVALUATION
        and e.get_dagster_event().asset_check_evaluation_data.check_name
        == planned.get_dagster_event().asset_check_planned_data.check_name
    )
    materialized = [e for e in run.events if e.dagster_event_type == DagsterEventType.ASSET_MATERIALIZATION]
    with pytest.raises(DagsterInvariantViolationError, match="duplicate AssetCheckPlanned"):
        storage.store_event_batch([*materialized, planned, planned, evaluation])
    empty = read_back(storage, run.run_id)
    assert not empty["events"] and not empty["assets"] and not any(empty["checks"].values())
    assert not storage._db_lock.locked() and storage._batch == {}

    # what Dagster does next (stores the events one by one) works, from another thread too
    worker = threading.Thread(target=lambda: [storage.store_event(e) for e in materialized])
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert len(read_back(storage, run.run_id)["events"]) == len(materialized)


def test_events_stored_one_by_one_keep_one_open_connection_per_shard(run: Run, tmp_path: Path) -> None:
    stock = SqliteEventLogStorage(str(tmp_path / "stock"))
    storage = BatchingSqliteEventLogStorage(str(tmp_path / "open"))
    opened: list[str] = []

    def count(_dbapi_connection, _record) -> None:
        opened.append("connect")

    sqlalchemy_event.listen(Engine, "connect", count)
    try:
        for entry in run.events:
            storage.store_event(entry)
    finally:
        sqlalchemy_event.remove(Engine, "connect", count)
    for entry in run.events:
        stock.store_event(entry)
    assert read_back(storage, run.run_id) == read_back(stock, run.run_id)
    # the run's file and the index once each, and the stock has_table's first look at the index
    assert len(opened) == 3 and len(storage._engines) == 2
    with storage.index_connection() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    storage.dispose()
    assert not storage._engines


def test_wipe_closes_the_open_files_and_the_storage_works_on(run: Run, tmp_path: Path) -> None:
    storage = BatchingSqliteEventLogStorage(str(tmp_path / "open"))
    storage.store_event_batch(run.events)
    storage.wipe()
    assert not read_back(storage, run.run_id)["events"]
    for entry in run.events:
        storage.store_event(entry)
    assert len(read_back(storage, run.run_id)["events"]) == len(run.events)
    assert len(read_back(SqliteEventLogStorage(str(tmp_path / "open")), run.run_id)["events"]) == len(
        run.events
    )


def test_a_forked_process_opens_its_own_connections(run: Run, tmp_path: Path) -> None:
    storage = BatchingSqliteEventLogStorage(str(tmp_path / "open"))
    half = len(run.events) // 2
    for entry in run.events[:half]:
        storage.store_event(entry)
    parents = dict(storage._engines)
    pid = os.fork()
    if pid == 0:  # the child: store the rest, exit without pytest's clean-up
        code = 1
        try:
            for entry in run.events[half:]:
                storage.store_event(entry)
            code = 0 if all(storage._engines[s] is not e for s, e in parents.items()) else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert storage._engines == parents  # the parent's connections, still open, see the child's rows
    assert len(read_back(storage, run.run_id)["events"]) == len(run.events)
