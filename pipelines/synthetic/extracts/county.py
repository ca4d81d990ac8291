"""The county council's casework tables (the sheets of its workbook): one function per table,
each keyed by random casework ids drawn from the row's key, rows in id order."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from pipelines.synthetic import calibration as cal
from pipelines.synthetic import codes, names
from pipelines.synthetic.ehcp import ETHNICITIES, SEN_TYPES
from pipelines.synthetic.extracts import common
from pipelines.synthetic.extracts.common import COUNTY_DATE, day_text, flag, lookup
from pipelines.synthetic.streams import Keyed

if TYPE_CHECKING:
    from pipelines.synthetic.extracts.builder import Builder

# SEN type → the county's need code (its casework and its SEN support list).
NEED_CODE = codes.inverse("county_need_code", "county_need_code", "sen_type")
# Each casework id: the key it is drawn from, and its range [low, high).
CASEWORK_IDS = {
    "RequestID": ("request", 2_000_000, 2_999_999),
    "AssessmentID": ("request", 3_000_000, 3_999_999),
    "PlanID": ("plan", 4_000_000, 4_999_999),
    "PlanSettingID": ("plan_setting", 5_000_000, 5_999_999),
    "PlacementID": ("placement", 6_000_000, 6_999_999),
    "NeedID": ("need_row", 7_000_000, 7_999_999),
    "ReviewID": ("review", 10_000_000, 99_999_999),
}


def build(b: Builder) -> None:
    """Every table of the county's casework system."""
    keyed = b.keyed("county")
    clients, requests, plans = b.council_cases(cal.COUNTY, "county_clients", keyed)
    client_of = clients.select("_child", "_record", "ClientID")
    county_clients(b, clients)
    requests = county_requests(b, keyed, requests)
    assessment_ids = county_assessments(b, keyed, requests)
    plan_ids = county_plans(b, keyed, plans, assessment_ids, client_of)
    county_plan_settings(b, keyed, plan_ids)
    county_placements(b, keyed, plan_ids)
    county_needs(b, keyed, plan_ids)
    county_reviews(b, keyed, plan_ids)
    b.county_clients = client_of


def _ids(b: Builder, frame: pl.DataFrame, keyed: Keyed, column: str) -> pl.DataFrame:
    """The casework id `column`, random in its range and drawn from the row's key (see
    CASEWORK_IDS); rows in id order, as the county's system exports them."""
    key, low, high = CASEWORK_IDS[column]
    frame = frame.with_columns(_key=key)
    return common.with_ids(frame, keyed, column, b.universe[key], low=low, high=high).sort(column)


def _of_plans(
    b: Builder,
    keyed: Keyed,
    frame: pl.DataFrame,
    plan_ids: pl.DataFrame,
    column: str,
    *,
    settings: bool = False,
) -> pl.DataFrame:
    """The rows of `frame` (settings, placements, needs, reviews) of the county's plans, each
    with its plan id and its own casework id `column` (and its setting's URN or UKPRN)."""
    frame = _ids(b, frame.join(plan_ids, on="plan", maintain_order="left"), keyed, column)
    return b.settings_of(frame) if settings else frame


def _recoded(column: str, mapping: dict[str, str]) -> pl.Expr:
    """The column's code in the county's own list, null where blank or not on it."""
    return pl.when(pl.col(column) != "").then(pl.col(column).replace_strict(mapping, default=None))


def _setting() -> dict[str, pl.Expr]:
    """The setting columns a plan's setting and a placement share."""
    return {"URN": pl.col("urn"), "UKPRN": pl.col("ukprn"), "SettingCode": common.setting_code()}


def _nhs_text(spaced: pl.Series) -> pl.Expr:
    """The NHS number as keyed in: some written 3 3 4 with spaces."""
    nhs = pl.col("nhs")
    return (
        pl.when(spaced & (nhs.str.len_chars() == 10))
        .then(
            pl.concat_str(
                nhs.str.slice(0, 3),
                nhs.str.slice(3, 3),
                nhs.str.slice(6),
                separator=" ",
            )
        )
        .otherwise(nhs)
    )


def county_clients(b: Builder, clients: pl.DataFrame) -> None:
    """Adds the client records (the council's people, with their planted errors)."""
    view = clients
    n = view.height
    rows = b.rows("county_clients", view["_key"])
    view = view.with_columns(
        uln=pl.when(pl.Series(rows.random(n) < 0.6)).then("uln"),
        nhs=pl.when(pl.Series(rows.random(n) < cal.COUNTY_NHS_NUMBER)).then("nhs"),
    )
    view = b.corrupt(view, "county_clients", {"postcode", "upn", "uln", "nhs"}, missing_nhs=False)
    ethnicity_text = codes.inverse("county_ethnicity", "county_ethnicity", "ethnicity")
    spaced = pl.Series(rows.random(n) < cal.COUNTY_NHS_SPACED)
    b.add(
        "county_clients",
        view,
        FamilyName=names.to_cp1252(pl.col("surname")),
        GivenName=names.to_cp1252(pl.col("forename")),
        DateOfBirth=day_text("dob", COUNTY_DATE),
        Gender=common.sex("county", pl.col("male")),
        Ethnicity=lookup("ethnicity", ETHNICITIES).replace_strict(ethnicity_text),
        PostCode=pl.col("postcode"),
        UPN=pl.col("upn"),
        ULN=pl.col("uln"),
        UPNMissingReason=common.upn_unknown(),
        NHSNumber=_nhs_text(spaced),
    )


