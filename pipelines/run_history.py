"""Dagster's run history (its event log) in SQLite, with one connection kept per database.

Dagster's own SQLite event log creates a new SQLAlchemy engine and opens a new connection for
every event it records, up to four per event (the run's database, the cross-run index twice,
and a look-up of the asset-check table), and closes each. A run records one event per dbt model
and test and per asset check, about a thousand for a one-source refresh at about 11 ms an event
(measured with py-spy at 25,000 children: 11.6 s of a 58 s refresh). This storage is the same
tables in the same files (`$DAGSTER_HOME/history/runs/*.db`, readable by the stock storage),
written through engines kept open for the few databases in use. Every event is still committed
on its own, and a run's events are checkpointed into its database file at once, because that
file changing is how the UI follows a running run.

Configured in `pipelines/dagster.yaml`, which `make`, `send-pipeline` and the tests copy to
`$DAGSTER_HOME/dagster.yaml`:

    event_log_storage:
      module: pipelines.run_history
      class: PooledSqliteEventLogStorage
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite import create_db_conn_string
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine

# the index, the run being executed and a few runs the UI is reading
OPEN_DATABASES = 8
BUSY_TIMEOUT_SECONDS = 30  # as Dagster's own SQLite storage waits for a concurrent writer


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log, keeping an engine (and its pooled connection) per database."""

    def __init__(self, base_dir: str | None = None, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_lock = threading.Lock()  # has_table opens engines outside _db_lock
        # where the stock storage keeps them: $DAGSTER_HOME/history/runs
        base_dir = base_dir or os.path.join(os.environ["DAGSTER_HOME"], "history", "runs")
        super().__init__(base_dir=base_dir, inst_data=inst_data)

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        return {"base_dir": dg.Field(dg.StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        """The open engine for one database (a run's, or the index), opened on first use."""
        with self._engines_lock:
            engine = self._engines.pop(shard, None)
            if engine is None:
                engine = create_engine(
                    create_db_conn_string(self._base_dir, shard),
                    connect_args={"timeout": BUSY_TIMEOUT_SECONDS},
                )
                if shard not in self._initialized_dbs:
                    self._initdb(engine)
                    self._initialized_dbs.add(shard)
            self._engines[shard] = engine  # most recently used last
            while len(self._engines) > OPEN_DATABASES:
                self._engines.popitem(last=False)[1].dispose()
            return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock, self._engine(shard).connect() as conn:
            with conn.begin():
                yield conn
            if shard != INDEX_SHARD_NAME:
                # write the run's events into its database file at once: the UI follows a
                # running run by watching that file change
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def has_table(self, table_name: str) -> bool:
        # asked before every asset event, also while an index transaction is open (so without
        # the lock): answered on a pooled connection to the index
        with self._engine(INDEX_SHARD_NAME).connect() as conn:
            return bool(conn.dialect.has_table(conn, table_name))

    def _close_all(self) -> None:
        with self._db_lock, self._engines_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._close_all()  # the files are deleted: no engine may keep them open
        super().wipe()

    def dispose(self) -> None:
        self._close_all()
        super().dispose()
