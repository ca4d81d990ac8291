"""An independent computation of the partnership measures (docs/marts.md), for the tests.

It reads the raw tables as delivered (text, in each system's own formats), the code lists and
the generator's truth of which child each record belongs to, and computes every measure of
`mart_kpis` with polars: none of the dbt models' SQL is used. Children are counted by their
true identity, so the deduplicated count also tests the identity resolution.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.privacy.storage import open_database
from schemas.codes import code_list

CITY, COUNTY = "city", "county"
BLADE = "%Y-%b-%d %H:%M:%S"
UK = "%d/%m/%Y"
ISO = "%Y-%m-%d"
REFERENCE = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "reference"


def _clock_days(name: str) -> int:
    clocks = (
        pl.read_csv(REFERENCE / "clocks.csv").filter(pl.col("clock") == name).row(0, named=True)
    )
    return clocks["length"] * {"day": 1, "week": 7}[clocks["unit"]]


def _date(column: str, fmt: str) -> pl.Expr:
    return pl.col(column).str.strptime(pl.Date, fmt, strict=False)


def _months(as_at: date) -> pl.DataFrame:
    first = date(as_at.year, as_at.month, 1)
    months = pl.date_range(
        pl.Series([first]).dt.offset_by("-23mo")[0], first, "1mo", eager=True
    ).alias("month")
    return pl.DataFrame({"month": months}).with_columns(
        month_end=pl.min_horizontal(pl.col("month").dt.month_end(), pl.lit(as_at, pl.Date))
    )


def _nearest_rank(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(q * len(ordered)) - 1]


def reference_kpis(restricted_db: Path, truth_dir: Path, as_at: date) -> pl.DataFrame:
    with open_database(restricted_db, read_only=True) as con:
        raw = {
            name: con.sql(f"select * from raw.{name}").pl()
            for name in (
                "city_person",
                "city_requests",
                "city_assessment",
                "city_namedplan",
                "city_activeplans",
                "county_clients",
                "county_requests",
                "county_assessments",
                "county_plans",
                "county_reviews",
                "icb_patients",
                "icb_referrals",
                "icb_care_contacts",
            )
        }
    truth = pl.read_parquet(truth_dir / "record_truth.parquet")
    months = _months(as_at)
    final_plan = _clock_days("final_plan")
    review_decision = _clock_days("review_decision")

    # --- requests and the plans they led to ---------------------------------------------
    decisions = dict(code_list("county_request_decision").iter_rows())
    county_outcomes = dict(code_list("county_assessment_outcome").iter_rows())
    city_requests = raw["city_requests"].select(
        request="requeststableid",
        council=pl.lit(CITY),
        received=_date("receiveddate", BLADE),
        outcome=pl.col("requestoutcome").str.strip_chars().str.to_uppercase(),
    )
    city_assessments = (
        raw["city_assessment"]
        .select(
            request="requeststableid",
            assessment="assessmenttableid",
            week20=pl.col("week20").str.strip_chars() == "1",
        )
        .sort("assessment")
        .unique("request", keep="first")
    )
    city_plans = raw["city_namedplan"].select(
        assessment="assessmenttableid",
        plan="namedplantableid",
        start=_date("startdate", BLADE),
        cease=_date("ceasedate", BLADE),
    )
    first_city_plan = city_plans.sort("start", "plan").unique("assessment", keep="first")
    city_issued = (
        city_requests.join(city_assessments, on="request")
        .join(first_city_plan, on="assessment")
        .select("council", "received", "outcome", "week20", issued="start")
    )
    county_requests = raw["county_requests"].select(
        request="RequestID",
        council=pl.lit(COUNTY),
        received=_date("DateReceived", UK),
        outcome=pl.col("Decision").replace_strict(decisions, default=None),
    )
    county_assessments = (
        raw["county_assessments"]
        .select(
            request="RequestID",
            assessment="AssessmentID",
            outcome=pl.col("Outcome").replace_strict(county_outcomes, default=None),
            week20=pl.col("TwentyWeekException").str.to_uppercase() == "Y",
        )
        .sort("assessment")
        .unique("request", keep="first")
    )
    county_plans = raw["county_plans"].select(
        assessment="AssessmentID",
        plan="PlanID",
        client="ClientID",
        start=_date("StartDate", UK),
        cease=_date("EndDate", UK),
    )
    first_county_plan = (
        county_plans.filter(pl.col("assessment").is_not_null())
        .sort("start", "plan")
        .unique("assessment", keep="first")
    )
    county_issued = (
        county_requests.join(county_assessments.drop("outcome"), on="request")
        .join(first_county_plan.drop("client", "cease"), on="assessment")
        .select("council", "received", "outcome", "week20", issued="start")
    )
    requests = pl.concat([city_requests.drop("request"), county_requests.drop("request")]).filter(
        pl.col("outcome").is_null() | (pl.col("outcome") != "H")
    )
    issued = (
        pl.concat([city_issued, county_issued])
        .filter(pl.col("outcome") == "Y")
        .with_columns(days=(pl.col("issued") - pl.col("received")).dt.total_days())
    )

    # --- plans in force and the children holding them ------------------------------------
    ids = truth.filter(pl.col("table").is_in(["city_namedplan", "county_plans"])).select(
        plan="source_record_id", child="true_child_id", table="table"
    )
    # A plan's child is known to the pipeline through the records that lead to it.
    city_known = (
        city_plans.join(
            raw["city_assessment"].select(
                assessment="assessmenttableid", request="requeststableid"
            ),
            on="assessment",
        )
        .join(
            raw["city_requests"].select(request="requeststableid", person="persontableid"),
            on="request",
        )
        .join(raw["city_person"].select(person="persontableid"), on="person")
        .select("plan")
    )
    county_known = county_plans.join(
        raw["county_clients"].select(client="ClientID"), on="client"
    ).select("plan")
    plans = pl.concat(
        [
            city_plans.select("plan", "start", "cease", council=pl.lit(CITY)).with_columns(
                known=pl.col("plan").is_in(city_known["plan"].implode())
            ),
            county_plans.select("plan", "start", "cease", council=pl.lit(COUNTY)).with_columns(
                known=pl.col("plan").is_in(county_known["plan"].implode())
            ),
        ]
    ).join(
        pl.concat(
            [
                ids.filter(pl.col("table") == "city_namedplan").with_columns(council=pl.lit(CITY)),
                ids.filter(pl.col("table") == "county_plans").with_columns(council=pl.lit(COUNTY)),
            ]
        ).drop("table"),
        on=["plan", "council"],
        how="left",
    )

    # --- annual reviews --------------------------------------------------------------------
    reviews = pl.concat(
        [
            raw["city_activeplans"]
            .select(
                council=pl.lit(CITY),
                meeting=_date("reviewmeeting", BLADE),
                decision=_date("lastreview", BLADE),
            )
            .filter(pl.col("meeting").is_not_null()),
            raw["county_reviews"].select(
                council=pl.lit(COUNTY),
                meeting=_date("ReviewMeetingDate", UK),
                decision=_date("DecisionDate", UK),
            ),
        ]
    )

    # --- health referrals, by the council of the patient record's postcode -----------------
    directory = pl.read_csv(REFERENCE / "postcode_directory.csv", infer_schema=False)
    la = {"892": CITY, "891": COUNTY}
    attended = set(code_list("attendance").filter(pl.col("attended") == "true")["attended_or_dna"])
    services = dict(code_list("health_service").select("icb_service_type", "service").iter_rows())
    first_contact = (
        raw["icb_care_contacts"]
        .filter(pl.col("AttendedOrDidNotAttend").is_in(list(attended)))
        .group_by(referral="ReferralID")
        .agg(first=_date("CareContactDate", ISO).min())
    )
    patients = raw["icb_patients"].select(
        patient="LocalPatientID",
        postcode=pl.col("Postcode").str.to_uppercase().str.replace_all(r"\s+", ""),
    )
    directory = directory.select(
        postcode=pl.col("postcode").str.replace_all(" ", ""),
        council=pl.col("la_code").replace_strict(la, default=None),
    )
    referrals = (
        raw["icb_referrals"]
        .select(
            referral="ReferralID",
            patient="LocalPatientID",
            service=pl.col("ServiceTypeReferredTo").replace_strict(services, default=None),
            received=_date("ReferralRequestReceivedDate", ISO),
            rejected=_date("ReferralRejectionDate", ISO),
            discharged=_date("ServiceDischargeDate", ISO),
        )
        .join(patients, on="patient")
        .join(directory, on="postcode")
        .join(first_contact, on="referral", how="left")
        .filter(pl.col("council").is_not_null())
    )

    rows: list[dict] = []
    areas = {CITY: [CITY], COUNTY: [COUNTY], "partnership": [CITY, COUNTY]}

    def add(month, area, measure, value, numerator=None, denominator=None, service=None):
        rows.append(
            {
                "month": month,
                "area": area,
                "measure": measure,
                "service": service,
                "numerator": numerator,
                "denominator": denominator,
                "value": None if value is None else float(value),
            }
        )

    for month, month_end in months.iter_rows():
        for area, councils in areas.items():
            here = pl.col("council").is_in(councils)
            in_month = requests.filter(here & (pl.col("received").dt.truncate("1mo") == month))
            add(month, area, "requests_received", in_month.height)
            new = issued.filter(here & (pl.col("issued").dt.truncate("1mo") == month))
            n = new.height
            within = new.filter(pl.col("days") <= final_plan).height
            ex = new.filter(~pl.col("week20"))
            within_ex = ex.filter(pl.col("days") <= final_plan).height
            weeks = [d / 7.0 for d in new["days"].to_list()]
            add(month, area, "new_plans", n)
            add(
                month,
                area,
                "plans_within_20_weeks_pct",
                100.0 * within / n if n else None,
                within,
                n,
            )
            add(
                month,
                area,
                "plans_within_20_weeks_ex_exceptions_pct",
                100.0 * within_ex / ex.height if ex.height else None,
                within_ex,
                ex.height,
            )
            add(month, area, "mean_weeks_to_plan", sum(weeks) / n if n else None, None, n)
            add(month, area, "median_weeks_to_plan", _nearest_rank(weeks, 0.5), None, n)
            in_force = plans.filter(
                here
                & (pl.col("start") <= month_end)
                & (pl.col("cease").is_null() | (pl.col("cease") > month_end))
            )
            add(month, area, "plans_in_force", in_force.height)
            known = in_force.filter(pl.col("known"))
            add(month, area, "children_with_plan_deduplicated", known["child"].n_unique())
            add(
                month,
                area,
                "plans_in_force_child_counted_again",
                known.height - known["child"].n_unique(),
            )
            add(month, area, "plans_in_force_child_unidentified", in_force.height - known.height)
            held = reviews.filter(here & (pl.col("meeting").dt.truncate("1mo") == month))
            decided = held.filter(pl.col("decision").is_not_null())
            quick = decided.filter(
                pl.col("decision") <= pl.col("meeting") + pl.duration(days=review_decision)
            ).height
            add(
                month,
                area,
                "annual_reviews_within_4_weeks_pct",
                100.0 * quick / decided.height if decided.height else None,
                quick,
                decided.height,
            )
            for service in services.values():
                mine = referrals.filter(here & (pl.col("service") == service))
                waiting = mine.filter(
                    (pl.col("received") <= month_end)
                    & (pl.col("rejected").is_null() | (pl.col("rejected") > month_end))
                    & (pl.col("discharged").is_null() | (pl.col("discharged") > month_end))
                    & (pl.col("first").is_null() | (pl.col("first") > month_end))
                )
                add(month, area, "health_waiting_list", waiting.height, service=service)
                seen = mine.filter(
                    (pl.col("first").dt.truncate("1mo") == month) & (pl.col("first") <= month_end)
                )
                waits = [
                    d / 7.0 for d in (seen["first"] - seen["received"]).dt.total_days().to_list()
                ]
                add(
                    month,
                    area,
                    "median_wait_weeks",
                    _nearest_rank(waits, 0.5),
                    None,
                    seen.height,
                    service,
                )
                add(
                    month,
                    area,
                    "p90_wait_weeks",
                    _nearest_rank(waits, 0.9),
                    None,
                    seen.height,
                    service,
                )
    return pl.DataFrame(
        rows,
        schema={
            "month": pl.Date,
            "area": pl.String,
            "measure": pl.String,
            "service": pl.String,
            "numerator": pl.Int64,
            "denominator": pl.Int64,
            "value": pl.Float64,
        },
    )
