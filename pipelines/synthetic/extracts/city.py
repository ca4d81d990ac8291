"""The city council's Blade export: one function per table, each hung on the ids of the table
above it (person → requests → assessment → named plan → plan detail; requests → active plans →
placement detail and SEN need)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from pipelines.synthetic import calibration as cal
from pipelines.synthetic import codes
from pipelines.synthetic.ehcp import ETHNICITIES, SEN_TYPES, phase_transfer
from pipelines.synthetic.extracts import common
from pipelines.synthetic.extracts.common import CITY_DATE, blade, day_text, flag, lookup
from pipelines.synthetic.streams import Keyed

if TYPE_CHECKING:
    from pipelines.synthetic.extracts.builder import Builder


def build(b: Builder) -> None:
    """Every table of the city's Blade export."""
    keyed = b.keyed("city")
    person, requests, plans = b.council_cases(cal.CITY, "city_person", keyed)
    city_person(b, person)
    requests = city_requests(b, keyed, requests)
    assessment_ids = city_assessment(b, keyed, requests)
    named_ids = city_namedplan(b, keyed, plans, assessment_ids)
    city_plandetail(b, keyed, named_ids)
    active_ids = city_activeplans(b, keyed, plans, requests.select("request", "requeststableid"))
    city_placementdetail(b, keyed, active_ids)
    city_senneed(b, keyed, active_ids)


def _yes_no(*columns: str) -> dict[str, pl.Expr]:
    """Blade's 1/0 flags, each column named as the true flag behind it."""
    return {column: flag(column, "1", "0") for column in columns}


def _setting() -> dict[str, pl.Expr]:
    """The setting columns a plan's detail and a placement share."""
    return {
        "sensetting": common.setting_code(),
        "sensettingother": pl.lit(None, pl.String),
        "placementrank": pl.lit("1"),
        "senunitindicator": flag("sen_unit", "1", "0"),
        "resourcedprovisionindicator": flag("resourced", "1", "0"),
    }


def _of_plans(
    b: Builder,
    keyed: Keyed,
    table: str,
    frame: pl.DataFrame,
    plan_ids: pl.DataFrame,
    key: str,
    *,
    settings: bool = False,
) -> pl.DataFrame:
    """The rows of `frame` (settings, placements, needs) of the plans in `plan_ids`, each with
    its Blade ids, drawn from its `key` column (and its setting's URN or UKPRN)."""
    frame = frame.join(plan_ids, on="plan", maintain_order="left").with_columns(_key=key)
    frame = blade(frame, keyed, table, b.universe[key])
    return b.settings_of(frame) if settings else frame


def city_person(b: Builder, person: pl.DataFrame) -> None:
    """Adds the person records (the council's people, with their planted errors)."""
    view = person
    rows = b.rows("city_person", view["_key"])
    view = view.with_columns(
        uln=pl.when(pl.Series(rows.random(view.height) < 0.7)).then("uln"),
    )
    view = b.corrupt(view, "city_person", {"postcode", "upn", "uln"})
    b.add(
        "city_person",
        view,
        personbirthdate=day_text("dob", CITY_DATE),
        sex=pl.when(pl.Series(rows.random(view.height) < 0.003))
        .then(pl.lit("U"))
        .otherwise(common.sex("city", pl.col("male"))),
        ethnicity=pl.when(pl.Series(rows.random(view.height) < 0.02))
        .then(None)
        .otherwise(lookup("ethnicity", ETHNICITIES)),
        uniquelearnernumber=pl.col("uln"),
        upnunknown=common.upn_unknown(),
        sen2tableid=pl.lit("1"),
    )


def city_requests(b: Builder, keyed: Keyed, requests: pl.DataFrame) -> pl.DataFrame:
    """Adds the requests; returns them with their Blade ids."""
    requests = blade(
        requests.with_columns(_key="request"), keyed, "city_requests", b.universe["request"]
    )
    b.add(
        "city_requests",
        requests,
        receiveddate=day_text("received", CITY_DATE),
        requestsource=pl.when(pl.col("outcome") != "H").then("source"),
        requestoutcomedate=day_text("decision", CITY_DATE),
        requestoutcome=pl.col("outcome"),
        requestmediation=flag("request_mediation", "1", "0"),
        requesttribunal=flag("request_tribunal", "1", "0"),
        **_yes_no("rya", "exported"),
    )
    return requests


def city_assessment(b: Builder, keyed: Keyed, requests: pl.DataFrame) -> pl.DataFrame:
    """Adds the assessments of the requests that had one; returns their ids by request."""
    assessments = requests.filter(pl.col("assessment") != "")
    assessments = blade(assessments, keyed, "city_assessment", b.universe["request"])
    b.add(
        "city_assessment",
        assessments,
        assessmentoutcome=pl.col("assessment"),
        assessmentoutcomedate=day_text("assessed", CITY_DATE),
        assessmentmediation=flag("assessment_mediation", "1", "0"),
        assessmenttribunal=flag("assessment_tribunal", "1", "0"),
        othermediation=flag("other_mediation", "1", "0"),
        othertribunal=flag("other_tribunal", "1", "0"),
        **_yes_no("week20"),
    )
    return assessments.select("request", "assessmenttableid")


