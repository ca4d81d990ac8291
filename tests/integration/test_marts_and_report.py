"""The commissioning marts and the partnership report on the default synthetic sample (35,000
children, seed 42), built by the real Dagster graph: overlaps and gaps against the generator's
truth, every partnership measure against an independent computation, the analysts' warehouse
free of identifiers, and the report opened in a real browser."""

from __future__ import annotations

import re
import sys
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines.privacy.storage import open_database
from tests.integration.kpi_reference import reference_kpis
from tests.libreoffice import CSV_EVERY_SHEET, libreoffice_convert

REPO_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration

DEFAULT_CHILDREN = 35_000
DEFAULT_SEED = 42


@pytest.fixture(scope="module")
def default_build(tmp_path_factory):
    from pipelines.definitions import defs
    from pipelines.project import SendDbtCli, prepare_manifest, send_dbt_project
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
            "dbt": SendDbtCli(project_dir=send_dbt_project),
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


def test_every_dbt_model_shows_its_row_count_in_dagster(default_build):
    result, _, warehouse = default_build
    counted = {}
    for event in result.get_asset_materialization_events():
        metadata = event.materialization.metadata
        if "unique_id" in metadata and metadata["unique_id"].value.startswith("model."):
            assert "dagster/row_count" in metadata, event.asset_key
            counted[event.asset_key.path[-1]] = metadata["dagster/row_count"].value
    assert {"stg_city__persons", "int_child_key_crosswalk", "mart_gaps"} <= set(counted)
    with open_database(warehouse / "restricted.duckdb", read_only=True) as con:
        for model in ("stg_city__persons", "int_child_key_crosswalk", "mart_gaps"):
            schema = con.execute(
                "select schema_name from duckdb_tables() where table_name = ? union all "
                "select schema_name from duckdb_views() where view_name = ?",
                [model, model],
            ).fetchone()[0]
            actual = con.execute(f'select count(*) from "{schema}"."{model}"').fetchone()[0]
            assert counted[model] == actual > 0, model


def test_every_overlap_and_gap_type_is_recovered(default_build):
    from pipelines.transform.truth import MATCHING_KEYS, TARGET, compare_with_truth

    _, out, warehouse = default_build
    with open_database(warehouse / "restricted.duckdb", read_only=True) as con:
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


def test_every_total_reconciles_with_the_facts(default_build):
    """The measures count the same records the facts hold (unidentified ones included), and the
    councils' plans reconcile with the children: plans = children + counted again + unidentified."""
    _, _, warehouse = default_build
    with duckdb.connect(str(warehouse / "analytics.duckdb"), read_only=True) as con:
        kpi = {
            (area, measure): value
            for area, measure, value in con.execute(
                """select area, measure, value from mart_kpis
                where month = (select max(month) from mart_kpis) and service is null"""
            ).fetchall()
        }
        facts = con.execute(
            """select council, count(*), count(*) filter (where not child_identified),
                count(distinct child_key)
            from fct_ehc_plans where in_force_on_as_at group by council"""
        ).fetchall()
        partnership_children = con.execute(
            "select count(distinct child_key) from fct_ehc_plans where in_force_on_as_at"
        ).fetchall()[0][0]
        requests = dict(
            con.execute(
                """select council, count(*) from fct_ehc_journeys
                where stage <> 'historic' and date_trunc('month', received_date)
                    = (select max(month) from mart_kpis) group by council"""
            ).fetchall()
        )
        reviews = dict(
            con.execute(
                """select council, count(decision_date) from fct_annual_reviews
                where date_trunc('month', meeting_date) = (select max(month) from mart_kpis)
                group by council"""
            ).fetchall()
        )
        denominators = dict(
            con.execute(
                """select area, denominator from mart_kpis
                where month = (select max(month) from mart_kpis)
                  and measure = 'annual_reviews_within_4_weeks_pct'"""
            ).fetchall()
        )
    unidentified_total = 0
    for council, plans, unidentified, children in facts:
        assert kpi[(council, "plans_in_force")] == plans
        assert kpi[(council, "plans_in_force_child_unidentified")] == unidentified
        assert kpi[(council, "children_with_plan_deduplicated")] == children
        assert kpi[(council, "requests_received")] == requests.get(council, 0)
        assert denominators[council] == reviews.get(council, 0)
        unidentified_total += unidentified
    assert unidentified_total > 0, "the sample should hold plans whose child was quarantined"
    assert kpi[("partnership", "children_with_plan_deduplicated")] == partnership_children
    for area in ("city", "county", "partnership"):
        assert kpi[(area, "plans_in_force")] == (
            kpi[(area, "children_with_plan_deduplicated")]
            + kpi[(area, "plans_in_force_child_counted_again")]
            + kpi[(area, "plans_in_force_child_unidentified")]
        ), area
    assert kpi[("partnership", "plans_in_force")] == sum(
        kpi[(c, "plans_in_force")] for c in ("city", "county")
    )


def test_every_published_table_and_column_says_what_it_holds(default_build):
    _, _, warehouse = default_build
    with duckdb.connect(str(warehouse / "analytics.duckdb"), read_only=True) as con:
        tables = con.execute(
            "select table_name, comment from duckdb_tables() where schema_name = 'main'"
        ).fetchall()
        bare_columns = con.execute(
            """select table_name || '.' || column_name from duckdb_columns()
            where schema_name = 'main' and not internal and comment is null"""
        ).fetchall()
    assert len(tables) >= 20
    assert [name for name, comment in tables if not comment] == []
    assert bare_columns == []


def test_the_analysts_warehouse_holds_no_direct_identifier(default_build):
    from pipelines.privacy.scan import scan_for_identifiers

    _, _, warehouse = default_build
    with (
        duckdb.connect(str(warehouse / "analytics.duckdb"), read_only=True) as analytics,
        open_database(warehouse / "restricted.duckdb", read_only=True) as restricted,
    ):
        assert scan_for_identifiers(analytics, restricted) == []
        columns = {
            name
            for (name,) in analytics.execute(
                "select distinct column_name from duckdb_columns() where schema_name = 'main'"
            ).fetchall()
        }
    assert not columns & {"forename", "surname", "dob", "postcode", "upn", "uln", "nhs_number"}


