"""Each council's SEN support list (its pupils at the latest school census) and its high-needs
top-up funding list: one function per table, the two councils' lists cut alike and written in
each council's own columns, codes and formats."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from pipelines.synthetic import calibration as cal
from pipelines.synthetic import codes, names
from pipelines.synthetic.ehcp import ETHNICITIES, SEN_TYPES
from pipelines.synthetic.extracts import common
from pipelines.synthetic.extracts.common import COUNTY_DATE, ISO_DATE, day_text, lookup, with_ids
from pipelines.synthetic.extracts.county import NEED_CODE

if TYPE_CHECKING:
    from pipelines.synthetic.extracts.builder import Builder

SEN_SUPPORT_PROVISION = "K"
CITY_BANDS = "ABCDEF"
COUNTY_BANDS = "123456"


def build(b: Builder) -> None:
    """Both councils' SEN support and top-up funding lists."""
    city_sen_support(b)
    county_sen_support(b)
    city_topup_funding(b)
    county_topup_funding(b)


def _pupils(b: Builder, council: int, table: str) -> pl.DataFrame:
    """The council's pupils on SEN support, with their school and planted errors, in PupilID
    order."""
    listed = b.people.filter(pl.col("listed_la") == council)["child"]
    view = b.person_view(listed, council).join(
        b.settings.rename({"setting": "school"}),
        on="school",
        how="left",
        maintain_order="left",
    )
    view = with_ids(
        view.with_columns(_key="child"),
        b.keyed(table),
        "PupilID",
        b.universe["child"],
        low=10_000_000,
        high=99_999_999,
    )
    view = b.corrupt(view.with_columns(record_id=pl.col("PupilID")), table, {"postcode", "upn"})
    return view.sort("PupilID")


def _primary_need() -> pl.Expr:
    """A pupil's primary need as a SEN type code (NSA where not assessed)."""
    no_assessment = SEN_TYPES.index(codes.code("sen_type", "NSA"))
    return lookup(pl.when(pl.col("need1") >= 0).then("need1").otherwise(no_assessment), SEN_TYPES)


def city_sen_support(b: Builder) -> None:
    """Adds the city's SEN support list."""
    b.add(
        "city_sen_support",
        _pupils(b, cal.CITY, "city_sen_support"),
        LAEstab=pl.col("la_code") + pl.col("estab_number"),
        URN=pl.col("urn"),
        UPN=pl.col("upn"),
        Surname=pl.col("surname"),
        Forename=pl.col("forename"),
        DOB=day_text("dob", ISO_DATE),
        Gender=common.sex("city", pl.col("male")),
        Ethnicity=lookup("ethnicity", ETHNICITIES),
        Postcode=pl.col("postcode"),
        SENprovision=pl.lit(SEN_SUPPORT_PROVISION),
        SENtype1=_primary_need(),
        SENtype2=lookup("need2", SEN_TYPES),
        CensusDate=pl.lit(b.census_day.isoformat()),
    )


def county_sen_support(b: Builder) -> None:
    """Adds the county's SEN support list."""
    b.add(
        "county_sen_support",
        _pupils(b, cal.COUNTY, "county_sen_support"),
        PupilUPN=pl.col("upn"),
        LegalSurname=names.to_cp1252(pl.col("surname")),
        LegalForename=names.to_cp1252(pl.col("forename")),
        DateOfBirth=day_text("dob", COUNTY_DATE),
        Sex=pl.when(pl.col("male")).then(pl.lit("M")).otherwise(pl.lit("F")),
        PostCode=pl.col("postcode"),
        SchoolURN=pl.col("urn"),
        SENProvision=pl.lit(SEN_SUPPORT_PROVISION),
        PrimaryNeed=_primary_need().replace_strict(NEED_CODE),
        SecondaryNeed=lookup("need2", SEN_TYPES).replace_strict(NEED_CODE, default=None),
        CensusDate=pl.lit(b.census_day.strftime(COUNTY_DATE)),
    )


def _funding_lines(b: Builder, council: int, table: str, prefix: str) -> pl.DataFrame:
    """The council's top-up funding lines, each with its child, setting and reference (`prefix`
    and a number), and the planted errors."""
    lines = b.world.funding.filter(pl.col("la") == council)
    line = lines.select("setting", "period_start", "period_end", "band", "amount", _key="line")
    view = b.person_view(lines["child"], council).drop("school").hstack(line)
    view = b.settings_of(view)
    view = with_ids(
        view,
        b.keyed(table),
        "record_id",
        b.universe["line"],
        text=prefix + "{}",
        low=100_000,
        high=999_999,
    )
    return b.corrupt(view, table, {"upn"})


def city_topup_funding(b: Builder) -> None:
    """Adds the city's top-up funding list."""
    view = _funding_lines(b, cal.CITY, "city_topup_funding", "HN")
    b.add(
        "city_topup_funding",
        view.sort("record_id"),
        FundingLineID=pl.col("record_id"),
        UPN=pl.col("upn"),
        Surname=pl.col("surname"),
        Forename=pl.col("forename"),
        DOB=day_text("dob", ISO_DATE),
        URN=pl.col("urn").fill_null(pl.col("ukprn")),
        Band=lookup("band", CITY_BANDS),
        PeriodStart=day_text("period_start", ISO_DATE),
        PeriodEnd=day_text("period_end", ISO_DATE),
        AnnualAmountGBP=pl.col("amount").cast(pl.Int64).cast(pl.String) + ".00",
    )


def _pounds(amount: pl.Expr) -> pl.Expr:
    """A whole amount as the county writes it: £12,345.00."""
    pounds = amount.cast(pl.Int64)
    thousands = (pounds // 1000).cast(pl.String)
    rest = (pounds % 1000).cast(pl.String).str.zfill(3)
    return (
        pl.when(pounds >= 1000)
        .then(pl.format("£{},{}.00", thousands, rest))
        .otherwise(pl.format("£{}.00", pounds.cast(pl.String)))
    )


def county_topup_funding(b: Builder) -> None:
    """Adds the county's top-up funding list, most lines carrying the child's client id."""
    table = "county_topup_funding"
    # County references carry the year of the extract.
    view = _funding_lines(b, cal.COUNTY, table, f"TU{b.world.as_at.year % 100:02d}-")
    assert b.county_clients is not None, "build_county comes before build_lists"
    clients = b.county_clients.filter(pl.col("_record") == 0)
    frame = view.join(
        clients.select("_child", "ClientID"),
        left_on="child",
        right_on="_child",
        how="left",
        maintain_order="left",
    )
    with_client = pl.Series(b.rows(table, frame["_key"]).random(frame.height) < 0.9)
    frame = frame.with_columns(
        FundingRef=pl.col("record_id"),
        ClientID=pl.when(with_client).then("ClientID"),
        UPN=pl.col("upn"),
        Surname=names.to_cp1252(pl.col("surname")),
        Forename=names.to_cp1252(pl.col("forename")),
        DOB=day_text("dob", COUNTY_DATE),
        SchoolURN=pl.col("urn").fill_null(pl.col("ukprn")),
        Band=lookup("band", COUNTY_BANDS),
        StartDate=day_text("period_start", COUNTY_DATE),
        EndDate=day_text("period_end", COUNTY_DATE),
        AnnualTopUp=_pounds(pl.col("amount")),
    ).sort("FundingRef")
    b.add(table, frame)
