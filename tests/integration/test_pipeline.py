"""The whole graph, materialised for real on a small generated delivery."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from pipelines.ingest.catalogue import SOURCE_TABLES
from pipelines.privacy.storage import open_database

pytestmark = pytest.mark.integration

# staging model ← raw table, for the tables staged one row per delivered row
STAGED_FROM = {
    "stg_city__persons": "city_person",
    "stg_city__requests": "city_requests",
    "stg_city__assessments": "city_assessment",
    "stg_city__named_plans": "city_namedplan",
    "stg_city__active_plans": "city_activeplans",
    "stg_city__sen_needs": "city_senneed",
    "stg_city__sen_support_pupils": "city_sen_support",
    "stg_city__topup_funding_lines": "city_topup_funding",
    "stg_county__persons": "county_clients",
    "stg_county__requests": "county_requests",
    "stg_county__named_plans": "county_plans",
    "stg_county__sen_needs": "county_needs",
    "stg_county__annual_reviews": "county_reviews",
    "stg_county__sen_support_pupils": "county_sen_support",
    "stg_icb__persons": "icb_patients",
    "stg_icb__referrals": "icb_referrals",
    "stg_icb__care_contacts": "icb_care_contacts",
}


def _materialise(
    landing: Path, warehouse: Path, selection: dg.AssetSelection | None = None
) -> dg.ExecuteInProcessResult:
    """Every asset, or those of `selection`."""
    from pipelines.definitions import defs
    from pipelines.project import SendDbtCli, send_dbt_project
    from pipelines.resources import WarehouseResource

    assets = [*defs.assets, *defs.asset_checks]
    return dg.materialize(
        assets,
        selection=selection,
        resources={
            "warehouse": WarehouseResource(landing_dir=str(landing), warehouse_dir=str(warehouse)),
            "dbt": SendDbtCli(project_dir=send_dbt_project),
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


@pytest.fixture(scope="module")
def built(sample, tmp_path_factory):
    from pipelines.project import prepare_manifest

    prepare_manifest()
    warehouse = tmp_path_factory.mktemp("warehouse")
    result = _materialise(sample / "landing", warehouse)
    return result, warehouse / "restricted.duckdb"


def _scalar(db: Path, sql: str):
    with open_database(db, read_only=True) as con:
        return con.execute(sql).fetchone()[0]


def test_full_graph_materialises(built):
    result, db = built
    failures = [e.step_key for e in result.get_step_failure_events()]
    assert result.success, f"failed steps: {failures}"
    assert _scalar(db, "select count(*) from audit.current_loads") == len(SOURCE_TABLES)


def test_every_raw_table_and_quarantine_check_is_reported(built):
    result, _ = built
    evaluated = {
        evaluation.asset_key.path[-1]
        for evaluation in result.get_asset_check_evaluations()
        if evaluation.check_name == "quarantine_rate"
    }
    assert evaluated == {spec.table for spec in SOURCE_TABLES}


@pytest.mark.parametrize(("model", "raw_table"), sorted(STAGED_FROM.items()))
def test_staging_row_counts_match_the_generator_truth(built, sample, model, raw_table):
    _, db = built
    truth = pl.read_parquet(sample / "truth" / "record_truth.parquet")
    delivered = truth.filter(pl.col("table") == raw_table).height
    quarantined = _scalar(
        db,
        f"select count(distinct source_row) from audit.current_quarantine "
        f"where table_name = '{raw_table}' and severity = 'error'",
    )
    staged = _scalar(db, f"select count(*) from staging.{model}")
    assert staged == delivered - quarantined
    assert staged > 0


def test_a_broken_source_does_not_block_the_others(sample, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(sample / "landing", landing)
    workbook = next((landing / "county").glob("EHC_Casework_*.xlsx"))
    workbook.write_bytes(b"not a workbook")
    result = _materialise(landing, tmp_path / "warehouse")
    failed = {e.step_key for e in result.get_step_failure_events()}
    assert failed and all(key.startswith("raw__county_") for key in failed), failed
    db = tmp_path / "warehouse" / "restricted.duckdb"
    assert _scalar(db, "select count(*) from staging.stg_city__persons") > 0
    assert _scalar(db, "select count(*) from staging.stg_icb__persons") > 0
    assert _scalar(db, "select count(*) from raw.county_sen_support") > 0
    message = _scalar(db, "select message from audit.file_loads where status = 'failed' limit 1")
    assert workbook.name in message


def test_every_planted_invalid_value_is_caught_and_nothing_else(built, sample):
    """Recall and precision of the contracts against the generator's deliberately bad rows."""
    import json

    from schemas import contract_columns

    _, db = built
    planted = pl.read_parquet(sample / "truth" / "planted_invalid_rows.parquet")
    assert planted.height > 0
    with open_database(db, read_only=True) as con:
        issues = con.execute(
            "select table_name, source_row, column_name, severity, raw_row "
            "from audit.current_quarantine"
        ).fetchall()
        quarantined = {
            (table, json.loads(raw)[contract_columns(table)[0]])
            for table, _, _, severity, raw in issues
            if severity == "error"
        }
        warned = {(table, row, column) for table, row, column, severity, _ in issues}
        for row in planted.iter_rows(named=True):
            table, record_id = row["table"], row["source_record_id"]
            if (table, record_id) in quarantined:
                continue
            # kept with the bad value nulled: a warning names the row and column
            id_column = contract_columns(table)[0]
            loaded = con.execute(
                f'select _source_row from raw."{table}" where "{id_column}" = ?', [record_id]
            ).fetchone()
            assert loaded is not None, f"{table} {record_id} was neither loaded nor quarantined"
            assert (table, loaded[0], row["column"]) in warned, row
    planted_keys = {(r["table"], r["source_record_id"]) for r in planted.iter_rows(named=True)}
    assert quarantined <= planted_keys  # no valid row quarantined