def test_the_analysts_tier_is_minimised_and_few_children_stand_out(default_build):
    """ICO-style minimisation: no birth month, exact age, detailed ethnicity or postcode sector
    reaches analysts, and in every table with a child key at most 1% of the children are in a
    group of fewer than k on the quasi-identifiers it holds (the check reports it per table)."""
    from pipelines.privacy.analysts_tier import load_policy, measure_risk

    result, _, warehouse = default_build
    policy = load_policy()
    with duckdb.connect(str(warehouse / "analytics.duckdb"), read_only=True) as con:
        columns = {
            name
            for (name,) in con.execute(
                "select column_name from duckdb_columns() where table_name = 'dim_child'"
            ).fetchall()
        }
        risks = measure_risk(con, policy)
        first_days = con.execute(
            "select count(*) from dim_child where day(first_seen) <> 1 or day(last_seen) <> 1"
        ).fetchone()[0]
        # every event date of the facts and marts is published by month, and no free text
        # repeats the exact dates
        event_dates = con.execute(
            "select table_name, column_name from duckdb_columns() where data_type = 'DATE' "
            "and (table_name like 'fct_%' or table_name in ('mart_gaps', 'mart_overlaps')) "
            "and table_name <> 'fct_sen_support'"
        ).fetchall()
        days = {
            f"{table}.{column}": con.execute(
                f"select count(*) from {table} where day({column}) <> 1"
            ).fetchone()[0]
            for table, column in event_dates
        }
        free_text = con.execute(
            "select count(*) from duckdb_columns() where column_name in ('detail', 'evidence')"
        ).fetchone()[0]
    assert not columns & {"birth_month", "age_at_as_at", "ethnicity", "postcode_sector"}
    assert {"age_band", "sex", "ethnicity_group", "district_name"} <= columns
    assert first_days == 0
    assert len(days) >= 25 and not any(days.values()), days
    assert free_text == 0
    assert len(risks) >= 10
    for risk in risks:
        assert risk.share_below_k <= policy.max_share_below_k, risk
        assert risk.share_unique <= 0.01, risk
    check = _check(result, "reidentification_risk")
    assert check.passed
    reported = check.metadata["tables"].value
    assert reported["dim_child"]["share_below_k"] == round(
        next(r for r in risks if r.table == "dim_child").share_below_k, 5
    )


def test_the_readmes_five_questions_run_on_the_analysts_warehouse(default_build):
    _, _, warehouse = default_build
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("Five questions and the queries that answer them:")[1]
    sql = block.split("```sql")[1].split("```")[0]
    statements = [
        "\n".join(line for line in s.splitlines() if not line.strip().startswith("--"))
        for s in sql.split(";")
    ]
    statements = [s for s in statements if s.strip()]
    assert len(statements) == 7
    with duckdb.connect(str(warehouse / "analytics.duckdb"), read_only=True) as con:
        answers = [con.execute(statement).fetchall() for statement in statements]
    assert all(answers), [i for i, rows in enumerate(answers) if not rows]
    # question 2 by district: every district of the partnership, none withheld
    districts = {row[0] for row in answers[2]}
    assert "Nottingham" in districts and "withheld" not in districts


def test_the_analysts_tier_opens_with_only_its_own_files(default_build, tmp_path):
    """A deployment gives analysts the analysts' tier alone: with no restricted file, no key and
    no repository beside it, the warehouse and its Parquet copies still answer the questions."""
    import shutil

    _, _, warehouse = default_build
    tier = tmp_path / "analysts_only"
    tier.mkdir()
    shutil.copy(warehouse / "analytics.duckdb", tier / "analytics.duckdb")
    shutil.copytree(warehouse / "marts", tier / "marts")
    with duckdb.connect(str(tier / "analytics.duckdb"), read_only=True) as con:
        assert (
            con.execute("select count(*) from duckdb_views() where not internal").fetchone()[0] == 0
        )
        tables = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        for table in tables:
            con.execute(f"select * from main.{table} limit 1").fetchall()
        waiting = con.execute(
            "select count(*) from fct_health_referrals r join dim_child c using (child_key) "
            "where r.status = 'waiting'"
        ).fetchone()[0]
    with duckdb.connect() as con:
        from_parquet = con.execute(
            f"select count(*) from '{tier}/marts/fct_health_referrals.parquet' r "
            f"join '{tier}/marts/dim_child.parquet' c using (child_key) where r.status = 'waiting'"
        ).fetchone()[0]
    assert len(tables) >= 20 and waiting == from_parquet > 0


def test_the_report_is_built_from_the_analysts_tier_alone(default_build, tmp_path):
    """The report reads nothing but the analysts' warehouse (its marts and the data-quality
    aggregates the publish step counted): built from a copy with no restricted file, no truth
    files and no landing folder beside it, it holds the same tables, data quality included."""
    import shutil

    from pipelines.reports.content import build_report

    _, _, warehouse = default_build
    tier = tmp_path / "report_tier"
    tier.mkdir()
    shutil.copy(warehouse / "analytics.duckdb", tier / "analytics.duckdb")
    alone = build_report(tier / "analytics.duckdb", _report_rules())
    beside = build_report(warehouse / "analytics.duckdb", _report_rules())
    tables = {t.key: t.rows for s in alone.sections for t in s.tables}
    assert tables == {t.key: t.rows for s in beside.sections for t in s.tables}
    assert alone.warnings == beside.warnings and "Synthetic data" in alone.warnings[0]
    # the data-quality figures are the restricted zone's, counted by the publish step
    with open_database(warehouse / "restricted.duckdb", read_only=True) as con:
        linked, quarantined = con.execute(
            "select (select count(*) from linkage.int_child_key_crosswalk), "
            "(select sum(rows_quarantined) from audit.current_loads)"
        ).fetchone()
    with duckdb.connect(str(tier / "analytics.duckdb"), read_only=True) as con:
        published = con.execute(
            "select records_linked, (select sum(rows_quarantined) from quality_extracts), "
            "truth_f1 from quality_linkage"
        ).fetchone()
    assert published[:2] == (linked, quarantined) and published[2] > 0.99
    linkage = dict(tables["linkage"])
    assert "Pairwise F1 against the synthetic truth" in linkage
    assert "Records linked" in linkage


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
    with open_database(restricted) as con:  # a mart that leaks the children's names
        con.execute(
            """create or replace table marts.dim_child as
            select d.*, c.surname as family from marts.dim_child d
            join linkage.int_children_resolved c using (child_key)"""
        )
    with pytest.raises(IdentifiersFound, match=r"dim_child\.family"):
        publish(restricted, analytics, parquet)
    assert analytics.read_bytes() == good
    assert not list(tmp_path.glob("analytics.duckdb.*"))


# --- the analysts' catalogue -------------------------------------------------------------------

# Identifiers of the restricted zone, as the column names they go by there.
IDENTIFIER_COLUMNS = ("forename", "surname", "dob", "date_of_birth", "nhs_number", "upn", "uln")


def _inlined(html: str, name: str) -> dict:
    """The manifest or catalog dbt's page holds inline (`{manifest:{...},catalog:{...}}`)."""
    import json

    start = html.index(f'{name}:{{"metadata"') + len(name) + 1
    return json.JSONDecoder().raw_decode(html, start)[0]


