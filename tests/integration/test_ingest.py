"""Loading extracts: audit, quarantine, idempotence, supersession, failure isolation, rollback."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest import load as load_module
from pipelines.ingest.catalogue import BY_TABLE
from pipelines.ingest.load import ingest_table
from pipelines.privacy.storage import open_database
from schemas.validate import ContractError


@pytest.fixture()
def landing(sample, tmp_path) -> Path:
    """A private copy of the sample delivery that a test may damage."""
    target = tmp_path / "landing"
    shutil.copytree(sample / "landing", target)
    return target


def _query(db: Path, sql: str, params=None):
    with open_database(db, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_every_row_is_loaded_or_quarantined(landing, tmp_path, sample):
    db = tmp_path / "restricted.duckdb"
    for table in ("city_person", "county_clients", "icb_patients", "county_sen_support"):
        outcome = ingest_table(BY_TABLE[table], landing, db)
        assert outcome.status == "loaded"
        assert outcome.rows_loaded + outcome.rows_quarantined == outcome.rows_read > 0
        (loaded,) = _query(db, f"select count(*) from raw.{table}")[0]
        assert loaded == outcome.rows_loaded
        quarantined = _query(
            db,
            "select count(distinct source_row) from audit.current_quarantine "
            "where table_name = ? and severity = 'error'",
            [table],
        )[0][0]
        assert quarantined == outcome.rows_quarantined
    truth = pl.read_parquet(sample / "truth" / "record_truth.parquet")
    delivered = truth.filter(pl.col("table") == "city_person").height
    assert (
        _query(db, "select rows_read from audit.current_loads where table_name = 'city_person'")[0][
            0
        ]
        == delivered
    )


def _set_fifth_value(landing: Path, pattern: str, column: str) -> Path:
    """The ICB file's fifth data row (file row 6) given the impossible date 2031-02-30."""
    path = next((landing / "icb").glob(pattern))
    frame = pl.read_csv(path, infer_schema=False)
    frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 4)
        .then(pl.lit("2031-02-30"))
        .otherwise(pl.col(column))
        .alias(column)
    ).write_csv(path)
    return path


def test_quarantine_names_file_row_column_value_and_reason(landing, tmp_path):
    db = tmp_path / "restricted.duckdb"
    path = _set_fifth_value(landing, "CSDS_CYP101_referrals_*.csv", "ReferralRequestReceivedDate")
    ingest_table(BY_TABLE["icb_referrals"], landing, db)
    rows = _query(
        db,
        "select file_path, source_row, column_name, value, reason, severity, raw_row "
        "from audit.current_quarantine where value = '2031-02-30'",
    )
    assert len(rows) >= 1
    file_path, source_row, column, value, reason, severity, raw_row = rows[0]
    assert file_path.endswith(path.name) and source_row == 6  # data row 5 is file row 6
    assert column == "ReferralRequestReceivedDate" and severity == "error"
    assert "ReferralRequestReceivedDate" in reason and "2031-02-30" in reason
    assert "2031-02-30" in raw_row  # the whole row is kept for correction and re-delivery


def test_a_patients_impossible_birth_date_is_nulled_and_the_patient_kept(landing, tmp_path):
    """The patient row anchors the child's referrals and contacts: losing it would orphan them."""
    db = tmp_path / "restricted.duckdb"
    path = _set_fifth_value(landing, "CSDS_CYP001_patients_*.csv", "PersonBirthDate")
    patient = pl.read_csv(path, infer_schema=False)["LocalPatientID"][4]
    ingest_table(BY_TABLE["icb_patients"], landing, db)
    rows = _query(
        db,
        "select source_row, column_name, reason, severity from audit.current_quarantine "
        "where value = '2031-02-30'",
    )
    assert rows == [
        (
            6,
            "PersonBirthDate",
            "PersonBirthDate '2031-02-30' is not a date in the form 2022-09-28; "
            "value set to null, row kept",
            "warning",
        )
    ]
    kept = _query(
        db, 'select "PersonBirthDate" from raw.icb_patients where "LocalPatientID" = ?', [patient]
    )
    assert kept == [(None,)]


def test_identical_redelivery_loads_nothing_twice(landing, tmp_path):
    db = tmp_path / "restricted.duckdb"
    spec = BY_TABLE["city_requests"]
    first = ingest_table(spec, landing, db)
    second = ingest_table(spec, landing, db)
    assert second.status == "unchanged" and second.rows_loaded == first.rows_loaded
    assert _query(db, "select count(*) from raw.city_requests")[0][0] == first.rows_loaded
    statuses = _query(db, "select status from audit.file_loads order by loaded_at")
    assert [s for (s,) in statuses] == ["loaded"]  # an unchanged re-run adds no load
    assert _query(db, "select count(distinct load_id) from audit.quarantine")[0][0] <= 1


