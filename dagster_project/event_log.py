"""Dagster's SQLite event log, writing a batch of events in one transaction per database.

Dagster's default event log (``SqliteEventLogStorage``: one SQLite file per run under
``$DAGSTER_HOME/history/runs/`` plus ``index.db`` for cross-run asset queries) opens a new engine,
connection and transaction for every event it stores, once for the run's file and again for the
index. A ``make run`` stores some 1,300 events, most of them the planned events of every asset
partition and check and the per-partition materialisations, which Dagster already hands over in
batches (``EventLogStorage.store_event_batch``) when ``DAGSTER_EVENT_BATCH_SIZE`` is above 0; the
stock storage still loops over ``store_event``. Here a batch runs Dagster's own ``store_event`` for
each event, but every connection it asks for inside the batch is the one open connection of that
database, in one transaction committed at the end of the batch: the same rows, a fraction of the
connections and fsyncs. Storing a single event is unchanged.

Configured in ``$DAGSTER_HOME/dagster.yaml`` (:func:`dagster_project.settings.instance_yaml`);
the run and schedule storages stay Dagster's defaults.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine, RootTransaction
from sqlalchemy.pool import NullPool


class BatchingSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` whose ``store_event_batch`` holds one transaction per shard.

    The stock ``_connect`` holds ``self._db_lock`` (not reentrant) for as long as a connection is
    open, so a batch cannot nest two of them. Instead the batch takes the lock once, for the whole
    batch, and ``_connect`` called from the batch's thread while it runs yields the batch's
    connection of that shard, opened the way the stock one is (a NullPool engine, ``_initdb`` the
    first time this storage sees the shard, ``begin``). Other threads wait on the lock as they
    would for any open connection. Either every shard's transaction commits or, on an error,
    every one is rolled back and the error raised: Dagster then stores the events one by one.
    """

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        # before super().__init__, which connects to a new index shard
        self._batch_thread: int | None = None
        self._batch: dict[str, tuple[Engine, Connection, RootTransaction]] = {}
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> BatchingSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _in_batch(self) -> bool:
        return self._batch_thread == threading.get_ident()

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        if self._in_batch():
            yield self._batch_connection(shard)
        else:
            with super()._connect(shard) as conn:
                yield conn

    def _batch_connection(self, shard: str) -> Connection:
        """The batch's open connection to ``shard``, in its transaction (the lock is held)."""
        if shard not in self._batch:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                poolclass=NullPool,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            try:
                if shard not in self._initialized_dbs:
                    self._initdb(engine)
                    self._initialized_dbs.add(shard)
                conn = engine.connect()
            except BaseException:
                engine.dispose()
                raise
            self._batch[shard] = (engine, conn, conn.begin())
        return self._batch[shard][1]

    def has_table(self, table_name: str) -> bool:
        # asked once per asset and check event; in a batch, of the open index connection
        if self._in_batch():
            conn = self._batch_connection(INDEX_SHARD_NAME)
            return bool(conn.dialect.has_table(conn, table_name))
        return super().has_table(table_name)

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        if len(events) < 2:
            for event in events:
                self.store_event(event)
            return
        with self._db_lock:
            self._batch_thread = threading.get_ident()
            try:
                for event in events:
                    self.store_event(event)
                # the run's shard before the index, the order store_event writes them in
                shards = sorted(self._batch, key=lambda shard: shard == INDEX_SHARD_NAME)
                for shard in shards:
                    self._batch[shard][2].commit()
            except BaseException:
                for _engine, _conn, transaction in self._batch.values():
                    if transaction.is_active:
                        transaction.rollback()
                raise
            finally:
                self._batch_thread = None
                batch, self._batch = self._batch, {}
                for engine, conn, _transaction in batch.values():
                    conn.close()
                    engine.dispose()