@pytest.fixture(scope="module")
def analysts_catalogue(default_build, tmp_path_factory):
    """`send-pipeline docs` (what `make docs` runs) over the built warehouse."""
    import subprocess
    import sys

    _, _, warehouse = default_build
    out = tmp_path_factory.mktemp("catalogue") / "analysts_catalogue.html"
    done = subprocess.run(
        [Path(sys.executable).parent / "send-pipeline", "docs", "--warehouse", warehouse]
        + ["--out", out],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == str(out)  # the path is printed
    html = out.read_text(encoding="utf-8")
    return out, html, _inlined(html, "manifest"), _inlined(html, "catalog")


def test_the_catalogue_documents_every_published_table_and_column(
    default_build, analysts_catalogue
):
    from pipelines.publish.assets import MART_MODELS

    _, _, warehouse = default_build
    _, html, manifest, catalog = analysts_catalogue
    with duckdb.connect(str(warehouse / "analytics.duckdb"), read_only=True) as con:
        tables = {
            name: (comment, con.execute(f"select count(*) from main.{name}").fetchone()[0])
            for name, comment in con.execute(
                "select table_name, comment from duckdb_tables() where schema_name = 'main'"
            ).fetchall()
        }
        columns = con.execute(
            """select table_name, column_name, data_type, comment from duckdb_columns()
            where schema_name = 'main' and not internal"""
        ).fetchall()
    nodes = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] != "test"}
    assert set(nodes) == set(tables)  # exactly the analysts' tables
    assert set(MART_MODELS) <= set(nodes)
    for name, (comment, rows) in tables.items():
        assert nodes[name]["description"] == comment and comment.strip(), name
        assert catalog["nodes"][nodes[name]["unique_id"]]["stats"]["row_count"]["value"] == rows
    for table, column, data_type, comment in columns:
        documented = nodes[table]["columns"][column]
        # every column the analysts' warehouse holds, with its type there and its description
        assert documented["data_type"] == data_type, (table, column)
        assert documented["description"] == comment and comment.strip(), (table, column)
        assert catalog["nodes"][nodes[table]["unique_id"]]["columns"][column]["type"] == data_type
    assert sum(len(n["columns"]) for n in nodes.values()) == len(columns)
    # the lineage between published tables, and the tests on their columns
    assert "model.send.dim_child" in manifest["parent_map"]["model.send.mart_overlaps"]
    assert any(
        n["resource_type"] == "test" and n["column_name"] == "child_key"
        for n in manifest["nodes"].values()
    )
    assert manifest["metadata"]["send_anonymous_usage_stats"] is False  # else a CDN tracker loads


def test_the_catalogue_names_nothing_of_the_restricted_zone(analysts_catalogue):
    import json

    from dbt.task.docs import DOCS_INDEX_FILE_PATH

    from pipelines.project import send_dbt_project
    from pipelines.publish.assets import MART_MODELS
    from pipelines.publish.warehouse import REFERENCE_TABLES

    _, html, manifest, _ = analysts_catalogue
    project = json.loads(send_dbt_project.manifest_path.read_text())
    published = set(MART_MODELS) | {table.split(".")[-1] for table in REFERENCE_TABLES.values()}
    restricted = {
        node["name"]
        for node in project["nodes"].values()
        if node["resource_type"] in ("model", "seed", "snapshot") and node["name"] not in published
    }
    restricted |= {s["name"] for s in project["sources"].values()}
    restricted |= {s["source_name"] for s in project["sources"].values()}
    assert {"int_children_resolved", "stg_city__persons", "postcode_directory"} <= restricted
    # A published column may share a code list's name (sex, request_source): that is no leak.
    # dbt's own page (its script) is not the catalogue's content.
    published_columns = {c for n in manifest["nodes"].values() for c in n.get("columns", {})}
    template = Path(DOCS_INDEX_FILE_PATH).read_text(encoding="utf-8")
    named = [
        name
        for name in restricted - published_columns
        if re.search(rf"\b{re.escape(name)}\b", html)
        and not re.search(rf"\b{re.escape(name)}\b", template)
    ]
    assert named == []
    assert re.findall(r"\b(?:stg|int)_\w+", html) == []
    assert re.findall(rf"\b(?:{'|'.join(IDENTIFIER_COLUMNS)})\b", html) == []
    assert '"postcode"' not in html  # the full postcode column; the word may be in prose
    assert manifest["sources"] == {} and manifest["macros"] == {}
    # no code: the marts' SQL names the restricted tables it reads
    assert "select" not in " ".join(
        n.get("raw_code", "") + n.get("compiled_code", "") for n in manifest["nodes"].values()
    )


def test_the_catalogue_refuses_a_description_that_names_a_restricted_table(default_build, tmp_path):
    import shutil

    from pipelines.project import send_dbt_project
    from pipelines.publish.catalogue_docs import RestrictedNameFound, write_catalogue

    _, _, warehouse = default_build
    analytics = tmp_path / "analytics.duckdb"
    shutil.copy(warehouse / "analytics.duckdb", analytics)
    with duckdb.connect(str(analytics)) as con:
        con.execute("comment on column main.dim_child.sex is 'From int_children_resolved.'")
    out = tmp_path / "catalogue.html"
    with pytest.raises(RestrictedNameFound, match="int_children_resolved"):
        write_catalogue(analytics, send_dbt_project.manifest_path, out)
    assert not out.exists()


def test_the_catalogue_opens_offline_and_lists_the_marts(analysts_catalogue, tmp_path):
    from playwright.sync_api import sync_playwright

    from pipelines.publish.assets import MART_MODELS

    path, _, _, _ = analysts_catalogue
    with sync_playwright() as playwright:
        browser = _launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors, requests = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(f"{path.as_uri()}#!/model/model.send.mart_gaps")
        page.wait_for_selector("text=days_outstanding")
        page.screenshot(path=str(tmp_path / "catalogue.png"))
        heading = page.locator("h1").first.inner_text()
        text = page.locator("body").inner_text()
        # the page breaks long names into highlighted pieces: read each link whole
        links = page.eval_on_selector_all(
            "a", "links => links.map(a => a.textContent.replace(/\\s+/g, ''))"
        )
        browser.close()
    assert errors == []
    assert [url for url in requests if not url.startswith("file://")] == []  # fetches nothing
    assert heading.startswith("mart_gaps")
    assert "Row count".upper() in text.upper() and "VARCHAR" in text
    # the model list shows every mart, and nothing of the restricted zone
    assert set(MART_MODELS) <= set(links)
    assert [link for link in links if re.match(r"(?:stg|int)_", link)] == []


