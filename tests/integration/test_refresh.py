"""Refreshing only what changed: `send-pipeline run` over a series of monthly deliveries of one
synthetic world (`generate(deliveries=2)`), with one persistent Dagster instance (the session's
DAGSTER_HOME), as an engineer runs it month by month."""

from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.linkage.evaluate import key_changes
from pipelines.privacy.storage import open_database
from pipelines.synthetic import generate
from pipelines.synthetic.series import land, replay
from tests.conftest import SAMPLE_CHILDREN, SAMPLE_SEED

pytestmark = pytest.mark.integration

runner = CliRunner()


def _run(landing: Path, warehouse: Path, *extra: str) -> str:
    result = runner.invoke(
        app, ["run", "--landing", str(landing), "--warehouse", str(warehouse), *extra]
    )
    assert result.exit_code == 0, result.output
    return result.output


def _materialisations(key: dg.AssetKey) -> int:
    """How many times the instance has seen this asset materialised."""
    instance = dg.DagsterInstance.get()
    return len(
        instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=key), limit=1000).records
    )


def _statuses() -> dict[dg.AssetKey, str]:
    from pipelines.definitions import defs
    from pipelines.refresh import stale_status

    graph = defs.resolve_asset_graph()
    resolver = stale_status(graph, dg.DagsterInstance.get())
    return {
        key: resolver.get_status(key).value
        for key in graph.toposorted_asset_keys
        if graph.get(key).is_materializable
    }


def _crosswalk(warehouse: Path) -> dict[str, str]:
    with open_database(warehouse / "restricted.duckdb", read_only=True) as con:
        return dict(con.execute("select record_id, child_key from identity.crosswalk").fetchall())


JANUARY, FEBRUARY = date(2025, 1, 16), date(2025, 2, 16)


STG_CITY = dg.AssetKey(["staging", "stg_city__persons"])
STG_ICB = dg.AssetKey(["staging", "stg_icb__persons"])
STG_COUNTY_SUPPORT = dg.AssetKey(["staging", "stg_county__sen_support_pupils"])
MART = dg.AssetKey(["marts", "mart_gaps"])


@pytest.fixture(scope="module")
def series(tmp_path_factory) -> Path:
    """Two monthly deliveries of one world, January's and February's, with their truth."""
    out = tmp_path_factory.mktemp("series")
    generate(children=SAMPLE_CHILDREN, seed=SAMPLE_SEED, out=out, as_at=FEBRUARY, deliveries=2)
    return out


@pytest.fixture(scope="module")
def first_run(series, tmp_path_factory):
    """A landing folder of our own holding January's delivery, and a first, full run."""
    root = tmp_path_factory.mktemp("refresh")
    landing = root / "landing"
    land(series, JANUARY, landing)
    warehouse = root / "warehouse"
    output = _run(landing, warehouse)
    return landing, warehouse, output, _crosswalk(warehouse)


def test_the_first_run_builds_everything(first_run):
    landing, warehouse, output, _ = first_run
    built, total = map(int, re.search(r"refreshing (\d+) of (\d+) assets", output).groups())
    assert built == total
    assert (warehouse / "analytics.duckdb").exists()
    assert set(_statuses().values()) == {"FRESH"}


def test_the_folders_travel_as_the_runs_configuration_not_the_environment(first_run):
    landing, warehouse, _, _ = first_run
    [record] = dg.DagsterInstance.get().get_run_records(dg.RunsFilter(job_name="refresh"), limit=1)
    config = record.dagster_run.run_config["resources"]["warehouse"]["config"]
    assert config == {
        "landing_dir": str(landing.resolve()),
        "warehouse_dir": str(warehouse.resolve()),
    }
    assert os.environ.get("SEND_WAREHOUSE_DIR") != str(warehouse.resolve())
    assert os.environ.get("SEND_LANDING_DIR") != str(landing.resolve())
    assert "SEND_RESTRICTED_DB" not in os.environ  # set only around each dbt invocation


def test_a_run_with_nothing_new_rebuilds_nothing(first_run):
    landing, warehouse, _, _ = first_run
    before = {key: _materialisations(key) for key in (STG_CITY, MART)}
    output = _run(landing, warehouse)
    assert "nothing to refresh" in output
    assert {key: _materialisations(key) for key in before} == before


