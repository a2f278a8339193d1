"""Dagster's SQLite event log, with open connections and a batch of events in one transaction.

Dagster's default event log (``SqliteEventLogStorage``: one SQLite file per run under
``$DAGSTER_HOME/history/runs/`` plus ``index.db`` for cross-run asset queries) opens a new engine
and connection for every event it stores, once for the run's file and again for the index, and
closes them after the commit; closing the last connection of a file in WAL mode checkpoints and
deletes its WAL (~1 ms an event with the engine). A ``make run`` stores some 1,300 events.

Here each shard keeps one open connection (an engine per shard, the few most recent shards;
``check_same_thread`` off because every use holds Dagster's ``_db_lock``), with
``synchronous=NORMAL``: in WAL mode a commit then no longer waits for the disk, and SQLite stays
consistent if the machine loses power, but the last commits may be lost. For a run's event log,
that is the trade. A forked process opens its own connections.

Batches: most events are the planned events of every asset partition and check and the
per-partition materialisations, which Dagster already hands over in batches
(``EventLogStorage.store_event_batch``) when ``DAGSTER_EVENT_BATCH_SIZE`` is above 0; the stock
storage still loops over ``store_event``. Here a batch runs Dagster's own ``store_event`` for each
event, every connection it asks for being the shard's one connection, in one transaction committed
at the end of the batch.

Configured in ``$DAGSTER_HOME/dagster.yaml`` (:func:`dagster_project.settings.instance_yaml`);
the run and schedule storages stay Dagster's defaults.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, RootTransaction
from sqlalchemy.pool import StaticPool

OPEN_SHARDS = 4  # the index and the latest runs' files; a long-lived webserver reads many runs


def relax_sync(dbapi_connection: Any, _record: Any) -> None:
    """WAL mode with ``synchronous=NORMAL``: commits do not wait for the disk (see the module doc)."""
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class BatchingSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` with one open connection per shard and batches in one transaction.

    The stock ``_connect`` holds ``self._db_lock`` (not reentrant) for as long as a connection is
    open; so does this one, and the shard's one connection is only ever used under it. A batch
    takes the lock once, for the whole batch, and ``_connect`` called from the batch's thread
    while it runs yields the batch's transaction of that shard. Other threads wait on the lock as
    they would for any open connection. Either every shard's transaction commits or, on an error,
    every one is rolled back and the error raised: Dagster then stores the events one by one.
    """

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        # before super().__init__, which connects to a new index shard
        self._batch_thread: int | None = None
        self._batch: dict[str, tuple[Connection, RootTransaction]] = {}
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_pid = os.getpid()
        self._inherited: list[Engine] = []
        self._tables: set[str] = set()
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> BatchingSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _in_batch(self) -> bool:
        return self._batch_thread == threading.get_ident()

    def _shard_engine(self, shard: str) -> Engine:
        """The engine of ``shard``'s one open connection (``self._db_lock`` is held)."""
        if self._engines_pid != os.getpid():
            self._forget_inherited()
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = create_engine(
            self.conn_string_for_shard(shard),
            poolclass=StaticPool,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        event.listen(engine, "connect", relax_sync)
        try:
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
        except BaseException:
            engine.dispose()
            raise
        self._engines[shard] = engine
        while len(self._engines) > OPEN_SHARDS:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    def _forget_inherited(self) -> None:
        """In a forked process: open its own connections, never use nor close the parent's.

        SQLite connections must not cross a fork; closing one in the child would run SQLite's
        close on the parent's file, so the child keeps them referenced, untouched.
        """
        self._inherited.extend(self._engines.values())
        self._engines, self._engines_pid = OrderedDict(), os.getpid()

    def _close_engines(self) -> None:
        with self._db_lock:
            if self._engines_pid != os.getpid():
                self._forget_inherited()
            engines, self._engines = self._engines, OrderedDict()
            for engine in engines.values():
                engine.dispose()

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        if self._in_batch():
            yield self._batch_connection(shard)
            return
        with self._db_lock, self._shard_engine(shard).connect() as conn, conn.begin():
            yield conn

    def _batch_connection(self, shard: str) -> Connection:
        """The batch's transaction on ``shard``'s connection (the lock is held)."""
        if shard not in self._batch:
            conn = self._shard_engine(shard).connect()
            self._batch[shard] = (conn, conn.begin())
        return self._batch[shard][0]

    def has_table(self, table_name: str) -> bool:
        # asked once per asset and check event; a table, once there, stays (wipe empties tables)
        if table_name in self._tables:
            return True
        if self._in_batch():
            conn = self._batch_connection(INDEX_SHARD_NAME)
            found = bool(conn.dialect.has_table(conn, table_name))
        else:
            found = super().has_table(table_name)
        if found:
            self._tables.add(table_name)
        return found

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        if len(events) < 2:
            for event_entry in events:
                self.store_event(event_entry)
            return
        with self._db_lock:
            self._batch_thread = threading.get_ident()
            try:
                for event_entry in events:
                    self.store_event(event_entry)
                # the run's shard before the index, the order store_event writes them in
                shards = sorted(self._batch, key=lambda shard: shard == INDEX_SHARD_NAME)
                for shard in shards:
                    self._batch[shard][1].commit()
            except BaseException:
                for _conn, transaction in self._batch.values():
                    if transaction.is_active:
                        transaction.rollback()
                raise
            finally:
                self._batch_thread = None
                batch, self._batch = self._batch, {}
                for conn, _transaction in batch.values():
                    conn.close()

    def wipe(self) -> None:
        self._close_engines()  # before the stock wipe deletes the files they have open
        super().wipe()

    def dispose(self) -> None:
        super().dispose()
        self._close_engines()