# --- the report ---------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
# axe-core from the npm registry (`make test` installs it); WCAG 2.2 AA and everything below
AXE = Path(__file__).resolve().parents[2] / ".cache" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SECTIONS = ("headline", "trends", "overlaps", "gaps", "movement", "data_quality", "methodology")


def _report_files(default_build) -> tuple[Path, Path]:
    _, out, _ = default_build
    html = sorted((out / "reports").glob("send_partnership_report_*.html"))
    workbook = sorted((out / "reports").glob("send_partnership_report_*.xlsx"))
    assert html and workbook, "the report asset wrote no files"
    return html[-1], workbook[-1]


def _workbook_cells(path: Path) -> dict[str, list[list[str]]]:
    import fastexcel

    book = fastexcel.read_excel(str(path))
    sheets = {}
    for name in book.sheet_names:
        frame = book.load_sheet(name, header_row=None).to_polars()
        sheets[name] = [["" if v is None else str(v) for v in row] for row in frame.iter_rows()]
    return sheets


def _launch_chromium(playwright):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )


@pytest.fixture(scope="module")
def browser_page(default_build, tmp_path_factory):
    """The HTML report opened from disk in headless Chromium (Debian's, installed by `make`)."""
    from playwright.sync_api import sync_playwright

    html, _ = _report_files(default_build)
    shots = tmp_path_factory.mktemp("screenshots")
    with sync_playwright() as playwright:
        browser = _launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems, requests = [], []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(html.as_uri())
        page.wait_for_load_state("load")
        page.screenshot(path=str(shots / "report.png"), full_page=True)
        yield page, problems, requests, shots
        browser.close()


def test_the_report_opens_offline_with_every_section_and_chart(browser_page):
    page, problems, requests, shots = browser_page
    assert problems == []  # no console error or page error
    assert [url for url in requests if not url.startswith("file://")] == []  # fetches nothing
    for key in SECTIONS:
        assert page.locator(f"section[data-section={key}]").count() == 1, key
    charts = page.locator("figure[data-chart]")
    assert charts.count() >= 7
    for i in range(charts.count()):
        figure = charts.nth(i)
        assert figure.locator("svg path").count() > 10  # drawn, not an empty frame
        box = figure.locator("svg").bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100
    assert (shots / "report.png").stat().st_size > 50_000


def _open_every_chart_table(page) -> None:
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


def test_each_chart_is_text_with_a_name_a_description_and_its_figures_beside_it(
    default_build, browser_page
):
    """Screen readers and search read each chart: its labels are text, it is an image named by
    its title and described in words, and a table beside it holds exactly the controlled cells
    it plots (the symbol where a cell is hidden)."""
    from pipelines.reports.charts import describe
    from pipelines.reports.content import build_report

    page, *_ = browser_page
    _, out, warehouse = default_build
    rules = _report_rules()
    report = build_report(warehouse / "analytics.duckdb", rules)
    charts = [chart for section in report.sections for chart in section.charts]
    assert page.locator("figure[data-chart]").count() == len(charts)
    hidden = 0
    for chart in charts:
        figure = page.locator(f"figure[data-chart={chart.key}]")
        svg = figure.locator("svg")
        labels = svg.locator("text").all_text_contents()
        # the axis labels are words (a line chart labels every few months)
        assert chart.categories[0] in labels, chart.key
        assert chart.kind == "line" or set(chart.categories) <= set(labels), chart.key
        assert svg.get_attribute("role") == "img"
        named = page.get_by_role("img", name=chart.title)
        assert named.count() == 1 and named.get_attribute("aria-labelledby"), chart.key
        title_id, desc_id = svg.get_attribute("aria-labelledby").split()
        assert page.locator(f"svg title#{title_id}").text_content() == chart.title
        assert page.locator(f"svg desc#{desc_id}").text_content() == describe(chart)
        if chart.kind == "line":  # the latest point of each series, in words
            latest = [cells[-1] for cells in chart.series.values()]
            assert all(c.text in describe(chart) for c in latest if c.text != "–"), chart.key
        table = figure.locator(f"details table[data-chart-table={chart.key}]")
        assert table.locator("caption").text_content().startswith(chart.title)
        assert table.locator("thead th[scope=col]").all_text_contents() == [
            chart.category_name,
            *chart.series,
        ]
        rows = table.locator("tbody tr")
        assert rows.locator("th[scope=row]").all_text_contents() == chart.categories
        shown = [row.locator("td").all_text_contents() for row in rows.all()]
        plotted = [[cells[i].text for cells in chart.series.values()] for i in range(len(shown))]
        assert shown == plotted, chart.key
        hidden += sum(row.count(rules.symbol) for row in shown)
    suppressed = [c for chart in charts for cells in chart.series.values() for c in cells]
    assert hidden == sum(c.suppressed for c in suppressed)
    assert hidden > 0, "the default sample hides some charted cells"


def _table_sheet(sheets: dict[str, list[list[str]]], key: str) -> list[list[str]]:
    """The cells of the sheet that holds the report's table `key`."""
    from pipelines.reports.model import SHEET_NAMES

    return sheets[SHEET_NAMES[key]]


