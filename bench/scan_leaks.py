"""Does the identifier scan still refuse a leak at scale? Plants one leak of each kind in a copy
of a published analysts' warehouse and scans it as the publish step does.

Each leak is written where an analyst could find it, in a different table, for real children of
the warehouse (their own values, read from the restricted zone):
- a name: one row of `fct_health_referrals.closure_reason` holds its child's surname;
- an NHS number: one row of `fct_placements.sen_setting` holds its child's NHS number;
- a UPN: one row of `fct_topup_funding.band` holds its child's UPN;
- a postcode: one row of `mart_overlaps.period` holds its child's postcode;
- a birth date in text: 2% of `fct_annual_reviews.review_outcome` holds "born <date of birth>";
- a birth date as a date: 2% of `fct_ehc_plans.cease_date` is the child's date of birth.
A leak is refused when the scan names its table, column and kind. Also scans the warehouse as
published, which must give no finding. Figures are printed, never asserted.

Usage: python bench/scan_leaks.py WAREHOUSE_DIR
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from pipelines.privacy.scan import scan_for_identifiers
from pipelines.privacy.storage import attach, open_database

IDENTITY = """
    select crosswalk.child_key, any_value(persons.surname) as surname,
        any_value(persons.nhs_number) as nhs_number, any_value(persons.upn) as upn,
        any_value(persons.postcode) as postcode, any_value(persons.dob) as dob
    from restricted.linkage.int_person_records_unioned persons
    join restricted.linkage.int_child_key_crosswalk crosswalk using (record_id)
    where persons.{column} is not null
    group by 1
"""

# kind, table, column, the restricted value, share of the table's rows (None: one row), as text
LEAKS = [
    ("the child's name", "fct_health_referrals", "closure_reason", "surname", None, "{}"),
    ("an NHS number", "fct_placements", "sen_setting", "nhs_number", None, "{}"),
    ("a UPN", "fct_topup_funding", "band", "upn", None, "{}"),
    ("a full postcode", "mart_overlaps", "period", "postcode", None, "{}"),
    ("the child's date of birth", "fct_annual_reviews", "review_outcome", "dob", 0.02, "born {}"),
    ("the child's date of birth", "fct_ehc_plans", "cease_date", "dob", 0.02, None),
]


def _plant(con: duckdb.DuckDBPyConnection, restricted: Path) -> None:
    attach(con, restricted)
    for _kind, table, column, value, share, text in LEAKS:
        people = IDENTITY.format(column=value)
        picked = f"using sample {share * 100:.0f} percent (bernoulli, 7)" if share else "limit 1"
        new = f"format('{text}', p.{value})" if text else f"p.{value}"
        con.execute(
            f"""update main.{table} t set "{column}" = {new}
            from ({people}) p
            where t.child_key = p.child_key and t.rowid in (
                select rowid from main.{table} where child_key in (
                    select child_key from ({people})) {picked})"""
        )
    con.execute("detach restricted")


def main() -> None:
    warehouse = Path(sys.argv[1])
    restricted = warehouse / "restricted.duckdb"
    with tempfile.TemporaryDirectory() as tmp:
        for planted in (False, True):
            copy = Path(tmp) / "analytics.duckdb"
            shutil.copyfile(warehouse / "analytics.duckdb", copy)
            with duckdb.connect(str(copy)) as con:
                if planted:
                    _plant(con, restricted)
                started = time.perf_counter()
                with open_database(restricted, read_only=True) as zone:
                    findings = scan_for_identifiers(con, zone)
                seconds = time.perf_counter() - started
            found = {(f.table, f.column, f.kind): f.rows for f in findings}
            print(f"\n{'with planted leaks' if planted else 'as published'}: scan {seconds:.1f} s")
            for kind, table, column, *_ in LEAKS if planted else []:
                rows = found.pop((table, column, kind), 0)
                print(f"  {kind:<26} {table}.{column}: {'refused' if rows else 'MISSED'} ({rows})")
            for (table, column, kind), rows in found.items():
                print(f"  also found: {table}.{column}: {rows} row(s) with {kind}")


if __name__ == "__main__":
    main()