def test_newer_extract_supersedes_and_older_is_ignored(landing, tmp_path):
    db = tmp_path / "restricted.duckdb"
    spec = BY_TABLE["icb_referrals"]
    original = next((landing / "icb").glob("CSDS_CYP101_referrals_*.csv"))
    ingest_table(spec, landing, db)
    newer = original.with_name("CSDS_CYP101_referrals_20990101.csv")
    pl.read_csv(original, infer_schema=False).head(10).write_csv(newer)
    # 10 rows against thousands: held until an operator accepts it
    assert ingest_table(spec, landing, db).status == "held"
    load_module.accept_extract(newer, db, by="a data engineer")
    outcome = ingest_table(spec, landing, db)
    assert outcome.status == "loaded" and outcome.file_path.endswith(newer.name)
    assert _query(db, "select count(*) from raw.icb_referrals")[0][0] == outcome.rows_loaded <= 10
    older = original.with_name("CSDS_CYP101_referrals_20000101.csv")
    shutil.copy(original, older)
    again = ingest_table(spec, landing, db)
    assert again.status == "unchanged"
    audited = dict(_query(db, "select file_path, status from audit.file_loads"))
    assert audited[str(older)] == "superseded"


def test_unusable_file_fails_with_its_name_and_keeps_previous_state(landing, tmp_path):
    db = tmp_path / "restricted.duckdb"
    spec = BY_TABLE["icb_patients"]
    first = ingest_table(spec, landing, db)
    path = next((landing / "icb").glob("CSDS_CYP001_patients_*.csv"))
    broken = path.with_name("CSDS_CYP001_patients_20990101.csv")
    pl.read_csv(path, infer_schema=False).drop("PersonBirthDate").write_csv(broken)
    with pytest.raises(ContractError, match=r"CSDS_CYP001_patients_20990101.csv.*PersonBirthDate"):
        ingest_table(spec, landing, db)
    assert _query(db, "select count(*) from raw.icb_patients")[0][0] == first.rows_loaded
    status, message = _query(
        db, "select status, message from audit.file_loads where file_path = ?", [str(broken)]
    )[0]
    assert status == "failed" and "PersonBirthDate" in message


def test_load_failing_half_way_rolls_back(landing, tmp_path, monkeypatch):
    db = tmp_path / "restricted.duckdb"
    spec = BY_TABLE["city_assessment"]
    first = ingest_table(spec, landing, db)
    path = next((landing / "city").glob("Blade-Export_*_assessment.csv"))
    newer = path.with_name("Blade-Export_01-01-2099_assessment.csv")
    pl.read_csv(path, infer_schema=False).head(3).write_csv(newer)
    load_module.accept_extract(newer, db)  # 3 rows: held for its volume otherwise

    real_audit = load_module._audit

    def failing_audit(con, **kwargs):
        if kwargs["status"] == "loaded":  # after the table was replaced, before commit
            raise RuntimeError("disk full")
        return real_audit(con, **kwargs)

    monkeypatch.setattr(load_module, "_audit", failing_audit)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_table(spec, landing, db)
    assert _query(db, "select count(*) from raw.city_assessment")[0][0] == first.rows_loaded
    assert (
        _query(db, "select count(*) from audit.current_loads where table_name = ?", [spec.table])[
            0
        ][0]
        == 1
    )


def test_windows_1252_list_keeps_accented_names(landing, tmp_path, sample):
    db = tmp_path / "restricted.duckdb"
    ingest_table(BY_TABLE["county_sen_support"], landing, db)
    names = {n for (n,) in _query(db, "select LegalForename from raw.county_sen_support")}
    accented = {n for n in names if n and any(ord(ch) > 127 for ch in n)}
    assert accented, "the sample should carry accented names"
    assert all("\ufffd" not in n and "Ã" not in n for n in accented)  # no mojibake


def test_missing_extract_is_named(tmp_path):
    (tmp_path / "landing" / "city").mkdir(parents=True)
    with pytest.raises(ContractError, match=r"no extract for city_person in .*city"):
        ingest_table(BY_TABLE["city_person"], tmp_path / "landing", tmp_path / "r.duckdb")