def _crosswalk(db: Path) -> dict[str, str]:
    with open_database(db, read_only=True) as con:
        return dict(
            con.execute(
                "select record_id, child_key from linkage.int_child_key_crosswalk"
            ).fetchall()
        )


def test_every_person_record_maps_to_exactly_one_child(built):
    _, db = built
    records = _scalar(db, "select count(*) from linkage.int_person_records_unioned")
    assert len(_crosswalk(db)) == records > 0
    assert _scalar(db, "select count(*) from linkage.int_children_resolved") == _scalar(
        db, "select count(distinct child_key) from linkage.int_child_key_crosswalk"
    )


def test_a_person_with_a_bad_identifying_field_keeps_their_case_records(built, sample):
    """A person or client row with a planted blank name, impossible birth date or unknown sex is
    kept with that value nulled: its requests still reach a child, and the child its record is
    linked to is the one the same true child's other records reach."""
    from schemas import identifying_columns

    _, db = built
    truth = sample / "truth"
    planted = pl.read_parquet(truth / "planted_invalid_rows.parquet")
    faulty = [
        (row["table"], row["source_record_id"])
        for row in planted.iter_rows(named=True)
        if row["table"] in ("city_person", "county_clients")
        and row["column"] in identifying_columns(row["table"])
    ]
    assert faulty
    with open_database(db, read_only=True) as con:
        con.execute(
            f"""create temp table keyed as
            select t."table", t.source_record_id, t.true_child_id, c.child_key
            from read_parquet('{truth / "record_truth.parquet"}') t
            join linkage.int_person_records_unioned p
              on p.source_table = t."table" and p.source_record_id = t.source_record_id
            join linkage.int_child_key_crosswalk c using (record_id)"""
        )
        for table, record_id in faulty:
            found = con.execute(
                """select child_key, true_child_id from keyed
                where "table" = ? and source_record_id = ?""",
                [table, record_id],
            ).fetchone()
            assert found is not None, (table, record_id)
            child_key, true_child = found
            usual = con.execute(
                """select mode(child_key) from keyed
                where true_child_id = ? and not ("table" = ? and source_record_id = ?)""",
                [true_child, table, record_id],
            ).fetchone()[0]
            assert usual is None or usual == child_key, (table, record_id)
            council = "city" if table == "city_person" else "county"
            unkeyed = con.execute(
                f"""select count(*) from intermediate.int_ehc_requests_unioned r
                join staging.stg_{council}__requests s using (request_id)
                join staging.stg_{council}__persons p using (person_record_id)
                where p.source_record_id = ? and r.child_key is null""",
                [record_id],
            ).fetchone()[0]
            assert unkeyed == 0, (table, record_id)


