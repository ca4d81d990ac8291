"""Genuinely invalid rows, planted so that validation has something to catch.

About 0.2% of the rows of each table get one defect: a code outside its code list, a date that
cannot be read, a required value left blank, a decision (or end) dated before the event it
follows, or a date after the extract date. Each is recorded for the truth files. Most quarantine
their row; a defect in a person's identifying field (name, birth date, sex of a person, client or
patient row) nulls the value with a warning and keeps the row (docs/source-extracts.md).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from pipelines.synthetic import calibration as cal
from pipelines.synthetic.extracts import CITY_DATE, COUNTY_DATE, ISO_DATE, Table
from pipelines.synthetic.streams import Keyed

UNKNOWN_CODE = "unknown_code"
UNPARSEABLE_DATE = "unparseable_date"
REQUIRED_BLANK = "required_blank"
DECISION_BEFORE_RECEIVED = "decision_before_received"
END_BEFORE_START = "end_before_start"
FUTURE_DATE = "future_date"

# Per table: (column, kind, bad code or earlier column) — values are deliberately outside the
# code lists or formats of docs/source-extracts.md.
DEFECTS: dict[str, list[tuple[str, str, str | None]]] = {
    "city_person": [
        ("sex", UNKNOWN_CODE, "X"),
        ("personbirthdate", UNPARSEABLE_DATE, None),
        ("surname", REQUIRED_BLANK, None),
        ("personbirthdate", FUTURE_DATE, None),
    ],
    "city_requests": [
        ("requestoutcome", UNKNOWN_CODE, "Z"),
        ("receiveddate", UNPARSEABLE_DATE, None),
        ("requestoutcomedate", DECISION_BEFORE_RECEIVED, "receiveddate"),
        ("receiveddate", FUTURE_DATE, None),
        ("receiveddate", REQUIRED_BLANK, None),
    ],
    "city_assessment": [
        ("assessmentoutcome", UNKNOWN_CODE, "Q"),
        ("assessmentoutcomedate", UNPARSEABLE_DATE, None),
        ("assessmentoutcomedate", FUTURE_DATE, None),
    ],
    "city_namedplan": [
        ("startdate", REQUIRED_BLANK, None),
        ("ceasereason", UNKNOWN_CODE, "12"),
        ("startdate", UNPARSEABLE_DATE, None),
        ("startdate", FUTURE_DATE, None),
    ],
    "city_plandetail": [("sensetting", UNKNOWN_CODE, "XYZ")],
    "city_activeplans": [
        ("reviewoutcome", UNKNOWN_CODE, "7"),
        ("lastreview", UNPARSEABLE_DATE, None),
    ],
    "city_placementdetail": [
        ("entrydate", UNPARSEABLE_DATE, None),
        ("leavingdate", END_BEFORE_START, "entrydate"),
        ("entrydate", FUTURE_DATE, None),
    ],
    "city_senneed": [
        ("sentype", UNKNOWN_CODE, "AUT"),
        ("sentyperank", UNKNOWN_CODE, "3"),
        ("sentype", REQUIRED_BLANK, None),
    ],
    "city_sen_support": [
        ("Gender", UNKNOWN_CODE, "X"),
        ("DOB", UNPARSEABLE_DATE, None),
        ("Surname", REQUIRED_BLANK, None),
        ("SENtype1", UNKNOWN_CODE, "ADHD"),
    ],
    "city_topup_funding": [
        ("Band", UNKNOWN_CODE, "G"),
        ("PeriodStart", UNPARSEABLE_DATE, None),
        ("URN", REQUIRED_BLANK, None),
        ("PeriodEnd", END_BEFORE_START, "PeriodStart"),
    ],
    "county_clients": [
        ("Gender", UNKNOWN_CODE, "Boy"),
        ("DateOfBirth", UNPARSEABLE_DATE, None),
        ("FamilyName", REQUIRED_BLANK, None),
        ("DateOfBirth", FUTURE_DATE, None),
    ],
    "county_requests": [
        ("Decision", UNKNOWN_CODE, "Pending panel"),
        ("DecisionDate", DECISION_BEFORE_RECEIVED, "DateReceived"),
        ("DateReceived", UNPARSEABLE_DATE, None),
        ("DateReceived", FUTURE_DATE, None),
    ],
    "county_assessments": [
        ("Outcome", UNKNOWN_CODE, "Deferred"),
        ("OutcomeDate", UNPARSEABLE_DATE, None),
    ],
    "county_plans": [
        ("EndReason", UNKNOWN_CODE, "Moved house"),
        ("StartDate", REQUIRED_BLANK, None),
        ("StartDate", FUTURE_DATE, None),
    ],
    "county_plan_settings": [("SettingCode", UNKNOWN_CODE, "HOME")],
    "county_placements": [
        ("StartDate", UNPARSEABLE_DATE, None),
        ("EndDate", END_BEFORE_START, "StartDate"),
    ],
    "county_needs": [("NeedCode", UNKNOWN_CODE, "ADHD"), ("NeedRank", UNKNOWN_CODE, "Tertiary")],
    "county_reviews": [
        ("Outcome", UNKNOWN_CODE, "Defer"),
        ("ReviewMeetingDate", UNPARSEABLE_DATE, None),
        ("DecisionDate", DECISION_BEFORE_RECEIVED, "ReviewMeetingDate"),
        ("ReviewMeetingDate", FUTURE_DATE, None),
    ],
    "county_sen_support": [
        ("Sex", UNKNOWN_CODE, "X"),
        ("DateOfBirth", UNPARSEABLE_DATE, None),
        ("LegalSurname", REQUIRED_BLANK, None),
        ("PrimaryNeed", UNKNOWN_CODE, "ADHD"),
    ],
    "county_topup_funding": [
        ("Band", UNKNOWN_CODE, "7"),
        ("StartDate", UNPARSEABLE_DATE, None),
        ("SchoolURN", REQUIRED_BLANK, None),
    ],
    "icb_patients": [
        ("Gender", UNKNOWN_CODE, "M"),
        ("PersonBirthDate", UNPARSEABLE_DATE, None),
        ("PersonBirthDate", FUTURE_DATE, None),
        ("NHSNumberStatusIndicator", UNKNOWN_CODE, "09"),
    ],
    "icb_referrals": [
        ("ServiceTypeReferredTo", UNKNOWN_CODE, "Dietetics"),
        ("ReferralRequestReceivedDate", UNPARSEABLE_DATE, None),
        ("ServiceDischargeDate", DECISION_BEFORE_RECEIVED, "ReferralRequestReceivedDate"),
        ("ReferralRequestReceivedDate", FUTURE_DATE, None),
        ("OrgIDProv", REQUIRED_BLANK, None),
    ],
    "icb_care_contacts": [
        ("AttendedOrDidNotAttend", UNKNOWN_CODE, "8"),
        ("CareContactDate", UNPARSEABLE_DATE, None),
        ("CareContactDate", FUTURE_DATE, None),
    ],
}
UNREADABLE = {
    CITY_DATE: ("2021-Feb-30 00:00:00", "30/02/2021", "2019-Sept-31 00:00:00"),
    COUNTY_DATE: ("31/02/2019", "00/00/0000", "31/09/2022"),
    ISO_DATE: ("2019-02-30", "2020-13-01", "2018-00-10"),
}


def date_format(table: str) -> str:
    if table.startswith("icb_") or table in ("city_sen_support", "city_topup_funding"):
        return ISO_DATE
    return CITY_DATE if table.startswith("city_") else COUNTY_DATE


def plant(seed: int, tables: dict[str, Table], as_at: date) -> pl.DataFrame:
    """Plant defects in place (replacing each table's frame); return the record of them.

    Whether a row is defective, and how, is drawn from the row's key, so a row keeps its defect
    in every delivery (a date after the extract date moves with the extract date)."""
    found: list[pl.DataFrame] = []
    for name, defects in DEFECTS.items():
        if name not in tables:
            continue
        table = tables[name]
        keyed = Keyed(seed, f"invalid/{name}")
        frame = table.frame
        keys = frame["_key"].to_numpy()
        u = keyed.random(keys, "row")
        rows = np.flatnonzero(u < cal.INVALID_ROW_RATE)
        if rows.size == 0 and frame.height >= 200:
            rows = np.array([int(np.argmin(u))])  # every sizeable table has at least one
        if rows.size == 0:
            continue
        kinds = keyed.integers(0, len(defects), keys[rows], "kind")
        draws = {k: keyed.integers(0, 1 << 30, keys[rows], k).tolist() for k in ("option", "days")}
        where = {row: i for i, row in enumerate(rows.tolist())}
        fmt = date_format(name)
        planted_rows, planted_columns, planted_kinds = [], [], []
        for index, (column, kind, extra) in enumerate(defects):
            chosen = rows[kinds == index]
            if chosen.size == 0:
                continue
            reference = (
                frame[extra].gather(chosen).to_list()
                if kind in (DECISION_BEFORE_RECEIVED, END_BEFORE_START)
                else [None] * chosen.size
            )
            rows_here, values = [], []
            for row, ref in zip(chosen.tolist(), reference, strict=True):
                i = where[row]
                new = _bad_value(draws["option"][i], draws["days"][i], kind, extra, fmt, as_at, ref)
                if new is _SKIP:
                    continue
                rows_here.append(row)
                values.append(new)
            if not rows_here:
                continue
            series = frame[column].clone()
            series.scatter(rows_here, pl.Series(values, dtype=pl.String))
            frame = frame.with_columns(series)
            planted_rows += rows_here
            planted_columns += [column] * len(rows_here)
            planted_kinds += [kind] * len(rows_here)
        tables[name] = Table(name, frame)
        if planted_rows:
            ids = frame[table.id_column].gather(planted_rows)
            found.append(
                pl.DataFrame(
                    {
                        "source": table.source,
                        "table": name,
                        "source_record_id": ids,
                        "column": planted_columns,
                        "kind": planted_kinds,
                    },
                    schema={
                        "source": pl.String,
                        "table": pl.String,
                        "source_record_id": pl.String,
                        "column": pl.String,
                        "kind": pl.String,
                    },
                )
            )
    if not found:
        return pl.DataFrame(
            schema={
                "source": pl.String,
                "table": pl.String,
                "source_record_id": pl.String,
                "column": pl.String,
                "kind": pl.String,
            }
        )
    return pl.concat(found).sort("source", "table", "source_record_id", "column")


_SKIP = object()


def _bad_value(
    option: int, days: int, kind: str, extra: str | None, fmt: str, as_at: date, reference
):
    """The defective value (`option` and `days`: the row's own random integers)."""
    if kind == UNKNOWN_CODE:
        return extra
    if kind == REQUIRED_BLANK:
        return None
    if kind == UNPARSEABLE_DATE:
        options = UNREADABLE[fmt]
        return options[option % len(options)]
    if kind == FUTURE_DATE:
        return (as_at + timedelta(days=5 + days % 395)).strftime(fmt)
    # A date before the one it must follow.
    if reference is None:
        return _SKIP
    earlier = _parse(reference, fmt) - timedelta(days=1 + days % 59)
    return earlier.strftime(fmt)


def _parse(text: str, fmt: str) -> date:
    from datetime import datetime

    return datetime.strptime(text, fmt).date()