def test_a_newer_extract_whose_every_row_fails_never_replaces_the_good_one(landing, tmp_path):
    """The ICB's referrals saved with Excel date numbers: every row fails its contract. The
    newer file is refused with its name and the reason, audited as failed, and the table keeps
    the previous extract's rows (an empty table would drop every child's referrals)."""
    db = tmp_path / "restricted.duckdb"
    spec = BY_TABLE["icb_referrals"]
    first = ingest_table(spec, landing, db)
    original = next((landing / "icb").glob("CSDS_CYP101_referrals_*.csv"))
    newer = original.with_name("CSDS_CYP101_referrals_20990101.csv")
    frame = pl.read_csv(original, infer_schema=False)
    frame.with_columns(pl.lit("45678").alias("ReferralRequestReceivedDate")).write_csv(newer)
    with pytest.raises(ContractError, match=r"CSDS_CYP101_referrals_20990101.csv: every one"):
        ingest_table(spec, landing, db)
    assert _query(db, "select count(*) from raw.icb_referrals")[0][0] == first.rows_loaded > 0
    status, message = _query(
        db, "select status, message from audit.file_loads where file_path = ?", [str(newer)]
    )[0]
    assert status == "failed" and "ReferralRequestReceivedDate" in message
    current = _query(
        db, "select file_path from audit.current_loads where table_name = ?", [spec.table]
    )
    assert current[0][0] == str(original)


def test_a_malformed_line_quarantines_that_line_only(landing, tmp_path):
    """A stray quote in the city's person file and an unquoted comma in the ICB's referrals:
    each file loads every other row; the bad line is quarantined with its line number, its
    text and the reason, and counted as read."""
    db = tmp_path / "restricted.duckdb"
    person = next((landing / "city").glob("Blade-Export_*_person.csv"))
    referrals = next((landing / "icb").glob("CSDS_CYP101_referrals_*.csv"))
    expected = {}
    for path, line_number, damage in (
        (person, 5, lambda line: line.replace(",", ',"', 1)),
        (referrals, 9, lambda line: line.replace(",", ",x,", 1)),
    ):
        lines = path.read_bytes().decode("utf-8").split("\n")
        expected[path.name] = (
            len([line for line in lines[1:] if line.strip()]),
            line_number,
            lines[line_number - 1],
        )
        lines[line_number - 1] = damage(lines[line_number - 1])
        path.write_bytes("\n".join(lines).encode("utf-8"))
    for table, path in (("city_person", person), ("icb_referrals", referrals)):
        rows, line_number, _ = expected[path.name]
        outcome = ingest_table(BY_TABLE[table], landing, db)
        assert outcome.status == "loaded"
        assert outcome.rows_read == rows
        assert outcome.rows_loaded + outcome.rows_quarantined == rows
        quarantined = _query(
            db,
            "select source_row, rule, value from audit.quarantine where table_name = ? "
            "and rule = 'malformed_line'",
            [table],
        )
        assert [(r, rule) for r, rule, _ in quarantined] == [(line_number, "malformed_line")]
        assert quarantined[0][2]  # the line as delivered, for the supplier


def test_an_html_page_saved_as_the_extract_is_refused_with_its_name(landing, tmp_path):
    db = tmp_path / "restricted.duckdb"
    spec = BY_TABLE["icb_referrals"]
    first = ingest_table(spec, landing, db)
    original = next((landing / "icb").glob("CSDS_CYP101_referrals_*.csv"))
    page = original.with_name("CSDS_CYP101_referrals_20990101.csv")
    page.write_text(
        "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
        "<body><h1>502 Bad Gateway</h1>, please, try again</body></html>\n"
    )
    with pytest.raises(ContractError, match=r"CSDS_CYP101_referrals_20990101.csv: missing"):
        ingest_table(spec, landing, db)
    assert _query(db, "select count(*) from raw.icb_referrals")[0][0] == first.rows_loaded