def test_linkage_quality_check_reports_scores_against_truth(built):
    result, _ = built
    (evaluation,) = [
        e for e in result.get_asset_check_evaluations() if e.check_name == "linkage_quality"
    ]
    metadata = {k: v.value for k, v in evaluation.metadata.items()}
    assert metadata["true_pairs"] > 0
    assert 0.98 <= metadata["f1"] <= 1.0  # measured, not assumed: the check reports the figure
    assert metadata["review_queue_pairs"] >= 0


def test_cli_link_gives_the_pipelines_keys_for_the_same_records(built, tmp_path):
    from typer.testing import CliRunner

    from pipelines.cli import app

    _, db = built
    persons = tmp_path / "persons.parquet"
    with open_database(db, read_only=True) as con:
        con.execute(
            "copy (select record_id, source, forename, surname, dob, sex, postcode, upn, "
            f"nhs_number from linkage.int_person_records_unioned) to '{persons}' (format parquet)"
        )
    out = tmp_path / "keys.csv"
    result = CliRunner().invoke(app, ["link", str(persons), "--out", str(out)])
    assert result.exit_code == 0, result.output
    cli_keys = dict(pl.read_csv(out).select("record_id", "child_key").iter_rows())
    assert cli_keys == _crosswalk(db)


# Identity resolution, from the person records to the crosswalk (no marts, no publishing).
IDENTITY = dg.AssetSelection.assets(
    *(
        dg.AssetKey(["linkage", name])
        for name in (
            "int_person_records_unioned",
            "int_identity_resolution",
            "int_child_key_crosswalk",
        )
    )
)


def test_rerun_keeps_every_key_and_loads_nothing_twice(built, sample):
    _, db = built
    before = _crosswalk(db)
    loads_before = _scalar(db, "select count(*) from audit.file_loads")
    # every extract offered again, and identity resolution run again
    result = _materialise(
        sample / "landing", db.parent, dg.AssetSelection.key_prefixes("raw") | IDENTITY
    )
    assert result.success
    assert _crosswalk(db) == before
    assert _scalar(db, "select count(*) from audit.file_loads") == loads_before
    modes = _scalar(db, "select list(mode order by run_at) from linkage.int_identity_resolution")
    assert modes == ["full", "incremental"]
    # nothing left behind in the restricted zone by either run (dbt-duckdb leaves the rows an
    # incremental Python model returned in a table of their own: on-run-end drops it)
    assert not _scalar(
        db, "select list(table_name) from duckdb_tables() where table_name like '%dbt_tmp%'"
    )


def test_a_new_delivery_links_incrementally_and_keeps_existing_keys(built, sample, tmp_path):
    """A later ICB extract with new patients: old records keep their keys unless a merge or split
    says otherwise, and the new patients join existing children where they belong."""
    landing = tmp_path / "landing"
    shutil.copytree(sample / "landing", landing)
    warehouse = tmp_path / "warehouse"
    shutil.copytree(built[1].parent, warehouse)  # the first delivery, built and linked
    db = warehouse / "restricted.duckdb"
    before = _crosswalk(db)

    # next month's patients extract: everything delivered before plus copies of 5% of the
    # patients under new local ids (a second provider system registering the same children)
    patients = next((landing / "icb").glob("CSDS_CYP001_patients_*.csv"))
    frame = pl.read_csv(patients, infer_schema=False)
    extra = frame.sample(fraction=0.05, seed=3).with_columns(
        ("NEW" + pl.col("LocalPatientID")).alias("LocalPatientID")
    )
    pl.concat([frame, extra]).write_csv(patients.with_name("CSDS_CYP001_patients_20250216.csv"))
    new_patients = dg.AssetSelection.assets(
        dg.AssetKey(["raw", "icb_patients"]), dg.AssetKey(["staging", "stg_icb__persons"])
    )
    assert _materialise(landing, warehouse, new_patients | IDENTITY).success

    after = _crosswalk(db)
    assert set(before) < set(after)
    with open_database(db, read_only=True) as con:
        moved_keys = {
            k for (k,) in con.execute("select old_key from identity.key_history").fetchall()
        }
        mode = con.execute(
            "select mode, new_records from linkage.int_identity_resolution order by run_at desc"
        ).fetchone()
    changed = {r for r, key in before.items() if after[r] != key}
    assert all(before[r] in moved_keys for r in changed)  # only by a recorded merge or split
    assert len(changed) <= 0.01 * len(before)
    assert mode == ("incremental", extra.height)
    # each copy joins the child of the patient it copies
    joined = sum(
        after[f"icb:person:NEW{pid}"] == after[f"icb:person:{pid}"]
        for pid in extra["LocalPatientID"].str.slice(3).to_list()
    )
    assert joined >= 0.98 * extra.height


