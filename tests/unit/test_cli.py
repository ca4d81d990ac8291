import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.privacy.storage import open_database

runner = CliRunner()


def test_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("generate", "run"):
        assert command in result.output


def test_run_on_a_missing_landing_folder_fails_with_one_line(tmp_path, monkeypatch):
    # the command sets these for the rest of its process; restore them afterwards
    monkeypatch.setenv("SEND_LANDING_DIR", str(tmp_path))
    monkeypatch.setenv("SEND_WAREHOUSE_DIR", str(tmp_path))
    result = runner.invoke(
        app, ["run", "--landing", str(tmp_path / "absent"), "--warehouse", str(tmp_path / "wh")]
    )
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_generate_rejects_a_bad_date(tmp_path):
    result = runner.invoke(app, ["generate", "--out", str(tmp_path), "--as-at", "16/01/2025"])
    assert result.exit_code == 1
    assert "not an ISO date" in result.output


def test_generate_if_missing_leaves_existing_extracts_alone(tmp_path):
    (tmp_path / "landing" / "city").mkdir(parents=True)
    marker = tmp_path / "landing" / "city" / "existing.csv"
    marker.write_text("x\n")
    result = runner.invoke(app, ["generate", "--out", str(tmp_path), "--if-missing"])
    assert result.exit_code == 0 and "nothing generated" in result.output
    assert sorted(p.name for p in (tmp_path / "landing").rglob("*.csv")) == ["existing.csv"]


def test_link_with_state_links_the_second_delivery_against_the_first(tmp_path, monkeypatch):
    import polars as pl

    from tests.unit.test_linkage_engine import HEADER, population

    monkeypatch.setenv("SEND_PSEUDONYMISATION_KEY", "ab" * 32)
    people = pl.DataFrame(population(children=300), schema=HEADER, orient="row")
    people.head(people.height - 10).write_csv(tmp_path / "first.csv")
    people.write_csv(tmp_path / "second.csv")
    state = tmp_path / "state.duckdb"
    for name in ("first", "second"):
        result = runner.invoke(
            app,
            ["link", str(tmp_path / f"{name}.csv"), "--out", str(tmp_path / f"{name}_keys.csv")]
            + ["--state", str(state)],
        )
        assert result.exit_code == 0, result.output
    assert f"against {state}" in result.output and "merges" in result.output
    # the state holds the records as delivered: encrypted with the storage key
    import duckdb

    surname = people["surname"][0].encode()
    assert surname in (tmp_path / "first.csv").read_bytes() and surname not in state.read_bytes()
    with pytest.raises(duckdb.Error, match="without a key"):
        duckdb.connect(str(state), read_only=True)
    # the memory limit reaches DuckDB: one far too small fails the run with DuckDB's message
    result = runner.invoke(
        app,
        ["link", str(tmp_path / "first.csv"), "--out", str(tmp_path / "small.csv")]
        + ["--memory-limit", "2MB"],
    )
    assert result.exit_code != 0 and "Out of Memory" in result.output
    keys = pl.read_csv(tmp_path / "second_keys.csv")
    assert keys.height == people.height


def test_run_refuses_to_mint_a_key_for_a_warehouse_built_with_another(tmp_path, monkeypatch):
    """SEND_PSEUDONYMISATION_KEY_FILE naming a file that is not there: a clear refusal before
    anything runs, never a new key (which would change every child's and event's key)."""

    monkeypatch.delenv("SEND_PSEUDONYMISATION_KEY", raising=False)
    missing = tmp_path / "secrets" / "moved.key"
    monkeypatch.setenv("SEND_PSEUDONYMISATION_KEY_FILE", str(missing))
    monkeypatch.setenv("SEND_LANDING_DIR", str(tmp_path))  # restored afterwards
    monkeypatch.setenv("SEND_WAREHOUSE_DIR", str(tmp_path))
    (tmp_path / "landing").mkdir()
    warehouse = tmp_path / "wh"
    warehouse.mkdir()
    with open_database(warehouse / "restricted.duckdb") as con:
        con.execute("create schema identity")
        con.execute("create table identity.crosswalk (record_id varchar, child_key varchar)")
    result = runner.invoke(
        app, ["run", "--landing", str(tmp_path / "landing"), "--warehouse", str(warehouse)]
    )
    assert result.exit_code == 1, result.output
    assert "does not exist" in result.output and "holds keys" in result.output
    assert not missing.exists()
    # the key of another warehouse: refused too, before anything runs
    from pipelines.privacy.pseudonymise import event_key_salt

    with open_database(warehouse / "restricted.duckdb") as con:
        salt = event_key_salt(bytes.fromhex("11" * 32))
        con.execute("create table identity.event_key_salt as select ? as salt", [salt])
    monkeypatch.setenv("SEND_PSEUDONYMISATION_KEY", "22" * 32)
    result = runner.invoke(
        app, ["run", "--landing", str(tmp_path / "landing"), "--warehouse", str(warehouse)]
    )
    assert result.exit_code == 1 and "not the key" in result.output, result.output


