"""The city's Blade export as each SEN2 spec version writes it, and the export's header module.

The extracts are built in the current version (v1.3, the contracts' columns); an older version is
the same rows with the columns that version named differently, lacked or still had
(schemas/sen2_versions.py lists them). So a v1.1 and a v1.3 export of one world hold the same
children and records, which is what lets a test show both load alike.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from pipelines.ingest.catalogue import CITY_LA_CODE
from schemas import contract_columns
from schemas.sen2_versions import GENDER_CURRENT, VERSION_COLUMNS, VERSIONS

SOFTWARE = ("SYNTH", "2025.1")  # the synthetic case-management system's code and release
# The CBDS GenderCurrent code a v1.1 export writes for each sex.
SEX_AS_GENDER_CURRENT = {"M": "1", "F": "2", "U": "9"}
# v1.1's attendance pattern of the setting attended (full time).
ATTENDANCE_PATTERN = "F"
assert set(SEX_AS_GENDER_CURRENT.values()) <= set(GENDER_CURRENT)


def header(as_at: date, version: str) -> pl.DataFrame:
    """Module 0: one row naming the collection, the reference date and the council."""
    row = {
        "sen2tableid": "1",
        "NativeId": f"SEN2-{as_at.year}",
        "sen2orderseqcolumn": "1",
        "sourceid": "1",
        "collection": "SEN2",
        "year": str(as_at.year),
        "referencedate": as_at.strftime("%Y-%b-%d 00:00:00"),
        "sourcelevel": "L",
        "lea": CITY_LA_CODE,
        "softwarecode": SOFTWARE[0],
        "release": SOFTWARE[1],
        "serialno": "1",
        "datetime": as_at.strftime("%Y-%b-%d 06:00:00"),
        "dmo": "1",
        "dco": "1",
        "dsco": "1",
    }
    frame = pl.DataFrame({name: [row[name]] for name in contract_columns("city_sen2")})
    return in_version("city_sen2", frame, version)


def in_version(table: str, frame: pl.DataFrame, version: str) -> pl.DataFrame:
    """A v1.3 Blade module as the given spec version writes it (the same rows)."""
    if version not in VERSIONS:
        raise ValueError(f"unknown SEN2 spec version {version!r} (one of {', '.join(VERSIONS)})")
    if version == VERSIONS[-1]:
        return frame
    if table == "city_person" and version == "1.1":
        frame = frame.with_columns(
            pl.col("sex").replace_strict(SEX_AS_GENDER_CURRENT, default=pl.col("sex"))
        ).rename({"sex": "gendercurrent"})
    if table == "city_placementdetail" and version == "1.1":
        # v1.1 kept the attendance pattern here and the residential/work-based flags on 5a.
        order = list(frame.columns)
        order.insert(order.index("leavingdate") + 1, "attendancepattern")
        pattern = pl.when(pl.col("entrydate").is_not_null()).then(pl.lit(ATTENDANCE_PATTERN))
        frame = frame.with_columns(pattern.alias("attendancepattern")).select(order)
        frame = frame.drop("res", "wbp")
    absent = [
        column
        for column, versions in VERSION_COLUMNS.get(table, {}).items()
        if version not in versions and column in frame.columns
    ]
    return frame.drop(absent)