def test_dbt_parses_the_project_in_full_once_per_warehouse(tmp_path):
    """dbt re-parses every file when the profile differs from its saved parse's, and the
    profile names the warehouse: each warehouse keeps its own parse, so only its first dbt
    invocation parses in full."""
    from pipelines.config import Settings, dbt_environment
    from pipelines.project import SendDbtCli, prepare_manifest, reused_parse, send_dbt_project

    prepare_manifest()
    settings = Settings(landing_dir=tmp_path, warehouse_dir=tmp_path, key_file=tmp_path / "k")
    logs = []
    for _ in range(2):
        with dbt_environment(settings), reused_parse(settings.restricted_db, "parse") as target:
            SendDbtCli(project_dir=send_dbt_project).cli(["parse"], target_path=target).wait()
        logs.append((target / "dbt.log").read_text())
        shutil.rmtree(target)
    assert "Unable to do partial parsing because profile has changed" in logs[0]
    assert "Unable to do partial parsing" not in logs[1]
    assert '"name": "PartialParsingEnabled"' in logs[1]


def test_the_warehouse_builds_within_duckdbs_configured_memory(tmp_path):
    """dbt's DuckDB (identity resolution runs in it) takes its memory limit from the settings,
    as the publish step does (docs/deployment.md: a 2,000,000-child run within 4.4 GB)."""
    from pipelines.config import Settings, dbt_environment
    from pipelines.project import SendDbtCli, prepare_manifest, reused_parse, send_dbt_project

    prepare_manifest()
    settings = Settings(
        landing_dir=tmp_path,
        warehouse_dir=tmp_path,
        key_file=tmp_path / "k",
        duckdb_memory_limit="1536MB",
    )
    query = "select current_setting('memory_limit') as memory_limit"
    with dbt_environment(settings), reused_parse(settings.restricted_db, "show") as target:
        shown = SendDbtCli(project_dir=send_dbt_project).cli(
            ["show", "--inline", query, "--output", "json"], target_path=target
        )
        shown.wait()
        log = (target / "dbt.log").read_text()
    assert "1.4 GiB" in log  # DuckDB's way of writing 1536 MB


def _landing_values(landing: Path, per_kind: int = 100) -> dict[str, list[str]]:
    """Names, NHS numbers, UPNs and postcodes as the city's and the ICB's extracts deliver them."""
    city = pl.read_csv(next((landing / "city").glob("*_person.csv")), infer_schema=False)
    icb = pl.read_csv(next((landing / "icb").glob("*_patients_*.csv")), infer_schema=False)

    def some(values: pl.Series) -> list[str]:
        kept = values.drop_nulls().unique(maintain_order=True)
        return kept.filter(kept.str.len_chars() >= 6).head(per_kind).to_list()

    postcodes = some(pl.concat([city["postcode"], icb["Postcode"]]))
    return {
        "surname": some(pl.concat([city["surname"], icb["Surname"]])),
        "nhs_number": some(icb["NHSNumber"]),
        "upn": some(city["upn"]),
        "postcode": postcodes + [p.replace(" ", "") for p in postcodes],
    }


def test_the_restricted_zone_is_encrypted_at_rest(sample, built):
    """restricted.duckdb does not open without the storage key, and no name, NHS number, UPN
    or postcode of the landing files is readable as bytes in any file the run wrote."""
    import duckdb

    _, db = built
    with pytest.raises(duckdb.Error, match="without a key"):
        duckdb.connect(str(db), read_only=True)
    assert _scalar(db, "select count(*) from raw.city_person") > 0  # with the key it opens
    values = _landing_values(sample / "landing")
    assert all(len(found) >= 20 for found in values.values())
    files = [p for p in db.parent.rglob("*") if p.is_file()]
    assert db in files and any(p.suffix == ".xlsx" for p in files)  # the suppliers' returns too
    readable = {
        (kind, value, path.name)
        for path in files
        for data in [path.read_bytes()]
        for kind, found in values.items()
        for value in found
        if value.encode() in data
    }
    assert not readable, sorted(readable)[:10]
