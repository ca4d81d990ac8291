"""The commissioning marts on the default synthetic sample (35,000 children, seed 42), built by
the real Dagster graph: overlaps and gaps against the generator's truth, every partnership
measure against an independent computation, and the analysts' warehouse free of identifiers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from tests.integration.kpi_reference import reference_kpis

pytestmark = pytest.mark.integration

DEFAULT_CHILDREN = 35_000
DEFAULT_SEED = 42


@pytest.fixture(scope="module")
def default_build(tmp_path_factory):
    from dagster_dbt import DbtCliResource

    from pipelines.definitions import defs
    from pipelines.project import prepare_manifest, send_dbt_project
    from pipelines.resources import WarehouseResource
    from pipelines.synthetic import generate

    prepare_manifest()
    out = tmp_path_factory.mktemp("default_sample")
    generate(children=DEFAULT_CHILDREN, seed=DEFAULT_SEED, out=out)
    warehouse = out / "warehouse"
    result = dg.materialize(
        [*defs.assets, *defs.asset_checks],
        resources={
            "warehouse": WarehouseResource(
                landing_dir=str(out / "landing"), warehouse_dir=str(warehouse)
            ),
            "dbt": DbtCliResource(project_dir=send_dbt_project),
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    return result, out, warehouse


def _check(result: dg.ExecuteInProcessResult, name: str) -> dg.AssetCheckEvaluation:
    evaluations = [e for e in result.get_asset_check_evaluations() if e.check_name == name]
    assert evaluations, f"check {name} did not run"
    return evaluations[0]


def test_the_whole_graph_builds_and_publishes(default_build):
    result, _, warehouse = default_build
    failures = [e.step_key for e in result.all_events if e.is_step_failure]
    assert result.success, f"failed steps: {failures}"
    assert (warehouse / "analytics.duckdb").exists()


def test_every_overlap_and_gap_type_is_recovered(default_build):
    from pipelines.transform.truth import MATCHING_KEYS, TARGET, compare_with_truth

    _, out, warehouse = default_build
    with duckdb.connect(str(warehouse / "restricted.duckdb"), read_only=True) as con:
        scores = compare_with_truth(con, out / "truth")
    assert set(scores) == set(MATCHING_KEYS)
    for issue_type, s in scores.items():
        assert s["truth"] >= 50, f"{issue_type}: only {s['truth']} planted"
        assert s["precision"] >= TARGET and s["recall"] >= TARGET, (issue_type, s)


def test_the_truth_check_reports_every_type(default_build):
    result, _, _ = default_build
    evaluation = _check(result, "overlaps_and_gaps_match_truth")
    assert evaluation.passed
    by_type = evaluation.metadata["by_type"].value
    assert by_type["dual_plans"]["truth"] >= 50 and by_type["icb_only_send"]["precision"] >= 0.98


def test_every_kpi_equals_an_independent_computation(default_build):
    _, out, warehouse = default_build
    expected = reference_kpis(warehouse / "restricted.duckdb", out / "truth", date(2025, 1, 16))
    with duckdb.connect(str(warehouse / "analytics.duckdb"), read_only=True) as con:
        actual = con.sql(
            "select month, area, measure, service, numerator, denominator, value from mart_kpis"
        ).pl()
    keys = ["month", "area", "measure", "service"]
    assert actual.height == expected.height
    joined = expected.join(actual, on=keys, how="full", nulls_equal=True, suffix="_mart")
    assert joined.filter(pl.col("month").is_null() | pl.col("month_mart").is_null()).height == 0
    differ = joined.filter(
        (pl.col("numerator").ne_missing(pl.col("numerator_mart")))
        | (pl.col("denominator").ne_missing(pl.col("denominator_mart")))
        | (pl.col("value").is_null() != pl.col("value_mart").is_null())
        | ((pl.col("value") - pl.col("value_mart")).abs() > 1e-9)
    )
    assert differ.height == 0, differ.head(10)
    # The deduplicated count really removes children counted by both councils.
    naive = actual.filter(
        (pl.col("area") == "partnership") & (pl.col("measure") == "plans_in_force")
    )["value"].max()
    children = actual.filter(
        (pl.col("area") == "partnership") & (pl.col("measure") == "children_with_plan_deduplicated")
    )["value"].max()
    assert children < naive


def test_the_analysts_warehouse_holds_no_direct_identifier(default_build):
    from pipelines.privacy.scan import scan_for_identifiers

    _, _, warehouse = default_build
    with (
        duckdb.connect(str(warehouse / "analytics.duckdb"), read_only=True) as analytics,
        duckdb.connect(str(warehouse / "restricted.duckdb"), read_only=True) as restricted,
    ):
        assert scan_for_identifiers(analytics, restricted) == []
        columns = {
            name
            for (name,) in analytics.execute(
                "select distinct column_name from duckdb_columns() where schema_name = 'main'"
            ).fetchall()
        }
    assert not columns & {"forename", "surname", "dob", "postcode", "upn", "uln", "nhs_number"}


def test_each_mart_is_also_a_parquet_file_with_the_same_rows(default_build):
    _, _, warehouse = default_build
    with duckdb.connect(str(warehouse / "analytics.duckdb"), read_only=True) as con:
        tables = dict(
            con.execute(
                "select table_name, estimated_size from duckdb_tables() where schema_name='main'"
            ).fetchall()
        )
        for table in tables:
            path = Path(warehouse / "marts" / f"{table}.parquet")
            rows = con.execute(f"select count(*) from main.{table}").fetchone()[0]
            assert pl.scan_parquet(path).select(pl.len()).collect().item() == rows


def test_an_analyst_reading_the_warehouse_does_not_block_a_new_publish(default_build):
    from pipelines.project import send_dbt_project
    from pipelines.publish.warehouse import publish

    _, _, warehouse = default_build
    analytics = warehouse / "analytics.duckdb"
    with duckdb.connect(str(analytics), read_only=True) as analyst:
        before = analyst.execute("select published_at from about").fetchone()[0]
        published = publish(
            warehouse / "restricted.duckdb",
            analytics,
            warehouse / "marts",
            manifest=send_dbt_project.manifest_path,
        )
        # The analyst keeps reading the file they opened.
        assert analyst.execute("select published_at from about").fetchone()[0] == before
    with duckdb.connect(str(analytics), read_only=True) as fresh:
        assert fresh.execute("select published_at from about").fetchone()[0] > before
        comment = fresh.execute(
            "select comment from duckdb_columns() where table_name = 'mart_gaps' "
            "and column_name = 'days_outstanding'"
        ).fetchone()[0]
    assert published.tables["mart_gaps"] > 0 and "clock" in comment


def test_a_publish_that_finds_an_identifier_leaves_the_last_good_warehouse(default_build, tmp_path):
    import shutil

    from pipelines.publish.warehouse import IdentifiersFound, publish

    _, _, warehouse = default_build
    restricted = tmp_path / "restricted.duckdb"
    shutil.copy(warehouse / "restricted.duckdb", restricted)
    analytics = tmp_path / "analytics.duckdb"
    parquet = tmp_path / "marts"
    publish(restricted, analytics, parquet)
    good = analytics.read_bytes()
    with duckdb.connect(str(restricted)) as con:  # a mart that leaks the children's names
        con.execute(
            """create or replace table marts.dim_child as
            select d.*, c.surname as family from marts.dim_child d
            join linkage.int_children_resolved c using (child_key)"""
        )
    with pytest.raises(IdentifiersFound, match=r"dim_child\.family"):
        publish(restricted, analytics, parquet)
    assert analytics.read_bytes() == good
    assert not list(tmp_path.glob("analytics.duckdb.*"))


def test_dbt_docs_build_a_catalogue_of_every_mart(default_build, tmp_path):
    import json
    import os
    import subprocess
    import sys

    from pipelines.config import DBT_PROJECT_DIR

    _, _, warehouse = default_build
    env = {**os.environ, "SEND_RESTRICTED_DB": str(warehouse / "restricted.duckdb")}
    dbt = Path(sys.executable).parent / "dbt"
    done = subprocess.run(
        [str(dbt), "docs", "generate", "--profiles-dir", ".", "--target-path", str(tmp_path)],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    catalog = json.loads((tmp_path / "catalog.json").read_text())["nodes"]
    manifest = json.loads((tmp_path / "manifest.json").read_text())["nodes"]
    from pipelines.publish.assets import MART_MODELS

    for name in MART_MODELS:
        node = manifest[f"model.send.{name}"]
        assert node["description"].strip(), name
        described = {c for c, spec in node["columns"].items() if spec["description"].strip()}
        # every column the warehouse holds is documented
        assert set(catalog[f"model.send.{name}"]["columns"]) <= described, name
    assert (tmp_path / "index.html").exists()