@pytest.mark.parametrize("damage", ["half the rows", "last line cut off"])
def test_a_delivery_cut_short_is_held_until_an_operator_accepts_it(landing, tmp_path, damage):
    """A newer extract with half the rows of the one in force, or whose last line was cut off
    in transfer, is not loaded: it is audited as held with the reason, the previous extract stays
    current (children would otherwise vanish from the marts and return next month as false gaps),
    and `send-pipeline accept FILE` lets the next load take it."""
    from typer.testing import CliRunner

    from pipelines.cli import app

    db = tmp_path / "warehouse" / "restricted.duckdb"
    spec = BY_TABLE["icb_referrals"]
    first = ingest_table(spec, landing, db)
    original = next((landing / "icb").glob("CSDS_CYP101_referrals_*.csv"))
    newer = original.with_name("CSDS_CYP101_referrals_20990101.csv")
    data = original.read_bytes()
    if damage == "half the rows":
        lines = data.split(b"\n")
        newer.write_bytes(b"\n".join(lines[: len(lines) // 2]) + b"\n")
        reason = "beyond the tolerance"
    else:
        newer.write_bytes(data.rstrip(b"\n")[:-12])  # the transfer stopped mid-line
        reason = "last line is cut off"
    held = ingest_table(spec, landing, db)
    assert held.status == "held" and reason in held.message and newer.name in held.message
    assert _query(db, "select count(*) from raw.icb_referrals")[0][0] == first.rows_loaded
    current = _query(
        db, "select file_path from audit.current_loads where table_name = ?", [spec.table]
    )
    assert current[0][0] == str(original)
    status, message = _query(
        db, "select status, message from audit.file_loads where file_path = ?", [str(newer)]
    )[-1]
    assert status == "held" and "send-pipeline accept" in message

    result = CliRunner().invoke(app, ["accept", str(newer), "--warehouse", str(db.parent)])
    assert result.exit_code == 0, result.output
    loaded = ingest_table(spec, landing, db)
    assert loaded.status == "loaded" and loaded.file_path == str(newer)
    assert loaded.rows_read <= first.rows_read


def test_a_renamed_sheet_and_headers_in_another_case_order_or_spacing_load_the_same_rows(
    landing, tmp_path
):
    """The county's workbook re-saved with its Clients sheet renamed and moved last, and its
    SEN support list with headers upper-cased, spaced and in reverse order: each table is found
    by its header and loads exactly the rows the delivered files load."""
    import openpyxl

    db, again_db = tmp_path / "first.duckdb", tmp_path / "again.duckdb"
    clients, support = BY_TABLE["county_clients"], BY_TABLE["county_sen_support"]
    first = {spec.table: ingest_table(spec, landing, db) for spec in (clients, support)}

    workbook = next((landing / "county").glob("EHC_Casework_*.xlsx"))
    book = openpyxl.load_workbook(workbook)
    sheet = book["Clients"]
    sheet.title = "Export 1"
    book.move_sheet(sheet, offset=len(book.sheetnames))
    book.save(workbook)
    listed = next((landing / "county").glob("SEN_Support_*.csv"))
    frame = pl.read_csv(listed, infer_schema=False, encoding="cp1252")
    frame = frame.select(list(reversed(frame.columns)))
    frame.columns = [" ".join(c.upper()) for c in frame.columns]  # 'P U P I L I D'
    listed.write_bytes(frame.write_csv().encode("cp1252"))

    for spec in (clients, support):
        again = ingest_table(spec, landing, again_db)
        assert again.status == "loaded"
        assert (again.rows_read, again.rows_loaded) == (
            first[spec.table].rows_read,
            first[spec.table].rows_loaded,
        ), spec.table
        columns = [c for c in _query(again_db, f"describe raw.{spec.table}")]
        assert [c[0] for c in columns] == [c[0] for c in _query(db, f"describe raw.{spec.table}")]


def test_the_casework_saved_as_an_older_excel_xls_workbook_loads_the_same_rows(landing, tmp_path):
    from tests.libreoffice import libreoffice_convert

    county = landing / "county"
    workbook = next(county.glob("EHC_Casework_*.xlsx"))
    saved = libreoffice_convert(workbook, tmp_path, "xls") / workbook.with_suffix(".xls").name
    as_xlsx, as_xls = tmp_path / "xlsx.duckdb", tmp_path / "xls.duckdb"
    sheets = [spec for spec in BY_TABLE.values() if spec.sheet]
    for spec in sheets:
        ingest_table(spec, landing, as_xlsx)
    workbook.unlink()
    shutil.move(saved, county / saved.name)  # the delivery is now the .xls alone
    for spec in sheets:
        outcome = ingest_table(spec, landing, as_xls)
        assert outcome.status == "loaded" and outcome.file_path.endswith(".xls")
        columns = "* exclude (_source_file, _load_id)"
        rows = [
            _query(db, f"select {columns} from raw.{spec.table} order by 1")
            for db in (as_xlsx, as_xls)
        ]
        assert rows[0] == rows[1] and len(rows[0]) > 100, spec.table