def city_namedplan(
    b: Builder, keyed: Keyed, plans: pl.DataFrame, assessment_ids: pl.DataFrame
) -> pl.DataFrame:
    """Adds the named plans, with their personal budget and residential flags; returns their
    ids by plan."""
    fig = cal.CITY_FIGURES
    plan_frame = plans.join(
        assessment_ids, on="request", how="left", maintain_order="left"
    ).with_columns(_key="plan")
    n = plan_frame.height
    rows = b.rows("city_namedplan", plan_frame["_key"])
    pb = rows.random(n) < fig.personal_budget
    plan_frame = plan_frame.with_columns(
        pb=pl.Series(pb),
        oa=pl.Series(pb & (rows.random(n) < 0.5)),
        dp=pl.Series(pb & (rows.random(n) < 0.6)),
        planres=pl.Series(rows.random(n) < 0.02),
        planwbp=pl.Series(rows.random(n) < 0.005),
    )
    named = blade(plan_frame, keyed, "city_namedplan", b.universe["plan"])
    b.add(
        "city_namedplan",
        named,
        startdate=day_text("start", CITY_DATE),
        ceasedate=day_text("cease", CITY_DATE),
        ceasereason=pl.when(pl.col("reason") != "").then("reason"),
        **_yes_no("planres", "planwbp", "pb", "oa", "dp"),
    )
    return named.select("plan", "namedplantableid", "child")


def city_plandetail(b: Builder, keyed: Keyed, named_ids: pl.DataFrame) -> None:
    """Adds the settings named in each plan."""
    settings = b.world.ehcp.plan_settings
    detail = _of_plans(
        b, keyed, "city_plandetail", settings, named_ids, "plan_setting", settings=True
    )
    b.add("city_plandetail", detail, **_setting())


def city_activeplans(
    b: Builder, keyed: Keyed, plans: pl.DataFrame, request_ids: pl.DataFrame
) -> pl.DataFrame:
    """Adds each plan's latest review and phase transfer dates; returns their ids by plan."""
    e = b.world.ehcp
    latest = (
        e.reviews.join(plans.select("plan"), on="plan")
        .group_by("plan")
        .agg(pl.all().sort_by("number").last())
    )
    frame = (
        plans.join(request_ids, on="request", how="left", maintain_order="left")
        .join(latest, on="plan", how="left", maintain_order="left")
        .join(b.people.select("child", "dob"), on="child", how="left", maintain_order="left")
    )
    a = b.world.a
    until = np.where(frame["cease"].to_numpy() >= 0, frame["cease"].to_numpy(), a)
    due, final = phase_transfer(
        frame["dob"].to_numpy(),
        frame["start"].to_numpy(),
        until,
        a,
        b.rows("city_activeplans", frame["plan"]),
    )
    outcome_code = codes.inverse("city_review_outcome", "city_review_outcome", "review_outcome")
    placement_flags = e.placements.group_by("plan").agg(
        res=pl.col("res").any(), wbp=pl.col("wbp").any()
    )
    frame = frame.join(placement_flags, on="plan", how="left", maintain_order="left")
    frame = frame.with_columns(due=pl.Series(due), final=pl.Series(final))
    frame = blade(frame.with_columns(_key="plan"), keyed, "city_activeplans", b.universe["plan"])
    b.add(
        "city_activeplans",
        frame,
        transferla=lookup("transfer_from", cal.LA_CODES),
        res=flag(pl.col("res").fill_null(False), "1", "0"),
        wbp=flag(pl.col("wbp").fill_null(False), "1", "0"),
        reviewmeeting=day_text("meeting", CITY_DATE),
        reviewoutcome=pl.col("outcome").replace_strict(outcome_code, default=None),
        reviewdraft=day_text("draft", CITY_DATE),
        phasetransferduedate=day_text("due", CITY_DATE),
        phasetransferfinaldate=day_text("final", CITY_DATE),
        lastreview=day_text("decision", CITY_DATE),
    )
    return frame.select("plan", "activeplanstableid", "child")


def city_placementdetail(b: Builder, keyed: Keyed, active_ids: pl.DataFrame) -> None:
    """Adds each active plan's placements."""
    placements = _of_plans(
        b,
        keyed,
        "city_placementdetail",
        b.world.ehcp.placements,
        active_ids,
        "placement",
        settings=True,
    )
    b.add(
        "city_placementdetail",
        placements,
        entrydate=day_text("entry", CITY_DATE),
        leavingdate=day_text("leaving", CITY_DATE),
        **_setting(),
        **_yes_no("res", "wbp"),
    )


def city_senneed(b: Builder, keyed: Keyed, active_ids: pl.DataFrame) -> None:
    """Adds each active plan's SEN needs, ranked."""
    b.add(
        "city_senneed",
        _of_plans(b, keyed, "city_senneed", b.world.ehcp.needs, active_ids, "need_row"),
        sentype=lookup("need", SEN_TYPES),
        sentyperank=pl.col("rank").cast(pl.String),
    )
