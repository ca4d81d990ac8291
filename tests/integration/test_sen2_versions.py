"""The city's Blade export in every SEN2 spec version, and its header module checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from pipelines.ingest.catalogue import BY_TABLE
from pipelines.ingest.load import ingest_table
from pipelines.ingest.sen2_header import MODULES, check_header
from pipelines.privacy.storage import open_database
from tests.conftest import SAMPLE_CHILDREN, SAMPLE_SEED

pytestmark = pytest.mark.integration


def _city_staging(landing: Path, warehouse: Path) -> dg.ExecuteInProcessResult:
    """The city's raw tables, the header check and the city's staging models, for real."""
    from pipelines.definitions import defs
    from pipelines.project import SendDbtCli, send_dbt_project
    from pipelines.resources import WarehouseResource

    selection = (
        dg.AssetSelection.assets(
            *(
                dg.AssetKey(["raw", spec.table])
                for spec in BY_TABLE.values()
                if spec.source == "city"
            )
        )
        | dg.AssetSelection.key_prefixes(["reference"])
        | dg.AssetSelection.groups("city_staging")
    )
    return dg.materialize(
        [*defs.assets, *defs.asset_checks],
        selection=selection,
        resources={
            "warehouse": WarehouseResource(landing_dir=str(landing), warehouse_dir=str(warehouse)),
            "dbt": SendDbtCli(project_dir=send_dbt_project),
        },
        instance=dg.DagsterInstance.ephemeral(),
    )


def _staged(warehouse: Path) -> dict[str, int]:
    with open_database(warehouse / "restricted.duckdb", read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'staging' and table_name like 'stg_city%' order by 1"
        ).fetchall()
        return {
            t: con.execute(f"select count(*) from staging.{t}").fetchone()[0] for (t,) in tables
        }


def _versions(warehouse: Path) -> dict[str, str]:
    with open_database(warehouse / "restricted.duckdb", read_only=True) as con:
        return dict(
            con.execute(
                "select table_name, spec_version from audit.current_loads where source = 'city'"
            ).fetchall()
        )


def _header_check(result: dg.ExecuteInProcessResult) -> dg.AssetCheckEvaluation:
    (evaluation,) = [
        e for e in result.get_asset_check_evaluations() if e.check_name == "sen2_header"
    ]
    return evaluation


def test_a_v1_1_and_a_v1_3_export_of_the_same_children_stage_alike(sample, tmp_path):
    from pipelines.project import prepare_manifest
    from pipelines.synthetic import generate

    prepare_manifest()
    old = tmp_path / "v1.1"
    generate(children=SAMPLE_CHILDREN, seed=SAMPLE_SEED, out=old, sen2_version="1.1")
    person = pl.read_csv(next((old / "landing" / "city").glob("*_person.csv")), infer_schema=False)
    assert "gendercurrent" in person.columns and "sex" not in person.columns
    assert set(person["gendercurrent"].unique()) <= {"1", "2", "9"}

    results, staged = {}, {}
    for version, landing in (("1.1", old / "landing"), ("1.3", sample / "landing")):
        warehouse = tmp_path / f"warehouse-{version}"
        results[version] = _city_staging(landing, warehouse)
        staged[version] = _staged(warehouse)
        assert _header_check(results[version]).passed, version
        versions = _versions(warehouse)
        # What each file's columns prove: v1.1's person, active plans and settings attended
        # are v1.1 alone; v1.3's requests, active plans and header are v1.3 alone.
        expected = (
            {"city_person": "1.1", "city_activeplans": "1.1", "city_placementdetail": "1.1"}
            if version == "1.1"
            else {"city_requests": "1.3", "city_activeplans": "1.3", "city_sen2": "1.3"}
        )
        assert {t: versions[t] for t in expected} == expected
        metadata = _header_check(results[version]).metadata
        assert metadata["sen2_spec_version"].value == version

    assert staged["1.1"] == staged["1.3"]
    assert staged["1.3"]["stg_city__persons"] > 0 and len(staged["1.3"]) >= 8
    # The people are the same people: v1.1's gendercurrent codes are read as the same sex.
    sexes = {}
    for version in ("1.1", "1.3"):
        # each warehouse on its own: its views name their own catalogue, `restricted`
        with open_database(tmp_path / f"warehouse-{version}" / "restricted.duckdb") as con:
            sexes[version] = set(
                con.execute(
                    "select person_record_id, sex from staging.stg_city__persons"
                ).fetchall()
            )
    assert sexes["1.1"] == sexes["1.3"]


@pytest.fixture()
def city(sample, tmp_path) -> Path:
    target = tmp_path / "landing"
    shutil.copytree(sample / "landing" / "city", target / "city")
    return target


def _load_city(landing: Path, db: Path) -> None:
    for table in MODULES:
        ingest_table(BY_TABLE[table], landing, db)


def _findings(db: Path) -> list[str]:
    with open_database(db, read_only=True) as con:
        return check_header(con).findings


def _rewrite_header(landing: Path, **values: str) -> Path:
    path = next((landing / "city").glob("Blade-Export_*_sen2.csv"))
    frame = pl.read_csv(path, infer_schema=False).with_columns(
        **{name: pl.lit(value) for name, value in values.items()}
    )
    frame.write_csv(path)
    return path


def test_the_delivered_header_fits_its_export(city, tmp_path):
    db = tmp_path / "restricted.duckdb"
    _load_city(city, db)
    assert _findings(db) == []


@pytest.mark.parametrize(
    ("values", "finding"),
    [
        ({"lea": "891"}, "lea 891 is not the city's LA code 892"),
        ({"year": "2024"}, "year 2024 is not the year of the reference date"),
        ({"referencedate": "2025-Mar-20 00:00:00"}, "is after the export of 2025-01-16"),
        ({"sen2tableid": "7"}, "person row(s) name a header other than sen2tableid 7"),
    ],
)
def test_a_header_that_does_not_fit_its_export_fails_the_check(city, tmp_path, values, finding):
    _rewrite_header(city, **values)
    db = tmp_path / "restricted.duckdb"
    _load_city(city, db)
    findings = _findings(db)
    assert len(findings) == 1 and finding in findings[0], findings


def test_modules_of_another_export_or_spec_version_fail_the_check(city, tmp_path):
    db = tmp_path / "restricted.duckdb"
    _load_city(city, db)
    # A later export of the requests alone, written by software still on v1.2.
    requests = next((city / "city").glob("Blade-Export_*_requests.csv"))
    later = requests.with_name(requests.name.replace("16-01-2025", "20-02-2025"))
    pl.read_csv(requests, infer_schema=False).drop("requestsource").write_csv(later)
    ingest_table(BY_TABLE["city_requests"], city, db)
    findings = _findings(db)
    assert any("come from exports of 2025-02-20" in f for f in findings), findings
    # the requests (v1.1-1.2) and the person file (v1.2-1.3) still share v1.2; the header
    # and the active plans are v1.3 alone, so no version fits every module
    assert any("different SEN2 spec versions" in f for f in findings), findings


def test_a_missing_header_is_named(city, tmp_path):
    next((city / "city").glob("Blade-Export_*_sen2.csv")).unlink()
    db = tmp_path / "restricted.duckdb"
    for table in MODULES:
        if table != "city_sen2":
            ingest_table(BY_TABLE[table], city, db)
    assert _findings(db) == ["no header module (Blade-Export_<date>_sen2.csv) is loaded"]