def county_requests(b: Builder, keyed: Keyed, requests: pl.DataFrame) -> pl.DataFrame:
    """Adds the requests; returns them with their ids."""
    requests = _ids(b, requests, keyed, "RequestID")
    request_rows = b.rows("county_requests", requests["_key"])
    requested_by = codes.inverse("county_requested_by", "county_requested_by", "request_source")
    decision = codes.inverse("county_request_decision", "county_decision", "request_outcome")
    young_person = codes.code("county_requested_by", "Young Person")
    b.add(
        "county_requests",
        requests,
        DateReceived=day_text("received", COUNTY_DATE),
        RequestedBy=pl.when(
            (pl.col("source") == codes.code("request_source", "1"))
            & pl.Series(request_rows.random(requests.height) < 0.15)
        )
        .then(pl.lit(young_person))
        .otherwise(pl.col("source").replace_strict(requested_by)),
        DecisionDate=day_text("decision", COUNTY_DATE),
        Decision=pl.col("outcome").replace_strict(decision),
        MovedOutBeforeDecision=flag("exported", "Y", "N"),
    )
    return requests


def county_assessments(b: Builder, keyed: Keyed, requests: pl.DataFrame) -> pl.DataFrame:
    """Adds the assessments of the requests that had one; returns their ids by request."""
    assessments = requests.filter(pl.col("assessment") != "")
    assessments = _ids(b, assessments, keyed, "AssessmentID")
    outcome = codes.inverse("county_assessment_outcome", "county_outcome", "assessment_outcome")
    b.add(
        "county_assessments",
        assessments,
        Outcome=pl.col("assessment").replace_strict(outcome),
        OutcomeDate=day_text("assessed", COUNTY_DATE),
        TwentyWeekException=flag("week20", "Y", "N"),
    )
    return assessments.select("request", "AssessmentID")


def county_plans(
    b: Builder,
    keyed: Keyed,
    plans: pl.DataFrame,
    assessment_ids: pl.DataFrame,
    client_of: pl.DataFrame,
) -> pl.DataFrame:
    """Adds the plans, each on the child's main client record; returns their ids by plan."""
    end_reason = codes.inverse("county_end_reason", "county_end_reason", "cease_reason")
    plan_frame = plans.join(assessment_ids, on="request", how="left", maintain_order="left").join(
        client_of.filter(pl.col("_record") == 0).select("_child", "ClientID"),
        left_on="child",
        right_on="_child",
        how="left",
        maintain_order="left",
    )
    plan_frame = _ids(b, plan_frame, keyed, "PlanID")
    plan_rows = b.rows("county_plans", plan_frame["_key"])
    pb = pl.Series(plan_rows.random(plan_frame.height) < cal.COUNTY_FIGURES.personal_budget)
    b.add(
        "county_plans",
        plan_frame,
        StartDate=day_text("start", COUNTY_DATE),
        EndDate=day_text("cease", COUNTY_DATE),
        EndReason=_recoded("reason", end_reason),
        TransferredFromLA=lookup("transfer_from", cal.LA_CODES),
        PersonalBudget=flag(pb, "Y", "N"),
    )
    return plan_frame.select("plan", "PlanID", "child")


def county_plan_settings(b: Builder, keyed: Keyed, plan_ids: pl.DataFrame) -> None:
    """Adds the settings named in each plan."""
    settings = b.world.ehcp.plan_settings
    settings = _of_plans(b, keyed, settings, plan_ids, "PlanSettingID", settings=True)
    b.add("county_plan_settings", settings, Rank=pl.lit("1"), **_setting())


def county_placements(b: Builder, keyed: Keyed, plan_ids: pl.DataFrame) -> None:
    """Adds each plan's placements."""
    b.add(
        "county_placements",
        _of_plans(b, keyed, b.world.ehcp.placements, plan_ids, "PlacementID", settings=True),
        StartDate=day_text("entry", COUNTY_DATE),
        EndDate=day_text("leaving", COUNTY_DATE),
        **_setting(),
    )


def county_needs(b: Builder, keyed: Keyed, plan_ids: pl.DataFrame) -> None:
    """Adds each plan's SEN needs, primary or secondary."""
    b.add(
        "county_needs",
        _of_plans(b, keyed, b.world.ehcp.needs, plan_ids, "NeedID"),
        NeedCode=lookup("need", SEN_TYPES).replace_strict(NEED_CODE),
        NeedRank=pl.when(pl.col("rank") == 1)
        .then(pl.lit("Primary"))
        .otherwise(pl.lit("Secondary")),
    )


def county_reviews(b: Builder, keyed: Keyed, plan_ids: pl.DataFrame) -> None:
    """Adds each plan's annual reviews."""
    outcome = codes.inverse("county_review_outcome", "county_review_outcome", "review_outcome")
    b.add(
        "county_reviews",
        _of_plans(b, keyed, b.world.ehcp.reviews, plan_ids, "ReviewID"),
        ReviewMeetingDate=day_text("meeting", COUNTY_DATE),
        DecisionDate=day_text("decision", COUNTY_DATE),
        Outcome=_recoded("outcome", outcome),
    )