def test_reloading_an_unchanged_extract_leaves_nothing_downstream_unsynced(first_run, monkeypatch):
    """Re-materialising the county's ingest, which loads nothing new, keeps each raw table's
    data version (the sha256 of the extract in force), so no staging model becomes stale."""
    from pipelines.definitions import defs

    landing, warehouse, _, _ = first_run
    monkeypatch.setenv("SEND_LANDING_DIR", str(landing))
    monkeypatch.setenv("SEND_WAREHOUSE_DIR", str(warehouse))
    county_raw = [
        key
        for key in defs.resolve_job_def("refresh_county").asset_layer.selected_asset_keys
        if key.path[0] == "raw"
    ]
    result = defs.resolve_job_def("refresh").execute_in_process(
        instance=dg.DagsterInstance.get(),
        asset_selection=county_raw,
    )
    assert result.success
    statuses = _statuses()
    assert statuses[STG_COUNTY_SUPPORT] == "FRESH"
    assert set(statuses.values()) == {"FRESH"}


def test_a_delivery_from_one_source_rebuilds_that_source_and_what_depends_on_it(series, first_run):
    landing, warehouse, _, keys_before = first_run
    # February's delivery from the county only: casework workbook, SEN support and top-up lists.
    landed = land(series, FEBRUARY, landing, sources=("county",))
    assert {p.name for p in landed} >= {"EHC_Casework_16022025.xlsx", "SEN_Support_16022025.csv"}
    lines = (landing / "county" / "SEN_Support_16022025.csv").read_bytes().splitlines()
    city_before = _materialisations(STG_CITY)
    icb_before = _materialisations(STG_ICB)
    mart_before = _materialisations(MART)

    output = _run(landing, warehouse, "--source", "county")

    # every county asset is stale (each of its files is new), and nothing of the other sources
    built, total = map(int, re.search(r"refreshing (\d+) of (\d+) assets", output).groups())
    assert 0 < built <= total
    assert _materialisations(STG_CITY) == city_before  # the city's models were not touched
    assert _materialisations(STG_ICB) == icb_before
    assert _materialisations(MART) == mart_before + 1
    with open_database(warehouse / "restricted.duckdb", read_only=True) as con:
        rows = con.execute("select count(*) from staging.stg_county__sen_support_pupils").fetchone()
        loaded = con.execute(
            "select rows_loaded, rows_read from audit.current_loads "
            "where table_name = 'county_sen_support'"
        ).fetchone()
        # the marts know which of February's county rows the contracts kept out, not January's
        kept_out = con.execute(
            "select table_name, source_row from audit.current_quarantine "
            "where severity = 'error' and table_name like 'county%' "
            "except select table_name, source_row from intermediate.int_quarantined_records"
        ).fetchall()
        known = con.execute(
            "select count(*) from audit.current_quarantine q "
            "join audit.current_loads l using (load_id) "
            "where q.severity = 'error' and l.extract_date = '2025-02-16'"
        ).fetchone()[0]
    assert loaded[1] == len(lines) - 1  # February's extract is in force (header excluded)
    assert rows[0] == loaded[0]
    assert known > 0 and kept_out == []
    # Linked incrementally against the stored state: records still delivered keep their keys.
    keys_after = _crosswalk(warehouse)
    kept = [r for r in keys_before if r in keys_after]
    changed = [r for r in kept if keys_after[r] != keys_before[r]]
    assert len(kept) > 0.9 * len(keys_before)
    assert len(changed) <= 0.001 * len(kept)
    assert set(_statuses().values()) == {"FRESH"}
    # the truth is January's while the county is at February: not compared, and said so
    check = dg.AssetCheckKey(MART, "overlaps_and_gaps_match_truth")
    latest = dg.DagsterInstance.get().event_log_storage.get_latest_asset_check_execution_by_key(
        [check]
    )[check]
    evaluation = latest.event.dagster_event.event_specific_data
    assert evaluation.passed
    said = evaluation.metadata["truth"].value
    assert "not comparable" in said and "county 2025-02-16" in said and "city 2025-01-16" in said
    # the county's data-quality return is February's, with January's figures beside it
    import openpyxl

    returns = sorted((warehouse / "returns").glob("county_data_quality_return_*.xlsx"))
    assert returns[-1].name == "county_data_quality_return_2025-02-16.xlsx"
    summary = list(openpyxl.load_workbook(returns[-1])["Summary"].iter_rows(values_only=True))
    previous = [row[4] for row in summary[4:] if row[0]]
    assert previous and all(isinstance(n, int) for n in previous) and sum(previous) > 0


def test_a_re_sent_file_loads_nothing(series, first_run):
    """The county sends February's SEN support list again, two days on: the same bytes."""
    landing, warehouse, _, _ = first_run
    [resent] = replay(series, landing, FEBRUARY, date(2025, 2, 18))
    assert resent.name == "SEN_Support_16022025.csv"
    before = _materialisations(STG_COUNTY_SUPPORT)
    output = _run(landing, warehouse)
    assert "nothing to refresh" in output
    assert _materialisations(STG_COUNTY_SUPPORT) == before


