"""The identifier scan run before the analysts' warehouse is published."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import pytest

from pipelines.privacy.scan import scan_for_identifiers

# Children as the restricted zone knows them (names, identifiers, postcode, birth date).
PEOPLE = [
    ("C1", "r1", "Zephyrine", "Quillfeather", date(2014, 3, 9), "NG5 1AB", "B801200005001", None),
    ("C2", "r2", "Amos", "White", date(2012, 6, 14), "NG7 2QT", None, "9434765919"),
] + [
    (f"C{i}", f"r{i}", f"Name{i}", "White", date(2010, 1, 1 + i % 28), "NG1 1AA", None, None)
    for i in range(3, 60)
]


@pytest.fixture()
def restricted():
    con = duckdb.connect()
    frame = pl.DataFrame(
        PEOPLE,
        schema=[
            "child_key",
            "record_id",
            "forename",
            "surname",
            "dob",
            "postcode",
            "upn",
            "nhs_number",
        ],
        orient="row",
    ).with_columns(uln=pl.lit(None, pl.String))
    con.execute("create schema linkage")
    con.register("people", frame.to_arrow())
    con.execute("create table linkage.int_person_records_unioned as select * from people")
    con.execute(
        "create table linkage.int_child_key_crosswalk as select record_id, child_key from people"
    )
    return con


def _analytics(rows: list[dict]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("rows", pl.DataFrame(rows).to_arrow())
    con.execute("create table main.t as select * from rows")
    return con


def _clean_rows() -> list[dict]:
    return [
        {
            "child_key": p[0],
            "ethnicity_group": "White",  # a surname, but the column's vocabulary
            "postcode_sector": p[5][:-2],
            "detail": "plan in force; not in education since 2024-09-01",
            "since": date(2024, 9, 1),
        }
        for p in PEOPLE
    ]


def test_clean_marts_have_no_findings(restricted):
    assert scan_for_identifiers(_analytics(_clean_rows()), restricted) == []


@pytest.mark.parametrize(
    ("column", "value", "kind"),
    [
        ("detail", "Zephyrine's plan is late", "the child's name"),
        ("surname", "QUILLFEATHER", "the child's name"),
        ("detail", "NHS number 943 476 5919", "an NHS number"),
        ("note", "B801200005001", "a UPN"),
        ("note", "moved to NG5 1AB", "a full postcode"),
        ("note", "born 2014-03-09", "the child's date of birth"),
    ],
)
def test_a_leak_in_one_row_is_found(restricted, column, value, kind):
    rows = _clean_rows()
    rows = [{**r, column: None} if column not in r else r for r in rows]
    rows[0] = {**rows[0], column: value}
    findings = scan_for_identifiers(_analytics(rows), restricted)
    assert kind in {f.kind for f in findings}
    assert {(f.table, f.column, f.rows) for f in findings} == {("t", column, 1)}
    assert all(value not in str(f) for f in findings)  # the report never repeats what it found


def test_dates_of_birth_in_a_date_column_are_found(restricted):
    rows = [{**r, "birth": p[4]} for r, p in zip(_clean_rows(), PEOPLE, strict=True)]
    findings = scan_for_identifiers(_analytics(rows), restricted)
    assert [(f.column, f.kind) for f in findings] == [("birth", "the child's date of birth")]


def test_a_column_of_names_is_found_even_where_a_name_is_common(restricted):
    rows = [{**r, "surname": p[3]} for r, p in zip(_clean_rows(), PEOPLE, strict=True)]
    findings = scan_for_identifiers(_analytics(rows), restricted)
    # "White" is common to the column; the rare surname still gives the column away.
    assert [(f.column, f.kind) for f in findings] == [("surname", "the child's name")]


def test_an_event_on_the_day_a_child_was_born_is_not_a_leak_but_a_column_of_births_is(
    restricted,
):
    """Text of event dates meets a birth date by chance (a referral on the day of birth): one
    row in hundreds is no finding; the same text carrying every child's birth date is."""
    rows = [{**r, "evidence": "referral open from 2024-09-28"} for r in _clean_rows()] * 2
    rows[0] = {**rows[0], "evidence": "referral open from 2014-03-09"}  # C1 was born that day
    assert scan_for_identifiers(_analytics(rows), restricted) == []
    births = [
        {**r, "evidence": f"referral open from {p[4]}"}
        for r, p in zip(_clean_rows(), PEOPLE, strict=True)
    ]
    findings = scan_for_identifiers(_analytics(births), restricted)
    assert [(f.column, f.kind) for f in findings] == [("evidence", "the child's date of birth")]
