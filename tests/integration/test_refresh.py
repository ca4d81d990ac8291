"""Refreshing only what changed: `send-pipeline run` over a series of deliveries, with one
persistent Dagster instance (the session's DAGSTER_HOME), as an engineer runs it month by month."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from typer.testing import CliRunner

from pipelines.cli import app

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
    with duckdb.connect(str(warehouse / "restricted.duckdb"), read_only=True) as con:
        return dict(con.execute("select record_id, child_key from identity.crosswalk").fetchall())


STG_CITY = dg.AssetKey(["staging", "stg_city__persons"])
STG_COUNTY_SUPPORT = dg.AssetKey(["staging", "stg_county__sen_support_pupils"])
MART = dg.AssetKey(["marts", "mart_gaps"])


@pytest.fixture(scope="module")
def first_run(sample, tmp_path_factory):
    """A landing folder of our own (the test adds deliveries to it) and a first, full run."""
    root = tmp_path_factory.mktemp("refresh")
    landing = root / "landing"
    shutil.copytree(sample / "landing", landing)
    warehouse = root / "warehouse"
    output = _run(landing, warehouse)
    return landing, warehouse, output


def test_the_first_run_builds_everything(first_run):
    _, warehouse, output = first_run
    built, total = map(int, re.search(r"refreshing (\d+) of (\d+) assets", output).groups())
    assert built == total
    assert (warehouse / "analytics.duckdb").exists()
    assert set(_statuses().values()) == {"FRESH"}


def test_a_run_with_nothing_new_rebuilds_nothing(first_run):
    landing, warehouse, _ = first_run
    before = {key: _materialisations(key) for key in (STG_CITY, MART)}
    output = _run(landing, warehouse)
    assert "nothing to refresh" in output
    assert {key: _materialisations(key) for key in before} == before


def test_reloading_an_unchanged_extract_leaves_nothing_downstream_unsynced(first_run, monkeypatch):
    """Re-materialising the county's ingest, which loads nothing new, keeps each raw table's
    data version (the sha256 of the extract in force), so no staging model becomes stale."""
    from pipelines.definitions import defs

    landing, warehouse, _ = first_run
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


def test_a_delivery_from_one_source_rebuilds_that_source_and_what_depends_on_it(first_run):
    landing, warehouse, _ = first_run
    keys_before = _crosswalk(warehouse)
    # Next month's SEN support list from the county: the same pupils but the last ten.
    current = sorted((landing / "county").glob("SEN_Support_*.csv"))[-1]
    lines = current.read_bytes().splitlines(keepends=True)  # Windows-1252, as delivered
    (landing / "county" / "SEN_Support_16022025.csv").write_bytes(b"".join(lines[:-10]))
    city_before = _materialisations(STG_CITY)
    mart_before = _materialisations(MART)

    output = _run(landing, warehouse, "--source", "county")

    built, total = map(int, re.search(r"refreshing (\d+) of (\d+) assets", output).groups())
    assert 0 < built < total
    assert _materialisations(STG_CITY) == city_before  # the city's models were not touched
    assert _materialisations(MART) == mart_before + 1
    with duckdb.connect(str(warehouse / "restricted.duckdb"), read_only=True) as con:
        rows = con.execute("select count(*) from staging.stg_county__sen_support_pupils").fetchone()
        loaded = con.execute(
            "select rows_loaded, rows_read from audit.current_loads "
            "where table_name = 'county_sen_support'"
        ).fetchone()
    assert loaded[1] == len(lines) - 11  # the new extract is in force (header excluded)
    assert rows[0] == loaded[0]
    # Linked incrementally against the stored state: every record still delivered keeps its key.
    keys_after = _crosswalk(warehouse)
    kept = {r: k for r, k in keys_before.items() if r in keys_after}
    assert kept and all(keys_after[r] == k for r, k in kept.items())
    assert set(_statuses().values()) == {"FRESH"}


def test_the_marts_remember_each_delivery_and_say_what_changed_since_the_last(first_run):
    """The county's casework a month on, its last 20 annual reviews not in it: the history
    tables keep both deliveries, and the changes mart is their difference."""
    import openpyxl

    landing, warehouse, _ = first_run
    county = landing / "county"
    workbook = openpyxl.load_workbook(sorted(county.glob("EHC_Casework_*.xlsx"))[0])
    reviews = workbook["Reviews"]
    reviews.delete_rows(reviews.max_row - 19, 20)
    workbook.save(county / "EHC_Casework_16022025.xlsx")
    for name in ("HighNeeds_TopUp_{}.csv",):
        shutil.copyfile(county / name.format("16012025"), county / name.format("16022025"))

    _run(landing, warehouse, "--source", "county")

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
    # a month more on the review clocks, and reviews no longer delivered: overdue reviews open
    assert any(c[2] == "gap opened" and c[3] == "annual_review_overdue" for c in changes)


def test_an_unknown_source_is_refused_by_name(tmp_path):
    result = runner.invoke(
        app, ["run", "--landing", str(tmp_path), "--warehouse", str(tmp_path), "--source", "town"]
    )
    assert result.exit_code == 1
    assert "--source town: unknown" in result.output