def test_a_second_monthly_delivery_keeps_every_childs_key(series, first_run):
    """February's delivery from the city and the ICB too: linked against January's stored state,
    at most 0.1% of the records delivered both months change key, each change is in the key
    history, and by the truth each one is a correction (the record joins its own child)."""
    landing, warehouse, _, keys_before = first_run
    land(series, FEBRUARY, landing)
    _run(landing, warehouse)

    with open_database(warehouse / "restricted.duckdb", read_only=True) as con:
        changes = key_changes(con, keys_before, landing.parent / "truth" / "record_truth.parquet")
    assert changes["records_in_both"] > 0.9 * changes["records_first_run"]
    assert changes["new_records"] > 0  # February brought new records
    assert changes["share_changed"] <= 0.001
    assert changes["changes_in_key_history"] == changes["changed_key"]
    assert changes["changes_that_are_corrections"] == changes["changed_key"]


def test_a_corrected_re_delivery_replaces_the_months_file_and_is_counted_once(series, first_run):
    """The city re-delivers February's SEN support list with the rows the contracts quarantined
    put right: the new version is loaded in place of the first, nothing is quarantined, and the
    history still holds February once."""
    landing, warehouse, _, _ = first_run

    def loads():
        with open_database(warehouse / "restricted.duckdb", read_only=True) as con:
            return con.execute(
                "select rows_read, rows_loaded, rows_quarantined from audit.current_loads "
                "where table_name = 'city_sen_support'"
            ).fetchone()

    def per_delivery():
        with duckdb.connect(str(warehouse / "analytics.duckdb"), read_only=True) as con:
            return con.execute(
                "select delivery_as_at::varchar, count(*) from hist_kpis group by 1 order by 1"
            ).fetchall()

    read, loaded, quarantined = loads()
    assert quarantined > 0
    history = per_delivery()
    [corrected] = replay(series, landing, date(2025, 2, 19), date(2025, 2, 20))
    assert corrected.name == "census_sen_support_2025-02-16.csv"
    output = _run(landing, warehouse)
    built, _ = map(int, re.search(r"refreshing (\d+) of (\d+) assets", output).groups())
    assert built > 0
    assert loads() == (read, loaded + quarantined, 0)
    # February's measures replaced, not added to: the month is counted once
    assert [d for d, _ in history] == ["2025-01-16", "2025-02-16"]
    assert per_delivery() == history


def test_the_marts_remember_each_delivery_and_say_what_changed_since_the_last(first_run):
    """After January's and February's deliveries the history tables keep both, and the changes
    mart is their difference."""
    landing, warehouse, _, _ = first_run

    with duckdb.connect(str(warehouse / "analytics.duckdb"), read_only=True) as con:
        deliveries = con.execute(
            "select distinct delivery_as_at::varchar from hist_gaps order by 1"
        ).fetchall()
        changes = con.execute(
            "select as_at::varchar, previous_as_at::varchar, change, kind, organisation, "
            "instances from mart_changes_since_last_delivery"
        ).fetchall()

        # the same difference, worked out here from the history table
        def open_gaps(day):
            return con.execute(
                "select gap_type, child_key, organisation, coalesce(service, ''), since "
                "from hist_gaps where status = 'open' and delivery_as_at = ?",
                [day],
            ).fetchall()

        before, after = open_gaps("2025-01-16"), open_gaps("2025-02-16")
        kpi_deliveries = con.execute(
            "select count(distinct delivery_as_at) from hist_kpis"
        ).fetchone()[0]
    assert deliveries == [("2025-01-16",), ("2025-02-16",)]
    assert kpi_deliveries == 2
    assert {(c[0], c[1]) for c in changes} == {("2025-02-16", "2025-01-16")}
    counted = {}
    for _, _, change, _, _, instances in changes:
        counted[change] = counted.get(change, 0) + instances
    from collections import Counter

    opened = Counter(after) - Counter(before)
    closed = Counter(before) - Counter(after)
    assert counted.get("gap opened", 0) == sum(opened.values()) > 0
    assert counted.get("gap closed", 0) == sum(closed.values())
    # the report says so, disclosure-controlled, beside the 24-month trend
    [html] = sorted((warehouse.parent / "reports").glob("*.html"))
    text = html.read_text()
    assert "Gaps and overlaps that changed since the delivery of 16 January 2025" in text
    assert "Since the delivery of 16 January 2025:" in text
    # a month more on the review clocks: some annual reviews fall overdue
    assert any(c[2] == "gap opened" and c[3] == "annual_review_overdue" for c in changes)


