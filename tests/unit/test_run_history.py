"""The run history's storage: Dagster's own SQLite tables, written without reopening them for
every event, still readable by the stock storage and still followed live by the UI."""

from __future__ import annotations

import shutil
import time

import dagster as dg
import pytest
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.test_utils import create_run_for_test
from sqlalchemy import Engine, event

from pipelines.cli import DAGSTER_YAML
from pipelines.run_history import PooledSqliteEventLogStorage


@dg.asset
def tiny() -> int:
    return 1


@dg.asset_check(asset=tiny)
def tiny_is_one() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An instance configured as `make` and the command configure it."""
    shutil.copyfile(DAGSTER_YAML, tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with dg.DagsterInstance.get() as instance:
        yield instance


def test_the_instance_keeps_its_run_history_in_the_pooled_storage(instance):
    assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)


def test_a_run_opens_a_few_connections_not_one_per_event(instance):
    opened: list[str] = []

    def listener(dbapi_connection, _record) -> None:
        opened.append(dbapi_connection.execute("pragma database_list").fetchone()[2])

    event.listen(Engine, "connect", listener)
    try:
        result = dg.materialize([tiny, tiny_is_one], instance=instance)
    finally:
        event.remove(Engine, "connect", listener)
    events = instance.get_records_for_run(result.run_id, limit=1000).records
    assert len(events) >= 15
    # the event log's databases (the run's and the index); the stock storage opens one to three
    # connections for each of those events
    history = [path for path in opened if "/history/runs/" in path]
    assert 0 < len(history) <= 4, history


def test_the_stock_storage_reads_the_same_history(instance, tmp_path):
    result = dg.materialize([tiny, tiny_is_one], instance=instance)
    assert result.success
    stock = SqliteEventLogStorage(base_dir=str(tmp_path / "history" / "runs"))
    materialization = stock.get_latest_materialization_events([tiny.key])[tiny.key]
    assert materialization is not None and materialization.run_id == result.run_id
    checks = stock.get_latest_asset_check_execution_by_key([tiny_is_one.check_key])
    assert checks[tiny_is_one.check_key].run_id == result.run_id
    assert len(stock.get_records_for_run(result.run_id, limit=1000).records) == len(
        instance.get_records_for_run(result.run_id, limit=1000).records
    )


def test_the_ui_sees_a_running_runs_events_as_they_are_written(instance):
    """The UI follows a run by watching its database file change (Dagster's SQLite watcher):
    each event must reach the file, not wait in SQLite's write-ahead log."""
    run = create_run_for_test(instance, job_name="watched")
    seen: list[str] = []

    def follow(entry, _cursor) -> None:
        seen.append(entry.message)

    instance.watch_event_logs(run.run_id, None, follow)
    try:
        for n in range(3):
            instance.report_engine_event(f"event {n}", run)
            deadline = time.monotonic() + 10
            while f"event {n}" not in seen and time.monotonic() < deadline:
                time.sleep(0.05)
            assert f"event {n}" in seen
    finally:
        instance.end_watch_event_logs(run.run_id, follow)