def test_a_second_run_on_a_warehouse_in_use_is_refused_at_once(tmp_path, monkeypatch):
    """While another process holds the warehouse (a run under way), `send-pipeline run` on the
    same warehouse stops at once with one line naming it, and touches nothing; once that
    process ends, the warehouse is free again, however it ended."""
    import subprocess
    import sys
    import time

    from pipelines.lock import LOCK_NAME, warehouse_lock

    monkeypatch.setenv("SEND_LANDING_DIR", str(tmp_path))
    monkeypatch.setenv("SEND_WAREHOUSE_DIR", str(tmp_path))
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    landing.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, pathlib; from pipelines.lock import warehouse_lock\n"
            f"with warehouse_lock(pathlib.Path({str(warehouse)!r}), 'the first run'):\n"
            "    print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        result = runner.invoke(
            app, ["run", "--landing", str(landing), "--warehouse", str(warehouse)]
        )
        assert result.exit_code == 1
        assert "another run is using the warehouse" in result.output
        assert "the first run" in result.output and str(holder.pid) in result.output
        assert time.monotonic() - started < 10  # at once, before any work
        assert sorted(p.name for p in warehouse.iterdir()) == [LOCK_NAME]
    finally:
        holder.kill()  # as a crash would end it
        holder.wait()
    with warehouse_lock(warehouse):  # free again: the lock never goes stale
        pass


def test_the_dagster_instance_runs_one_run_at_a_time(tmp_path, monkeypatch):
    """Runs launched in the UI queue behind the one under way (the instance `make` and the
    command write), rather than fighting over DuckDB's one writer."""
    import shutil
    import subprocess

    import dagster as dg

    from pipelines.cli import DAGSTER_YAML

    makefile = subprocess.run(
        ["make", "-n", "--always-make", f"DAGSTER_HOME={tmp_path}", f"{tmp_path}/dagster.yaml"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "cp pipelines/dagster.yaml" in makefile  # the file the command copies too
    shutil.copyfile(DAGSTER_YAML, tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with dg.DagsterInstance.get() as instance:
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 1


def _hold_in_another_process(code: str):
    """A process that runs `code` (which takes the warehouse's lock), once it says 'held'."""
    import subprocess
    import sys

    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_command_run_is_refused_while_a_dagster_run_holds_the_warehouse(tmp_path, monkeypatch):
    """A run launched from the UI (its resources up in the run's own process) holds the lock, so
    `send-pipeline run` on the same warehouse is refused at once, naming it."""
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    landing.mkdir()
    holder = _hold_in_another_process(
        "import time, dagster as dg; from pipelines.resources import WarehouseResource\n"
        f"r = WarehouseResource(landing_dir={str(landing)!r}, warehouse_dir={str(warehouse)!r})\n"
        "with dg.build_resources({'warehouse': r}):\n"
        "    print('held', flush=True); time.sleep(60)"
    )
    try:
        result = runner.invoke(
            app, ["run", "--landing", str(landing), "--warehouse", str(warehouse)]
        )
        assert result.exit_code == 1, result.output
        assert "another run is using the warehouse" in result.output
        assert "a Dagster run" in result.output and str(holder.pid) in result.output
    finally:
        holder.kill()
        holder.wait()


def test_a_dagster_run_is_refused_while_the_command_holds_the_warehouse(tmp_path, monkeypatch):
    """A run started in the UI while `send-pipeline run` is under way fails at once with the
    reason, before any asset writes; a look at the landing folders is still allowed."""
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.lock import LOCK_NAME
    from pipelines.resources import OBSERVE_JOB

    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    landing.mkdir()
    monkeypatch.setenv("SEND_LANDING_DIR", str(landing))
    monkeypatch.setenv("SEND_WAREHOUSE_DIR", str(warehouse))
    holder = _hold_in_another_process(
        "import time, pathlib; from pipelines.lock import warehouse_lock\n"
        f"with warehouse_lock(pathlib.Path({str(warehouse)!r}), 'send-pipeline run'):\n"
        "    print('held', flush=True); time.sleep(60)"
    )
    try:
        with dg.DagsterInstance.ephemeral() as instance:
            refused = defs.resolve_job_def("refresh").execute_in_process(
                instance=instance, raise_on_error=False
            )
            observed = defs.resolve_job_def(OBSERVE_JOB).execute_in_process(
                instance=instance, raise_on_error=False
            )
        assert not refused.success
        messages = " ".join(
            str(event.message) + str(getattr(event.event_specific_data, "error", ""))
            for event in refused.all_events
            if event.is_failure or event.event_type_value == "RUN_FAILURE"
        )
        assert "another run is using the warehouse" in messages, messages
        assert not refused.get_asset_materialization_events()
        assert sorted(p.name for p in warehouse.iterdir()) == [LOCK_NAME]
        assert observed.success
    finally:
        holder.kill()
        holder.wait()