def _warehouse_tables(warehouse: Path) -> dict[str, list[tuple]]:
    """Every row of every mart and of the models the marts read quarantine and children from,
    sorted, by table."""
    import polars as pl

    tables = {}
    with open_database(warehouse / "restricted.duckdb", read_only=True) as con:
        names = [
            f"{schema}.{table}"
            for schema, table in con.execute(
                "select schema_name, table_name from duckdb_tables() where schema_name = 'marts' "
                "or table_name in ('int_quarantined_records', 'int_ehc_plans_unioned', "
                "'int_children_resolved', 'int_child_key_crosswalk')"
            ).fetchall()
        ]
        for name in names:
            frame = con.sql(f"select * from {name}").pl()
            frame = frame.with_columns(pl.col(pl.List(pl.String)).list.join("|"))
            tables[name] = frame.sort(frame.columns, nulls_last=True).rows()
    return tables


def _copy(warehouse: Path, into: Path) -> Path:
    """A copy of the warehouse's restricted database in folder `into`; returns the folder."""
    into.mkdir(exist_ok=True)
    shutil.copyfile(warehouse / "restricted.duckdb", into / "restricted.duckdb")
    return into


def _dbt(folder: Path, *args: str) -> None:
    """dbt, as the pipeline invokes it, on the restricted database in `folder`."""
    from pipelines.config import Settings, dbt_environment
    from pipelines.project import SendDbtCli, reused_parse, send_dbt_project

    settings = Settings(landing_dir=folder, warehouse_dir=folder, key_file=folder / "key")
    with dbt_environment(settings), reused_parse(settings.restricted_db, args[0]) as target:
        SendDbtCli(project_dir=send_dbt_project).cli(list(args), target_path=target).wait()


def _rebuilt(warehouse: Path, into: Path) -> Path:
    """A copy of the warehouse in which dbt has built every model again from the extracts
    in force (the ingest is not repeated: its tables are the extracts in force, and a reload
    of an unchanged file loads nothing), incremental models from scratch, except those whose
    rows are their history: the identity run log and the marts as each delivery saw them,
    which are built as a refresh builds them. Returns the copy's folder."""
    folder = _copy(warehouse, into)
    history = "path:models/marts/history int_identity_resolution"
    _dbt(folder, "run", "--full-refresh", "--exclude", history)
    _dbt(folder, "run", "--select", history)
    return folder


def test_after_the_monthly_refreshes_a_full_rebuild_changes_nothing(first_run, tmp_path):
    """Refreshing only what changed gives the warehouse a rebuild gives: no model is left
    reading an older delivery (once int_quarantined_records was, after one source's
    delivery: the marts read January's quarantine in February)."""
    _, warehouse, _, _ = first_run
    refreshed = _warehouse_tables(warehouse)
    rebuilt = _warehouse_tables(_rebuilt(warehouse, tmp_path / "rebuilt"))
    assert len(refreshed) >= 20 and sum(map(len, refreshed.values())) > 1000
    assert {name for name in refreshed if refreshed[name] != rebuilt[name]} == set()


def test_a_child_whose_only_record_is_withdrawn_leaves_the_resolved_children(first_run, tmp_path):
    """int_children_resolved is incremental: a refresh recomputes the children whose records
    changed, and a child the crosswalk no longer holds is dropped, not left behind."""
    _, warehouse, _, _ = first_run
    db = _copy(warehouse, tmp_path) / "restricted.duckdb"
    with open_database(db) as con:
        child, patient = con.execute(
            """select c.child_key, p.source_record_id
            from linkage.int_children_resolved c
            join linkage.int_child_key_crosswalk x using (child_key)
            join linkage.int_person_records_unioned p using (record_id)
            where c.record_count = 1 and p.source_table = 'icb_patients'
            order by 1 limit 1"""
        ).fetchone()
        con.execute("delete from raw.icb_patients where LocalPatientID = ?", [patient])
    selected = "int_person_records_unioned int_identity_resolution int_children_resolved"
    _dbt(tmp_path, "run", "--select", selected)
    with open_database(db, read_only=True) as con:
        resolved = set(con.sql("select child_key from linkage.int_children_resolved").pl()[:, 0])
        known = set(con.sql("select child_key from identity.crosswalk").pl()[:, 0])
        mode = con.execute(
            "select mode from linkage.int_identity_resolution order by run_at desc limit 1"
        ).fetchone()[0]
    assert mode == "incremental"
    assert child not in known
    assert resolved == known


def test_an_unknown_source_is_refused_by_name(tmp_path):
    result = runner.invoke(
        app, ["run", "--landing", str(tmp_path), "--warehouse", str(tmp_path), "--source", "town"]
    )
    assert result.exit_code == 1
    assert "--source town: unknown" in result.output