def test_the_html_and_the_workbook_publish_the_same_cells(default_build, browser_page):
    page, *_ = browser_page
    _, workbook = _report_files(default_build)
    sheets = _workbook_cells(workbook)
    # each table's sheet is found by the title it starts with (its name is for reading)
    by_title = {rows[0][0]: rows for name, rows in sheets.items() if name != "About"}
    tables = page.locator("table[data-table]")
    assert tables.count() >= 10
    assert len(by_title) == len(sheets) - 1 == tables.count()  # one sheet per table
    for i in range(tables.count()):
        table = tables.nth(i)
        key = table.get_attribute("data-table")
        html_rows = [
            [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
            for row in table.locator("tbody tr").all()
        ]
        sheet = by_title[page.locator(f"h3#{key}").inner_text().strip()]
        for r, html_row in enumerate(html_rows):
            book_row = sheet[3 + r][: len(html_row)]
            for html_cell, book_cell in zip(html_row, book_row, strict=True):
                if html_cell in ("*", "–", ""):
                    assert book_cell == html_cell, (key, r, html_cell, book_cell)
                else:  # numbers: the same value, written as a number in the workbook
                    plain = html_cell.replace(",", "").replace("£", "").replace("%", "")
                    plain = plain.replace(" days", "")
                    try:
                        assert float(plain) == pytest.approx(
                            float(book_cell.replace(",", "").replace("£", "").replace("%", ""))
                        )
                    except ValueError:  # words, or a date (typed in the workbook)
                        if re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", html_cell):
                            day = datetime.strptime(html_cell, "%d %b %Y").date()
                            assert book_cell.startswith(day.isoformat()), (key, r, book_cell)
                        else:
                            assert html_cell == book_cell, (key, r)


def _report_rules():
    """The disclosure rules as the report applied them: keyed with the tests' key."""
    from pipelines.privacy.pseudonymise import load_key
    from pipelines.reports.disclosure import load_rules

    return load_rules().keyed(load_key())


def _restricted_marts(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """The marts at full detail (exact dates), as the restricted zone holds them: the analysts'
    tier publishes event dates by month, so the marts' logic is checked here."""
    con = open_database(warehouse / "restricted.duckdb", read_only=True)
    con.execute("set schema = 'marts'")
    con.execute("create temp view about as select * from intermediate.int_reporting_dates")
    return con


def test_overlaps_are_told_apart_by_when_they_happened(default_build):
    _, _, warehouse = default_build
    with _restricted_marts(warehouse) as con:
        wrong = con.execute(
            """select count(*) from mart_overlaps cross join about
            where period <> case
                when overlap_type = 'dual_caseload' or period_end is null
                    or period_end >= about.as_at then 'current'
                when period_end > about.as_at - interval 12 month
                    then 'ended in the last 12 months'
                else 'ended earlier' end"""
        ).fetchall()[0][0]
        counts = {
            (kind, period): n
            for kind, period, n in con.execute(
                "select overlap_type, period, count(*) from mart_overlaps group by all"
            ).fetchall()
        }
    assert wrong == 0
    assert {period for _, period in counts} >= {"current", "ended earlier"}
    _, workbook = _report_files(default_build)
    rows = _table_sheet(_workbook_cells(workbook), "overlaps_by_period")[3:]
    rules = _report_rules()
    periods = ("current", "ended in the last 12 months", "ended earlier")
    all_row = next(row for row in rows if row[0] == "All overlaps")
    kinds = [row for row in rows if row[0] != "All overlaps" and len(row) > 4 and row[1]]
    for j, period in enumerate(periods, start=1):
        total = sum(n for (_, p), n in counts.items() if p == period)
        if all_row[j] == rules.symbol:
            continue
        # the sum of the types' rounded counts: within the rounding of each type
        shown = int(all_row[j].replace(",", ""))
        assert shown % 5 == 0 and abs(shown - total) <= 4 * len(kinds), period
        members = [row[j] for row in kinds]
        if rules.symbol not in members:
            assert shown == sum(int(m.replace(",", "")) for m in members), period


def test_each_move_between_the_councils_is_one_row_and_its_gap_follows_from_it(default_build):
    _, _, warehouse = default_build
    with _restricted_marts(warehouse) as con:
        moves, transfer_plans, late_or_missing, gaps = con.execute(
            """select
                (select count(*) from fct_council_moves),
                (select count(*) from fct_ehc_plans where cease_reason = '5'
                    and child_identified and cease_date <= (select as_at from about)),
                (select count(*) from fct_council_moves cross join about
                 where moved_there and taken_on in ('late', 'not yet')
                   and coalesce(receiving_plan_start, about.as_at) > due_date),
                (select count(*) from mart_gaps where gap_type = 'transfer_not_taken_on')"""
        ).fetchone()
        taken_on = dict(
            con.execute(
                "select taken_on, count(*) from fct_council_moves where moved_there group by 1"
            ).fetchall()
        )
    assert moves == transfer_plans > 0
    assert gaps == late_or_missing > 0
    assert taken_on.get("within 6 weeks", 0) > 0 and taken_on.get("late", 0) > 0
    # a move whose receiving plan may be among the rows the contracts kept out is "not known",
    # never a gap (docs/marts.md)


def test_moves_meet_the_receiving_councils_plans_by_hash_not_by_every_pair(default_build):
    """fct_council_moves finds each move's receiving plans among the plans "still running" after
    it. Written as "not ceased or ceased later", that condition made DuckDB compare every move
    with every plan (a nested loop: 7 s at 1,000,000 children, four times that at twice the
    children); as one comparison it pairs them by child and council first. The plan DuckDB
    makes of the model as this run compiled it must hold no nested-loop join."""
    import json

    from pipelines.config import DBT_PROJECT_DIR

    _, _, warehouse = default_build
    macros = DBT_PROJECT_DIR / "macros" / "rules.sql"
    compiled = [
        path
        for path in (DBT_PROJECT_DIR / "target").glob("*/compiled/send/models/marts/*.sql")
        if path.name == "fct_council_moves.sql" and path.stat().st_mtime >= macros.stat().st_mtime
    ]
    assert compiled, "the run compiled fct_council_moves"
    sql = max(compiled, key=lambda path: path.stat().st_mtime).read_text()
    with open_database(warehouse / "restricted.duckdb", read_only=True) as con:
        plan = json.loads(con.execute(f"explain (format json) {sql}").fetchall()[0][1])

    def operators(node):
        yield node["name"]
        for child in node.get("children", []):
            yield from operators(child)

    names = [name for node in plan for name in operators(node)]
    assert "HASH_JOIN" in names
    assert "BLOCKWISE_NL_JOIN" not in names


def test_placements_and_top_up_lines_carry_the_school_phase_and_where_the_child_lives(
    default_build,
):
    from pipelines.config import DBT_PROJECT_DIR

    _, _, warehouse = default_build
    settings = pl.read_csv(
        DBT_PROJECT_DIR / "seeds" / "reference" / "settings.csv", infer_schema=False
    )
    # a college is named by its UKPRN where it has no URN
    phase_of = {
        **dict(zip(settings["ukprn"], settings["phase"], strict=True)),
        **dict(zip(settings["urn"], settings["phase"], strict=True)),
    }
    with duckdb.connect(str(warehouse / "analytics.duckdb"), read_only=True) as con:
        placements = con.execute(
            "select urn, school_phase from fct_placements where urn is not null"
        ).fetchall()
        lines = con.execute(
            "select urn, school_phase, setting_council, council_of_residence, resident_council"
            " from fct_topup_funding left join dim_child using (child_key)"
        ).fetchall()
    assert placements and lines
    # a setting attended by fewer than 5 children is withheld for analysts, its phase is not
    withheld = [p for u, p in placements if u == "withheld"]
    assert withheld and all(withheld)
    for urn, phase in [*placements, *[(u, p) for u, p, *_ in lines]]:
        assert urn == "withheld" or phase == phase_of.get(urn), urn
    assert {p for _, p in placements} >= {"Primary", "Secondary"}
    # the council the child lives in is dim_child's, on every line of an identified child
    assert all(line[3] == line[4] for line in lines)
    assert {line[3] for line in lines} >= {"city", "county"}
    assert {line[2] for line in lines} >= {"city", "county"}


def test_the_part_month_is_marked_and_kept_out_of_the_monthly_flows(default_build):
    from pipelines.reports.content import build_report

    _, out, warehouse = default_build
    report = build_report(warehouse / "analytics.duckdb", _report_rules())
    trends = next(s for s in report.sections if s.key == "trends")
    monthly = next(t for t in trends.tables if t.key == "trends_monthly")
    assert {t.key for t in trends.tables} >= {"trends_timeliness", "trends_caseload"}
    labels = [label for label, _ in monthly.rows]
    assert labels[-1] == "Jan 2025 (to 16 Jan, part month)"
    assert not [label for label in labels[:-1] if "part month" in label]
    charts = {c.key: c for c in trends.charts}
    for key in ("chart_requests", "chart_timeliness"):
        assert charts[key].categories == labels[:-1], key
    # the trend compares pooled periods, not two single months
    assert trends.summary.startswith("In the 12 whole months to December 2024")
    assert "in the 11 months before (February 2023 to December 2023)" in trends.summary


def _axe_violations(page) -> list[str]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs axe-core from npm")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


def test_the_report_meets_wcag_2_2_aa_on_a_desktop_and_a_phone(browser_page):
    page, *_ = browser_page
    _open_every_chart_table(page)  # the charts' tables are checked too
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        page.reload()
        page.wait_for_load_state("load")
        _open_every_chart_table(page)
        assert _axe_violations(page) == []
        # every wide table (the charts' too) scrolls inside its own region, which the keyboard
        # can reach
        wraps = page.locator("div.table-wrap")
        assert page.locator("table[data-chart-table]").count() >= 7
        assert wraps.count() == page.locator("table").count()
        for i in range(wraps.count()):
            assert wraps.nth(i).get_attribute("tabindex") == "0"
            assert wraps.nth(i).get_attribute("role") == "region"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no page sideways
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.reload()
        page.wait_for_load_state("load")


def test_every_table_fits_an_a4_page_when_printed(browser_page, tmp_path):
    page, *_ = browser_page
    # A4 is 210 mm wide; the print style's margins are 12 mm: 186 mm of 96-dpi pixels
    width = round((210 - 2 * 12) / 25.4 * 96)
    page.set_viewport_size({"width": width, "height": 1100})
    page.emulate_media(media="print")
    _open_every_chart_table(page)  # a reader may print with a chart's figures open
    try:
        overflowing = page.evaluate(
            """(width) => [...document.querySelectorAll('table')]
                .filter(t => t.getBoundingClientRect().right > width + 1)
                .map(t => (t.dataset.table || t.dataset.chartTable) + ' '
                          + Math.round(t.getBoundingClientRect().width))""",
            width,
        )
        assert overflowing == []
        assert page.locator("table[data-chart-table]").first.is_visible()
        pdf = tmp_path / "report.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
        assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 100_000
    finally:
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.reload()
        page.wait_for_load_state("load")


def _last_columns_not_drawn(page, width: int) -> list[str]:
    """Tables whose last column does not show in a screenshot: each table's region is scrolled
    to its right-hand end (as a reader on a phone would), its last header cell brought into
    view and photographed; the cell must lie inside the page width and hold dark text."""
    from io import BytesIO

    from PIL import Image

    missing = []
    tables = page.locator("table")
    for i in range(tables.count()):
        table = tables.nth(i)
        name = table.get_attribute("data-table") or table.get_attribute("data-chart-table")
        cell = table.locator("thead tr").last.locator("th").last
        table.evaluate("t => { const w = t.closest('.table-wrap'); w.scrollLeft = w.scrollWidth }")
        cell.scroll_into_view_if_needed()
        box = cell.bounding_box()
        # where the cell lies on the page (a page scrolled sideways does not count as showing it)
        left = box["x"] + page.evaluate("window.scrollX") if box else -1
        if left < 0 or left + box["width"] > width + 1:
            missing.append(f"{name}: last column outside the page ({box})")
            continue
        shot = Image.open(BytesIO(cell.screenshot())).convert("L")
        if shot.getextrema()[0] > 110:  # no dark pixel: the header's text is not drawn
            missing.append(f"{name}: last column's header not drawn")
    return missing


def test_every_column_shows_on_a_phone_and_on_a4_paper(browser_page):
    page, *_ = browser_page
    # A4 is 210 mm wide; the print style's margins are 12 mm: 186 mm of 96-dpi pixels
    a4 = round((210 - 2 * 12) / 25.4 * 96)
    try:
        for width, media in ((390, "screen"), (a4, "print")):
            page.set_viewport_size({"width": width, "height": 900})
            page.emulate_media(media=media)
            page.reload()
            page.wait_for_load_state("load")
            _open_every_chart_table(page)
            assert page.locator("table").count() >= 24
            assert _last_columns_not_drawn(page, width) == [], media
    finally:
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.reload()
        page.wait_for_load_state("load")


def test_the_report_says_the_data_are_synthetic_and_old_before_any_figure(browser_page):
    page, *_ = browser_page
    banners = page.locator("[data-banner]")
    assert banners.count() == 2
    texts = banners.all_inner_texts()
    assert "Synthetic data" in texts[0] and "Out of date" in texts[1]
    # above the first section, where a reader starts
    first_section = page.locator("section").first.bounding_box()
    assert banners.nth(1).bounding_box()["y"] < first_section["y"]


def test_the_workbook_carries_the_same_warnings(default_build):
    _, workbook = _report_files(default_build)
    about = [row[0] for row in _workbook_cells(workbook)["About"]]
    assert any(text.startswith("Warning. Synthetic data") for text in about)
    assert any(text.startswith("Warning. Out of date") for text in about)


def test_the_about_sheet_lists_every_sheet_with_what_it_holds(default_build):
    import openpyxl

    _, workbook = _report_files(default_build)
    book = openpyxl.load_workbook(workbook)
    about = [row[0].value or "" for row in book["About"].iter_rows()]
    start = about.index("Sheets in this workbook") + 1
    listed = dict(line.split(": ", 1) for line in about[start : start + len(book.sheetnames)])
    assert list(listed) == book.sheetnames
    for name in book.sheetnames[1:]:
        assert listed[name] == book[name]["A1"].value, name  # the table's title


def test_the_report_reconciles_plans_with_the_children_who_hold_them(default_build):
    """The headline table shows why the councils' plans and the children differ: each row is the
    rounded mart figure (or suppressed), and double counting is only what really is."""
    from pipelines.reports.disclosure import rounded

    _, _, warehouse = default_build
    _, workbook = _report_files(default_build)
    rows = {
        row[0]: row[1:4] for row in _table_sheet(_workbook_cells(workbook), "headline_plans")[3:]
    }
    measures = {
        "Plans in force (the councils' counts)": "plans_in_force",
        "Children with a plan, each counted once": "children_with_plan_deduplicated",
        "Plans of a child who holds another plan in force (counted twice)": (
            "plans_in_force_child_counted_again"
        ),
        "Plans whose child cannot be identified": "plans_in_force_child_unidentified",
    }
    assert set(measures) <= set(rows), sorted(rows)
    with duckdb.connect(str(warehouse / "analytics.duckdb"), read_only=True) as con:
        kpi = {
            (area, measure): int(value)
            for area, measure, value in con.execute(
                "select area, measure, value from mart_kpis "
                "where month = (select max(month) from mart_kpis) and measure in (?, ?, ?, ?)",
                list(measures.values()),
            ).fetchall()
        }
    rules = _report_rules()
    published = {}
    for label, measure in measures.items():
        for area, cell in zip(("city", "county", "partnership"), rows[label], strict=True):
            if cell in (rules.symbol, ""):
                continue
            published[label, area] = value = int(cell.replace(",", ""))
            if (label, area) == ("Plans in force (the councils' counts)", "partnership"):
                continue  # a total, below
            if (label, area) == ("Children with a plan, each counted once", "partnership"):
                continue  # the breakdown's largest figure, made to add up (below)
            assert value == rounded(kpi[(area, measure)], rules), (label, area)
    # every headline cell is published: plans and children everywhere, the rest for the partnership
    assert len(published) == 8
    # the published figures add up: city + county = partnership, and the partnership's plans =
    # children once + counted twice + unidentified; each within the rounding of its parts
    plans, once = (published[label, "partnership"] for label in list(measures)[:2])
    councils = ("city", "county")
    assert plans == sum(published["Plans in force (the councils' counts)", a] for a in councils)
    assert plans == once + sum(published[label, "partnership"] for label in list(measures)[2:])
    assert abs(plans - kpi["partnership", "plans_in_force"]) <= 8
    assert abs(once - kpi["partnership", "children_with_plan_deduplicated"]) <= 8 + 8


def test_no_hidden_or_rounded_figure_of_the_report_can_be_worked_out(default_build, tmp_path):
    """An intruder's attack over the whole published workbook (bench/disclosure_attack.py,
    written from the report alone): every count the report shows, hides or puts behind a
    percentage is bounded by everything published, across tables, percentages and bases
    included, and none is pinned to fewer than three values. The same attack on the report
    made with the NHS rule as written (nearest 5, totals and percentages of the unrounded
    counts) pins many, so the attack has teeth."""
    from dataclasses import replace

    from pipelines.reports.content import build_report
    from pipelines.reports.render import write_workbook

    sys.path.insert(0, str(REPO_ROOT / "bench"))
    from disclosure_attack import attack

    _, workbook = _report_files(default_build)
    findings, attacked = attack(workbook)
    assert attacked > 500
    assert findings == [], findings[:10]

    _, out, warehouse = default_build
    nearest = build_report(
        warehouse / "analytics.duckdb", replace(_report_rules(), rounding="nearest")
    )
    findings, _ = attack(write_workbook(nearest, tmp_path / "nearest.xlsx"))
    assert len(findings) > 50
    assert any(f.shown_as == "behind a percentage" for f in findings)
    assert any(f.low == f.high for f in findings)


def test_open_gaps_are_hidden_only_where_the_rules_leave_no_choice(default_build):
    """Each hidden cell of the gaps table is a small count (1 to 7), or the one more cell its
    row must hide so that a small count beside it cannot be worked out from the row's total;
    every other statutory count is published."""
    from pipelines.reports.disclosure import is_small, rounded
    from pipelines.reports.sections.common import gap_labels

    _, _, warehouse = default_build
    with duckdb.connect(str(warehouse / "analytics.duckdb"), read_only=True) as con:
        found = {
            (kind, org): n
            for kind, org, n in con.execute(
                "select gap_type, organisation, count(*) from mart_gaps where status = 'open' "
                "group by all"
            ).fetchall()
        }
        labels, _ = gap_labels(con)
    # the labels name the clocks as ref_clocks holds them
    assert labels["request_no_decision"] == "Request with no decision after 6 weeks"
    assert labels["annual_review_overdue"] == "Annual review more than 12 months ago"
    _, workbook = _report_files(default_build)
    rows = {row[0]: row[1:5] for row in _table_sheet(_workbook_cells(workbook), "gaps_by_type")[3:]}
    rules = _report_rules()
    reasons = []
    for kind, label in labels.items():
        counts = [found.get((kind, org), 0) for org in ("city", "county", "icb")]
        counts.append(sum(counts))
        small_in_row = any(is_small(n, rules) for n in counts)
        for i, (n, cell) in enumerate(zip(counts, rows[label], strict=True)):
            if cell == rules.symbol:
                reason = "small" if is_small(n, rules) else "complement"
                assert reason == "small" or small_in_row, (label, n)
                reasons.append((label, n, reason))
            elif i < 3:
                assert float(cell) == rounded(n, rules), (label, n, cell)
            else:  # "All": the sum of the organisations' rounded counts
                assert float(cell) % 5 == 0 and abs(float(cell) - n) <= 12, (label, n, cell)
                if rules.symbol not in rows[label][:3]:
                    assert float(cell) == sum(float(c) for c in rows[label][:3]), label
    # on the default sample: the transfers row alone (3 in each council)
    assert {label for label, _, _ in reasons} <= {labels["transfer_not_taken_on"]}, reasons


def test_the_workbook_holds_typed_numbers_analysts_can_work_with(default_build):
    import openpyxl

    _, workbook = _report_files(default_build)
    book = openpyxl.load_workbook(workbook)
    numbers = percentages = 0
    assert book.sheetnames[0] == "About"
    # every other sheet is one of the report's tables: its readable name, its title first
    from pipelines.reports.model import SHEET_NAMES

    # (the first delivery has nothing to compare with: no "since the last delivery" table)
    assert set(book.sheetnames[1:]) == set(SHEET_NAMES.values()) - {"Since the last delivery"}
    for sheet in book.worksheets[1:]:
        assert sheet.freeze_panes == "B4", sheet.title  # header row and labels stay in view
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A3:"), sheet.title
        last_row = int(sheet.auto_filter.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        for row in sheet.iter_rows(min_row=4, max_row=last_row, min_col=2):
            for cell in row:
                if cell.value in (None, "", "*", "–"):
                    continue
                if isinstance(cell.value, datetime):
                    continue  # a date, typed
                assert isinstance(cell.value, int | float), (sheet.title, cell.coordinate)
                numbers += 1
                percentages += cell.number_format == '0.0"%"'
    assert numbers > 500 and percentages > 50


def _libreoffice_csv(workbook: Path, tmp_path: Path) -> Path:
    """Every sheet of the workbook as LibreOffice Calc (headless) reads it, one CSV each."""
    return libreoffice_convert(workbook, tmp_path, CSV_EVERY_SHEET)


def test_libreoffice_opens_the_workbook_and_reads_the_same_numbers(default_build, tmp_path):
    """A spreadsheet program other than Excel (LibreOffice Calc, headless) opens every sheet and
    reads every number, word and date the workbook holds as written."""
    import csv

    import openpyxl

    _, workbook = _report_files(default_build)
    out = _libreoffice_csv(workbook, tmp_path)
    book = openpyxl.load_workbook(workbook)
    numbers = 0
    for sheet in book.worksheets:
        path = out / f"{workbook.stem}-{sheet.title}.csv"
        assert path.exists(), (sheet.title, sorted(p.name for p in out.iterdir()))
        with path.open(encoding="utf-8", newline="") as f:
            read = list(csv.reader(f))
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                text = read[cell.row - 1][cell.column - 1]
                where = (sheet.title, cell.coordinate, cell.value, text)
                if isinstance(cell.value, datetime):  # a new profile's locale is en-US
                    assert datetime.strptime(text, "%m/%d/%Y") == cell.value, where
                elif isinstance(cell.value, int | float):
                    assert float(text) == pytest.approx(cell.value, rel=1e-12), where
                    numbers += 1
                else:
                    assert text == cell.value, where
    assert len(book.worksheets) > 10 and numbers > 500


def test_the_report_and_workbook_name_no_child(default_build):
    import re

    from schemas.identifiers import nhs_number_is_valid, postcode_is_valid, upn_is_valid

    _, _, warehouse = default_build
    html, workbook = _report_files(default_build)
    text = html.read_text()
    text += "\n".join(
        cell for rows in _workbook_cells(workbook).values() for row in rows for cell in row
    )
    with open_database(warehouse / "restricted.duckdb", read_only=True) as con:
        keys = {
            k
            for (k,) in con.execute(
                "select child_key from linkage.int_child_key_crosswalk"
            ).fetchall()
        }
        people = con.execute(
            "select forename, surname from linkage.int_person_records_unioned"
        ).fetchall()
    assert not keys & set(re.findall(r"C[0-9a-f]{16}", text))
    assert not [t for t in re.findall(r"\b[A-Z][0-9]{11}[0-9A-Z]\b", text) if upn_is_valid(t)]
    assert not [t for t in re.findall(r"\b[0-9]{10}\b", text) if nhs_number_is_valid(t)]
    assert not [
        t
        for t in re.findall(r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b", text)
        if postcode_is_valid(t)
    ]
    # No child's full name; and a child's first or last name only where it is an ordinary word
    # of the report's own text (written in the source, not taken from any record).
    lowered = text.lower()
    assert not [f"{f} {s}" for f, s in people if f and s and f"{f} {s}".lower() in lowered]
    import calendar

    source = "".join(
        p.read_text() for p in Path("pipelines/reports").rglob("*") if p.suffix in (".py", ".j2")
    ).lower()
    source += " ".join(calendar.month_name[1:] + calendar.month_abbr[1:]).lower()  # dates
    names = {n.lower() for pair in people for n in pair if n}
    words = set(re.findall(r"[a-z]+", lowered))
    assert {w for w in words & names if w not in source} == set()


def test_the_report_asset_links_the_latest_report(default_build):
    result, out, _ = default_build
    materialization = result.asset_materializations_for_node("reports__partnership_report")[0]
    latest = materialization.metadata["latest_report"].value
    html, _ = _report_files(default_build)
    assert latest == str(html.resolve())  # a path to copy: browsers block file:// links
    assert isinstance(materialization.metadata["latest_report"], dg.PathMetadataValue)
    assert materialization.metadata["cells_suppressed"].value > 0


def test_each_supplier_gets_a_data_quality_return_of_its_own_rows_only(default_build, tmp_path):
    """After the run each organisation has a workbook in the restricted zone listing every row of
    its current extracts the contracts kept out or corrected (file, row, column, value, rule in
    words, how to fix), nothing of the others'; a value that looks like a formula stays text, in
    openpyxl and in LibreOffice (headless)."""
    import csv
    import shutil

    import openpyxl

    from pipelines.ingest.returns import write_return

    _, out, warehouse = default_build
    counts = {}
    with open_database(warehouse / "restricted.duckdb", read_only=True) as con:
        for source in ("city", "county", "icb"):
            counts[source] = con.execute(
                "select severity, count(*) from audit.current_quarantine where source = ? "
                "group by all",
                [source],
            ).fetchall()
    for source in ("city", "county", "icb"):
        books = sorted((warehouse / "returns").glob(f"{source}_data_quality_return_*.xlsx"))
        assert len(books) == 1, source
        book = openpyxl.load_workbook(books[0])
        assert book.sheetnames == ["Summary", "Rows kept out", "Identifiers blanked"]
        own = {p.name for p in (out / "landing" / source).iterdir()}
        for sheet, severity in (("Rows kept out", "error"), ("Identifiers blanked", "warning")):
            rows = list(book[sheet].iter_rows(min_row=2, values_only=True))
            assert len(rows) == dict(counts[source]).get(severity, 0) > 0, (source, sheet)
            assert {r[0] for r in rows} <= own, (source, sheet)  # its own files only
            assert all(isinstance(r[2], int) and r[5] and r[8] for r in rows)  # row, rule, fix

    # a formula-looking value in a delivered file stays text
    restricted = tmp_path / "restricted.duckdb"
    shutil.copy(warehouse / "restricted.duckdb", restricted)
    planted = '=HYPERLINK("http://example.org","click")'
    with open_database(restricted) as con:
        con.execute(
            """insert into audit.quarantine
            select load_id, source, table_name, file_path, 99999, 'PersonName', ?, 'required',
                'planted', 'error', null
            from audit.current_loads where table_name = 'city_person'""",
            [planted],
        )
    path, _ = write_return(restricted, "city", tmp_path / "returns")
    cell = next(
        c
        for row in openpyxl.load_workbook(path)["Rows kept out"].iter_rows()
        for c in row
        if c.value == planted
    )
    assert cell.data_type == "s"
    out = _libreoffice_csv(path, tmp_path)
    with (out / f"{path.stem}-Rows kept out.csv").open(encoding="utf-8") as f:
        values = [v for row in csv.reader(f) for v in row]
    assert planted in values and "click" not in values
