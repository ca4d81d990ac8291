"""The source tables as each organisation delivers them (docs/source-extracts.md).

Turns the true world (EHC journeys, children, health activity, funding) into the city's Blade
export and lists, the county's casework tables and lists, and the ICB's CSDS-style tables: text
columns in contract order, in each system's own codes and date formats, with person records
passed through the planted errors of records.py. Each table keeps a hidden `_child` column
(the true child behind the row) for the truth files; it is dropped before writing.

Every random choice about a row (its ids, flags and planted errors) is drawn from the row's own
key (the request, plan or child behind it; streams.Keyed), never from its position, so a record
looks the same in every delivery cut from one world (series.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pipelines.synthetic import calibration as cal
from pipelines.synthetic import codes, health, names, records
from pipelines.synthetic.dates import latest_census_day
from pipelines.synthetic.ehcp import ETHNICITIES, SEN_TYPES
from pipelines.synthetic.streams import Bound, Keyed

CITY_DATE = "%Y-%b-%d 00:00:00"
COUNTY_DATE = "%d/%m/%Y"
ISO_DATE = "%Y-%m-%d"

# Contract column order of every raw table (docs/source-extracts.md).
COLUMNS: dict[str, tuple[str, ...]] = {
    "city_person": (
        "persontableid",
        "NativeId",
        "personorderseqcolumn",
        "sourceid",
        "sen2tableid",
        "surname",
        "forename",
        "personbirthdate",
        "sex",
        "ethnicity",
        "postcode",
        "upn",
        "uniquelearnernumber",
        "upnunknown",
    ),
    "city_requests": (
        "requeststableid",
        "NativeId",
        "requestsorderseqcolumn",
        "sourceid",
        "persontableid",
        "receiveddate",
        "requestsource",
        "rya",
        "requestoutcomedate",
        "requestoutcome",
        "requestmediation",
        "requesttribunal",
        "exported",
    ),
    "city_assessment": (
        "assessmenttableid",
        "NativeId",
        "assessmentorderseqcolumn",
        "sourceid",
        "requeststableid",
        "assessmentoutcome",
        "assessmentoutcomedate",
        "assessmentmediation",
        "assessmenttribunal",
        "othermediation",
        "othertribunal",
        "week20",
    ),
    "city_namedplan": (
        "namedplantableid",
        "NativeId",
        "namedplanorderseqcolumn",
        "sourceid",
        "assessmenttableid",
        "startdate",
        "planres",
        "planwbp",
        "pb",
        "oa",
        "dp",
        "ceasedate",
        "ceasereason",
    ),
    "city_plandetail": (
        "plandetailtableid",
        "NativeId",
        "plandetailorderseqcolumn",
        "sourceid",
        "namedplantableid",
        "urn",
        "ukprn",
        "sensetting",
        "sensettingother",
        "placementrank",
        "senunitindicator",
        "resourcedprovisionindicator",
    ),
    "city_activeplans": (
        "activeplanstableid",
        "NativeId",
        "activeplansorderseqcolumn",
        "sourceid",
        "requeststableid",
        "transferla",
        "res",
        "wbp",
        "reviewmeeting",
        "reviewoutcome",
        "reviewdraft",
        "phasetransferduedate",
        "phasetransferfinaldate",
        "lastreview",
    ),
    "city_placementdetail": (
        "placementdetailtableid",
        "NativeId",
        "placementdetailorderseqcolumn",
        "sourceid",
        "activeplanstableid",
        "urn",
        "ukprn",
        "sensetting",
        "sensettingother",
        "placementrank",
        "entrydate",
        "leavingdate",
        "senunitindicator",
        "resourcedprovisionindicator",
        "res",
        "wbp",
    ),
    "city_senneed": (
        "senneedtableid",
        "NativeId",
        "senneedorderseqcolumn",
        "sourceid",
        "activeplanstableid",
        "sentype",
        "sentyperank",
    ),
    "city_sen_support": (
        "PupilID",
        "LAEstab",
        "URN",
        "UPN",
        "Surname",
        "Forename",
        "DOB",
        "Gender",
        "Ethnicity",
        "Postcode",
        "SENprovision",
        "SENtype1",
        "SENtype2",
        "CensusDate",
    ),
    "city_topup_funding": (
        "FundingLineID",
        "UPN",
        "Surname",
        "Forename",
        "DOB",
        "URN",
        "Band",
        "PeriodStart",
        "PeriodEnd",
        "AnnualAmountGBP",
    ),
    "county_clients": (
        "ClientID",
        "FamilyName",
        "GivenName",
        "DateOfBirth",
        "Gender",
        "Ethnicity",
        "PostCode",
        "UPN",
        "ULN",
        "UPNMissingReason",
        "NHSNumber",
    ),
    "county_requests": (
        "RequestID",
        "ClientID",
        "DateReceived",
        "RequestedBy",
        "DecisionDate",
        "Decision",
        "MovedOutBeforeDecision",
    ),
    "county_assessments": (
        "AssessmentID",
        "RequestID",
        "Outcome",
        "OutcomeDate",
        "TwentyWeekException",
    ),
    "county_plans": (
        "PlanID",
        "AssessmentID",
        "ClientID",
        "StartDate",
        "EndDate",
        "EndReason",
        "TransferredFromLA",
        "PersonalBudget",
    ),
    "county_plan_settings": ("PlanSettingID", "PlanID", "URN", "UKPRN", "SettingCode", "Rank"),
    "county_placements": (
        "PlacementID",
        "PlanID",
        "URN",
        "UKPRN",
        "SettingCode",
        "StartDate",
        "EndDate",
    ),
    "county_needs": ("NeedID", "PlanID", "NeedCode", "NeedRank"),
    "county_reviews": ("ReviewID", "PlanID", "ReviewMeetingDate", "DecisionDate", "Outcome"),
    "county_sen_support": (
        "PupilID",
        "PupilUPN",
        "LegalSurname",
        "LegalForename",
        "DateOfBirth",
        "Sex",
        "PostCode",
        "SchoolURN",
        "SENProvision",
        "PrimaryNeed",
        "SecondaryNeed",
        "CensusDate",
    ),
    "county_topup_funding": (
        "FundingRef",
        "ClientID",
        "UPN",
        "Surname",
        "Forename",
        "DOB",
        "SchoolURN",
        "Band",
        "StartDate",
        "EndDate",
        "AnnualTopUp",
    ),
    "icb_patients": (
        "LocalPatientID",
        "NHSNumber",
        "NHSNumberStatusIndicator",
        "Forename",
        "Surname",
        "PersonBirthDate",
        "Gender",
        "EthnicCategory",
        "Postcode",
        "GPPracticeCode",
    ),
    "icb_referrals": (
        "ReferralID",
        "LocalPatientID",
        "OrgIDProv",
        "ReferralRequestReceivedDate",
        "SourceOfReferral",
        "ServiceTypeReferredTo",
        "ReferralRejectionDate",
        "ServiceDischargeDate",
        "ReferralClosureReason",
    ),
    "icb_care_contacts": (
        "CareContactID",
        "ReferralID",
        "LocalPatientID",
        "CareContactDate",
        "AttendedOrDidNotAttend",
        "ConsultationMechanism",
    ),
}
SOURCE_OF = {name: name.split("_", 1)[0] for name in COLUMNS}
BLADE_PREFIX = {
    "city_person": "P",
    "city_requests": "R",
    "city_assessment": "A",
    "city_namedplan": "NP",
    "city_plandetail": "PD",
    "city_activeplans": "AP",
    "city_placementdetail": "PL",
    "city_senneed": "SN",
}

SEX_CODES = {
    source: codes.codelist("sex")
    .filter(pl.col("source") == source)
    .group_by("sex", maintain_order=True)
    .agg(pl.col("source_code").first())
    for source in ("city", "county", "icb")
}
SEN_SUPPORT_PROVISION = "K"
# The columns of the true population a person record is made from.
PERSON_DETAILS = (
    "child",
    "forename",
    "surname",
    "dob",
    "male",
    "ethnicity",
    "postcode",
    "previous_postcode",
    "upn",
    "upn_reason",
    "uln",
    "nhs",
    "prev_la",
    "home_la",
    "school",
    "need1",
    "need2",
)
CITY_BANDS = "ABCDEF"
COUNTY_BANDS = "123456"


@dataclass
class Table:
    name: str
    # contract columns as text, plus `_child` (the true child) and `_key` (the row's key in the
    # whole world, which its random draws are tied to)
    frame: pl.DataFrame

    @property
    def source(self) -> str:
        return SOURCE_OF[self.name]

    @property
    def id_column(self) -> str:
        return COLUMNS[self.name][0]


def day_text(column: str, fmt: str) -> pl.Expr:
    value = pl.col(column)
    return pl.when(value >= 0).then(value.cast(pl.Int32).cast(pl.Date).dt.strftime(fmt))


def flag(column: str | pl.Expr, yes: str, no: str) -> pl.Expr:
    value = pl.col(column) if isinstance(column, str) else column
    return pl.when(value).then(pl.lit(yes)).otherwise(pl.lit(no))


def _sex(source: str, male: pl.Expr) -> pl.Expr:
    table = dict(SEX_CODES[source].iter_rows())
    return pl.when(male).then(pl.lit(table["M"])).otherwise(pl.lit(table["F"]))


def _with_ids(
    frame: pl.DataFrame,
    keyed: Keyed,
    column: str,
    universe: int,
    start: int = 1,
    *,
    text: str = "{}",
    low: int | None = None,
    high: int | None = None,
) -> pl.DataFrame:
    """Add a unique id column from each row's `_key` (0 … universe-1): the ids of the whole
    world shuffled (sequential from `start`, or random in [low, high)), so a row keeps its id in
    every delivery."""
    keys = frame["_key"].to_numpy()
    if low is not None:
        values = keyed.numbers(keys, column, universe, low, high)
    else:
        values = keyed.ids(keys, column, universe, start)
    prefix, suffix = text.split("{}")
    ids = pl.Series(values.astype(np.int64)).cast(pl.String)
    return frame.with_columns((pl.lit(prefix) + pl.lit(ids) + pl.lit(suffix)).alias(column))


def lookup(column: str | pl.Expr, values) -> pl.Expr:
    """Map an integer index column onto `values` (null where out of range)."""
    value = pl.col(column) if isinstance(column, str) else column
    return value.cast(pl.Int64).replace_strict(
        dict(enumerate(values)), default=None, return_dtype=pl.String
    )


def _blade(frame: pl.DataFrame, keyed: Keyed, table: str, universe: int) -> pl.DataFrame:
    """Blade housekeeping columns: table id, native id, order sequence, source id."""
    module = table.split("_", 1)[1]
    id_column = COLUMNS[table][0]
    frame = _with_ids(frame, keyed, id_column, universe)
    frame = _with_ids(
        frame,
        keyed,
        "NativeId",
        universe,
        text=BLADE_PREFIX[table] + "{}",
        low=1_000_000,
        high=9_999_999,
    )
    frame = frame.sort(pl.col(id_column).cast(pl.Int64))
    return frame.with_columns(
        pl.int_range(1, frame.height + 1).cast(pl.String).alias(f"{module}orderseqcolumn"),
        sourceid=pl.lit("1"),
    )


def _finish(name: str, frame: pl.DataFrame) -> Table:
    return Table(name, frame.select(*COLUMNS[name], "_child", "_key"))


class Builder:
    """Builds every table from the generated world, collecting planted issues on the way."""

    def __init__(self, world) -> None:
        self.world = world
        self.seed = world.seed
        self.tables: dict[str, Table] = {}
        self.issues: list[pl.DataFrame] = []
        people = world.people.frame
        self.people = people
        self.upn_pool = people["upn"].drop_nulls()
        self.nhs_pool = people["nhs"].drop_nulls()
        settings = world.settings.with_row_index("setting").with_columns(
            pl.col("setting").cast(pl.Int64)
        )
        self.settings = settings.select(
            "setting", "urn", "ukprn", "la_code", "estab_number", "setting_type"
        )
        self.census_day = latest_census_day(world.as_at)
        # Key spaces of the whole world (not of this delivery's cut), so ids drawn from them
        # are the same in every delivery.
        whole = world.whole
        self.universe = {
            "child": whole.people.frame.height,
            "patient": 8 * whole.people.frame.height,  # child × provider
            "request": _size(whole.ehcp.requests["request"]),
            "plan": _size(whole.ehcp.plans["plan"]),
            "plan_setting": _size(whole.ehcp.plan_settings["plan_setting"]),
            "placement": _size(whole.ehcp.placements["placement"]),
            "need_row": _size(whole.ehcp.needs["need_row"]),
            "review": _size(whole.ehcp.reviews["review"]),
            "line": _size(whole.funding["line"]),
        }
        # Each council's children over the whole world, numbered densely (a record's key is
        # 2 × number + 0 or 1), and those with a second council record: decided on the whole
        # world, so a child's records are the same in every delivery.
        self.duplicated = {}
        self.known = {}
        for council in (cal.CITY, cal.COUNTY):
            known = pl.concat(
                [
                    frame.filter(pl.col("la") == council).select("child")
                    for frame in (whole.ehcp.requests, whole.ehcp.plans)
                ]
            ).unique()
            self.known[council] = known.sort("child").with_row_index("number")
            multi = (
                whole.ehcp.requests.filter(pl.col("la") == council)
                .group_by("child")
                .len()
                .filter(pl.col("len") >= 2)
                .sort("child")["child"]
            )
            chosen = self.keyed(f"people/{council}").random(multi.to_numpy(), "duplicate") < 0.3
            self.duplicated[council] = multi.filter(pl.Series(chosen))

    def keyed(self, name: str) -> Keyed:
        return Keyed(self.seed, f"extract/{name}")

    def rows(self, name: str, keys) -> Bound:
        """Draws for one table's rows, tied to their keys."""
        return Bound(self.seed, f"extract/rows/{name}", keys)

    def add(self, table: Table) -> None:
        self.tables[table.name] = table

    def take(self) -> dict[str, Table]:
        """The tables built since the last call, handed over (and forgotten here)."""
        tables, self.tables = self.tables, {}
        return tables

    # --- shared pieces ------------------------------------------------------------------------

    def person_view(self, child: pl.Series, council: int | None) -> pl.DataFrame:
        """True details of each child as a council (or health) record starts out."""
        frame = pl.DataFrame({"child": child}).join(
            self.people.select(PERSON_DETAILS), on="child", how="left", maintain_order="left"
        )
        if council is not None:
            # A child who moved out of the partnership keeps the old address on the council's
            # record; one who moved to the partner council carries the new one (the council
            # knows where the family went: that is why it ceased the plan for transfer).
            moved_away = (
                (pl.col("prev_la") == council)
                & (pl.col("home_la") != council)
                & (pl.col("home_la") != 1 - council)
            )
            frame = frame.with_columns(
                postcode=pl.when(moved_away & pl.col("previous_postcode").is_not_null())
                .then("previous_postcode")
                .otherwise("postcode"),
                previous_postcode=pl.when(moved_away).then(None).otherwise("previous_postcode"),
            )
        return frame

    def corrupt(
        self, frame: pl.DataFrame, table: str, fields: set[str], *, missing_nhs: bool = True
    ) -> pl.DataFrame:
        corrupted, issues = records.corrupt(
            frame,
            draws=Bound(self.seed, f"corrupt/{SOURCE_OF[table]}/{table}", frame["_key"]),
            as_at=self.world.a,
            end=self.world.whole.a,
            source=SOURCE_OF[table],
            table=table,
            fields=fields,
            upn_pool=self.upn_pool,
            nhs_pool=self.nhs_pool,
            nhs_spare=self.world.people.nhs_spare,
            missing_nhs=missing_nhs,
        )
        self.issues.append(issues)
        return corrupted

    def _county_ids(
        self, frame: pl.DataFrame, keyed: Keyed, key: str, column: str, low: int, high: int
    ) -> pl.DataFrame:
        """A county casework id, random in [low, high) and drawn from the row's `key` column;
        rows in id order, as the county's system exports them."""
        frame = frame.with_columns(_key=key)
        return _with_ids(frame, keyed, column, self.universe[key], low=low, high=high).sort(column)

    def settings_of(self, frame: pl.DataFrame, column: str = "setting") -> pl.DataFrame:
        return frame.join(
            self.settings.rename({"setting": column}),
            on=column,
            how="left",
            maintain_order="left",
        ).with_columns(
            urn=pl.when(pl.col("setting_type") != "further_education").then("urn"),
            ukprn=pl.when(pl.col("setting_type") == "further_education").then("ukprn"),
        )

    # --- city ---------------------------------------------------------------------------------

    def build_city(self) -> None:
        e = self.world.ehcp
        keyed = self.keyed("city")
        city = cal.CITY
        requests = e.requests.filter(pl.col("la") == city)
        plans = e.plans.filter(pl.col("la") == city)
        person, first = self._council_people(requests, plans, city, "city_person", keyed)
        person_of = person.select("_child", "_record", "persontableid")

        view = person
        rows = self.rows("city_person", view["_key"])
        view = view.with_columns(
            uln=pl.when(pl.Series(rows.random(view.height) < 0.7)).then("uln"),
        )
        view = self.corrupt(view, "city_person", {"postcode", "upn", "uln"})
        frame = view.with_columns(
            surname=pl.col("surname"),
            forename=pl.col("forename"),
            personbirthdate=day_text("dob", CITY_DATE),
            sex=pl.when(pl.Series(rows.random(view.height) < 0.003))
            .then(pl.lit("U"))
            .otherwise(_sex("city", pl.col("male"))),
            ethnicity=pl.when(pl.Series(rows.random(view.height) < 0.02))
            .then(None)
            .otherwise(lookup("ethnicity", ETHNICITIES)),
            upn=pl.col("upn"),
            uniquelearnernumber=pl.col("uln"),
            upnunknown=pl.when(pl.col("upn").is_null()).then(
                pl.col("upn_reason").fill_null(codes.code("upn_unknown", "UN8"))
            ),
            sen2tableid=pl.lit("1"),
            _child=pl.col("child"),
        )
        self.add(_finish("city_person", frame))

        # Requests, hung on the person record that holds them.
        requests = requests.with_columns(
            _record=pl.col("request").is_in(first.implode()).cast(pl.Int32)
        ).join(
            person_of,
            left_on=["child", "_record"],
            right_on=["_child", "_record"],
            how="left",
            maintain_order="left",
        )
        requests = _blade(
            requests.with_columns(_key="request"), keyed, "city_requests", self.universe["request"]
        )
        self.add(
            _finish(
                "city_requests",
                requests.with_columns(
                    receiveddate=day_text("received", CITY_DATE),
                    requestsource=pl.when(pl.col("outcome") != "H").then("source"),
                    rya=flag("rya", "1", "0"),
                    requestoutcomedate=day_text("decision", CITY_DATE),
                    requestoutcome=pl.col("outcome"),
                    requestmediation=flag("request_mediation", "1", "0"),
                    requesttribunal=flag("request_tribunal", "1", "0"),
                    exported=flag("exported", "1", "0"),
                    _child=pl.col("child"),
                ),
            )
        )
        request_ids = requests.select("request", "requeststableid")

        assessments = requests.filter(pl.col("assessment") != "")
        assessments = _blade(assessments, keyed, "city_assessment", self.universe["request"])
        self.add(
            _finish(
                "city_assessment",
                assessments.with_columns(
                    assessmentoutcome=pl.col("assessment"),
                    assessmentoutcomedate=day_text("assessed", CITY_DATE),
                    assessmentmediation=flag("assessment_mediation", "1", "0"),
                    assessmenttribunal=flag("assessment_tribunal", "1", "0"),
                    othermediation=flag("other_mediation", "1", "0"),
                    othertribunal=flag("other_tribunal", "1", "0"),
                    week20=flag("week20", "1", "0"),
                    _child=pl.col("child"),
                ),
            )
        )
        assessment_ids = assessments.select("request", "assessmenttableid")

        fig = cal.CITY_FIGURES
        plan_frame = plans.join(
            assessment_ids, on="request", how="left", maintain_order="left"
        ).with_columns(_key="plan")
        n = plan_frame.height
        rows = self.rows("city_namedplan", plan_frame["_key"])
        pb = rows.random(n) < fig.personal_budget
        plan_frame = plan_frame.with_columns(
            pb=pl.Series(pb),
            oa=pl.Series(pb & (rows.random(n) < 0.5)),
            dp=pl.Series(pb & (rows.random(n) < 0.6)),
            planres=pl.Series(rows.random(n) < 0.02),
            planwbp=pl.Series(rows.random(n) < 0.005),
        )
        named = _blade(plan_frame, keyed, "city_namedplan", self.universe["plan"])
        self.add(
            _finish(
                "city_namedplan",
                named.with_columns(
                    startdate=day_text("start", CITY_DATE),
                    planres=flag("planres", "1", "0"),
                    planwbp=flag("planwbp", "1", "0"),
                    pb=flag("pb", "1", "0"),
                    oa=flag("oa", "1", "0"),
                    dp=flag("dp", "1", "0"),
                    ceasedate=day_text("cease", CITY_DATE),
                    ceasereason=pl.when(pl.col("reason") != "").then("reason"),
                    _child=pl.col("child"),
                ),
            )
        )
        named_ids = named.select("plan", "namedplantableid", "child")

        detail = e.plan_settings.join(named_ids, on="plan", maintain_order="left")
        detail = self.settings_of(detail).with_columns(_key="plan_setting")
        detail = _blade(detail, keyed, "city_plandetail", self.universe["plan_setting"])
        self.add(
            _finish(
                "city_plandetail",
                detail.with_columns(
                    sensetting=pl.when(pl.col("sen_setting") != "").then("sen_setting"),
                    sensettingother=pl.lit(None, pl.String),
                    placementrank=pl.lit("1"),
                    senunitindicator=flag("sen_unit", "1", "0"),
                    resourcedprovisionindicator=flag("resourced", "1", "0"),
                    _child=pl.col("child"),
                ),
            )
        )

        active = self._city_active(plans, request_ids, keyed)
        active_ids = active.select("plan", "activeplanstableid", "child")
        placements = e.placements.join(active_ids, on="plan", maintain_order="left")
        placements = _blade(
            self.settings_of(placements).with_columns(_key="placement"),
            keyed,
            "city_placementdetail",
            self.universe["placement"],
        )
        self.add(
            _finish(
                "city_placementdetail",
                placements.with_columns(
                    sensetting=pl.when(pl.col("sen_setting") != "").then("sen_setting"),
                    sensettingother=pl.lit(None, pl.String),
                    placementrank=pl.lit("1"),
                    entrydate=day_text("entry", CITY_DATE),
                    leavingdate=day_text("leaving", CITY_DATE),
                    senunitindicator=flag("sen_unit", "1", "0"),
                    resourcedprovisionindicator=flag("resourced", "1", "0"),
                    res=flag("res", "1", "0"),
                    wbp=flag("wbp", "1", "0"),
                    _child=pl.col("child"),
                ),
            )
        )

        needs = e.needs.join(active_ids, on="plan", maintain_order="left")
        needs = _blade(
            needs.with_columns(_key="need_row"), keyed, "city_senneed", self.universe["need_row"]
        )
        self.add(
            _finish(
                "city_senneed",
                needs.with_columns(
                    sentype=lookup("need", SEN_TYPES),
                    sentyperank=pl.col("rank").cast(pl.String),
                    _child=pl.col("child"),
                ),
            )
        )

    def _city_active(
        self, plans: pl.DataFrame, request_ids: pl.DataFrame, keyed: Keyed
    ) -> pl.DataFrame:
        from pipelines.synthetic.ehcp import phase_transfer

        e = self.world.ehcp
        latest = (
            e.reviews.join(plans.select("plan"), on="plan")
            .group_by("plan")
            .agg(pl.all().sort_by("number").last())
        )
        frame = (
            plans.join(request_ids, on="request", how="left", maintain_order="left")
            .join(latest, on="plan", how="left", maintain_order="left")
            .join(self.people.select("child", "dob"), on="child", how="left", maintain_order="left")
        )
        a = self.world.a
        until = np.where(frame["cease"].to_numpy() >= 0, frame["cease"].to_numpy(), a)
        due, final = phase_transfer(
            frame["dob"].to_numpy(),
            frame["start"].to_numpy(),
            until,
            a,
            self.rows("city_activeplans", frame["plan"]),
        )
        outcome_code = codes.inverse("city_review_outcome", "city_review_outcome", "review_outcome")
        placement_flags = e.placements.group_by("plan").agg(
            res=pl.col("res").any(), wbp=pl.col("wbp").any()
        )
        frame = frame.join(placement_flags, on="plan", how="left", maintain_order="left")
        frame = frame.with_columns(due=pl.Series(due), final=pl.Series(final))
        frame = _blade(
            frame.with_columns(_key="plan"), keyed, "city_activeplans", self.universe["plan"]
        )
        self.add(
            _finish(
                "city_activeplans",
                frame.with_columns(
                    transferla=lookup("transfer_from", cal.LA_CODES),
                    res=flag(pl.col("res").fill_null(False), "1", "0"),
                    wbp=flag(pl.col("wbp").fill_null(False), "1", "0"),
                    reviewmeeting=day_text("meeting", CITY_DATE),
                    reviewoutcome=pl.col("outcome").replace_strict(outcome_code, default=None),
                    reviewdraft=day_text("draft", CITY_DATE),
                    phasetransferduedate=day_text("due", CITY_DATE),
                    phasetransferfinaldate=day_text("final", CITY_DATE),
                    lastreview=day_text("decision", CITY_DATE),
                    _child=pl.col("child"),
                ),
            )
        )
        return frame

    def _council_people(
        self, requests: pl.DataFrame, plans: pl.DataFrame, council: int, table: str, keyed: Keyed
    ) -> tuple[pl.DataFrame, pl.Series]:
        """One record per child known to the council; some children have a second, older
        record holding their first request (a duplicate the council never merged). Returns
        the records and the requests that belong to the older records."""
        children = (
            pl.concat([requests.select("child"), plans.select("child")]).unique().sort("child")
        )
        dup = self.duplicated[council].filter(
            self.duplicated[council].is_in(children["child"].implode())
        )
        base = self.person_view(children["child"], council).with_columns(_record=pl.lit(0))
        older = self.person_view(dup, council).with_columns(
            _record=pl.lit(1),
            postcode=pl.coalesce("previous_postcode", "postcode"),
        )
        frame = (
            pl.concat([base, older], how="vertical")
            .join(self.known[council], on="child", how="left", maintain_order="left")
            .with_columns(
                _child=pl.col("child"),
                _key=pl.col("number").cast(pl.Int64) * 2 + pl.col("_record"),
            )
            .drop("number")
        )
        id_column = COLUMNS[table][0]
        universe = 2 * self.known[council].height
        if table == "city_person":
            frame = _blade(frame, keyed, table, universe)
        else:
            frame = _with_ids(frame, keyed, id_column, universe, low=100_000, high=999_999)
            frame = frame.sort(id_column)
        frame = frame.with_columns(record_id=pl.col(id_column))
        if dup.len():
            ids = frame.filter(pl.col("_record") == 1).select("child", id_column)
            self.issues.append(
                ids.select(
                    "child",
                    issue_type=pl.lit("duplicate_person_record"),
                    detail=pl.lit("second person record holding the earliest request"),
                    source=pl.lit(SOURCE_OF[table]),
                    table=pl.lit(table),
                    source_record_id=pl.col(id_column),
                )
            )
        # Mark each child's earliest request as belonging to the older record.
        first = (
            requests.sort("received", "request")
            .group_by("child")
            .agg(pl.col("request").first())
            .filter(pl.col("child").is_in(dup.implode()))
        )
        return frame, first["request"]

    # --- county -------------------------------------------------------------------------------

    def build_county(self) -> None:
        e = self.world.ehcp
        keyed = self.keyed("county")
        county = cal.COUNTY
        requests = e.requests.filter(pl.col("la") == county)
        plans = e.plans.filter(pl.col("la") == county)
        clients, first = self._council_people(requests, plans, county, "county_clients", keyed)
        client_of = clients.select("_child", "_record", "ClientID")
        view = clients
        n = view.height
        rows = self.rows("county_clients", view["_key"])
        view = view.with_columns(
            uln=pl.when(pl.Series(rows.random(n) < 0.6)).then("uln"),
            nhs=pl.when(pl.Series(rows.random(n) < cal.COUNTY_NHS_NUMBER)).then("nhs"),
        )
        view = self.corrupt(
            view, "county_clients", {"postcode", "upn", "uln", "nhs"}, missing_nhs=False
        )
        ethnicity_text = codes.inverse("county_ethnicity", "county_ethnicity", "ethnicity")
        spaced = pl.Series(rows.random(n) < cal.COUNTY_NHS_SPACED)
        nhs = pl.col("nhs")
        self.add(
            _finish(
                "county_clients",
                view.with_columns(
                    FamilyName=names.to_cp1252(pl.col("surname")),
                    GivenName=names.to_cp1252(pl.col("forename")),
                    DateOfBirth=day_text("dob", COUNTY_DATE),
                    Gender=_sex("county", pl.col("male")),
                    Ethnicity=lookup("ethnicity", ETHNICITIES).replace_strict(ethnicity_text),
                    PostCode=pl.col("postcode"),
                    UPN=pl.col("upn"),
                    ULN=pl.col("uln"),
                    UPNMissingReason=pl.when(pl.col("upn").is_null()).then(
                        pl.col("upn_reason").fill_null(codes.code("upn_unknown", "UN8"))
                    ),
                    NHSNumber=pl.when(spaced & (nhs.str.len_chars() == 10))
                    .then(
                        pl.concat_str(
                            nhs.str.slice(0, 3),
                            nhs.str.slice(3, 3),
                            nhs.str.slice(6),
                            separator=" ",
                        )
                    )
                    .otherwise(nhs),
                    _child=pl.col("child"),
                ),
            )
        )

        requests = requests.with_columns(
            _record=pl.col("request").is_in(first.implode()).cast(pl.Int32)
        ).join(
            client_of,
            left_on=["child", "_record"],
            right_on=["_child", "_record"],
            how="left",
            maintain_order="left",
        )
        requests = self._county_ids(requests, keyed, "request", "RequestID", 2_000_000, 2_999_999)
        request_rows = self.rows("county_requests", requests["_key"])
        requested_by = codes.inverse("county_requested_by", "county_requested_by", "request_source")
        decision = codes.inverse("county_request_decision", "county_decision", "request_outcome")
        young_person = codes.code("county_requested_by", "Young Person")
        self.add(
            _finish(
                "county_requests",
                requests.with_columns(
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
                    _child=pl.col("child"),
                ),
            )
        )
        assessments = requests.filter(pl.col("assessment") != "")
        assessments = self._county_ids(
            assessments, keyed, "request", "AssessmentID", 3_000_000, 3_999_999
        )
        outcome = codes.inverse("county_assessment_outcome", "county_outcome", "assessment_outcome")
        self.add(
            _finish(
                "county_assessments",
                assessments.with_columns(
                    Outcome=pl.col("assessment").replace_strict(outcome),
                    OutcomeDate=day_text("assessed", COUNTY_DATE),
                    TwentyWeekException=flag("week20", "Y", "N"),
                    _child=pl.col("child"),
                ),
            )
        )

        end_reason = codes.inverse("county_end_reason", "county_end_reason", "cease_reason")
        plan_frame = plans.join(
            assessments.select("request", "AssessmentID"),
            on="request",
            how="left",
            maintain_order="left",
        ).join(
            client_of.filter(pl.col("_record") == 0).select("_child", "ClientID"),
            left_on="child",
            right_on="_child",
            how="left",
            maintain_order="left",
        )
        plan_frame = self._county_ids(plan_frame, keyed, "plan", "PlanID", 4_000_000, 4_999_999)
        plan_rows = self.rows("county_plans", plan_frame["_key"])
        pb = pl.Series(plan_rows.random(plan_frame.height) < cal.COUNTY_FIGURES.personal_budget)
        self.add(
            _finish(
                "county_plans",
                plan_frame.with_columns(
                    StartDate=day_text("start", COUNTY_DATE),
                    EndDate=day_text("cease", COUNTY_DATE),
                    EndReason=pl.when(pl.col("reason") != "").then(
                        pl.col("reason").replace_strict(end_reason, default=None)
                    ),
                    TransferredFromLA=lookup("transfer_from", cal.LA_CODES),
                    PersonalBudget=flag(pb, "Y", "N"),
                    _child=pl.col("child"),
                ),
            )
        )
        plan_ids = plan_frame.select("plan", "PlanID", "child")

        setting_rows = self.settings_of(
            e.plan_settings.join(plan_ids, on="plan", maintain_order="left")
        )
        setting_rows = self._county_ids(
            setting_rows, keyed, "plan_setting", "PlanSettingID", 5_000_000, 5_999_999
        )
        self.add(
            _finish(
                "county_plan_settings",
                setting_rows.with_columns(
                    URN=pl.col("urn"),
                    UKPRN=pl.col("ukprn"),
                    SettingCode=pl.when(pl.col("sen_setting") != "").then("sen_setting"),
                    Rank=pl.lit("1"),
                    _child=pl.col("child"),
                ),
            )
        )
        placements = self.settings_of(e.placements.join(plan_ids, on="plan", maintain_order="left"))
        placements = self._county_ids(
            placements, keyed, "placement", "PlacementID", 6_000_000, 6_999_999
        )
        self.add(
            _finish(
                "county_placements",
                placements.with_columns(
                    URN=pl.col("urn"),
                    UKPRN=pl.col("ukprn"),
                    SettingCode=pl.when(pl.col("sen_setting") != "").then("sen_setting"),
                    StartDate=day_text("entry", COUNTY_DATE),
                    EndDate=day_text("leaving", COUNTY_DATE),
                    _child=pl.col("child"),
                ),
            )
        )
        county_need = codes.inverse("county_need_code", "county_need_code", "sen_type")
        needs = e.needs.join(plan_ids, on="plan", maintain_order="left")
        needs = self._county_ids(needs, keyed, "need_row", "NeedID", 7_000_000, 7_999_999)
        self.add(
            _finish(
                "county_needs",
                needs.with_columns(
                    NeedCode=lookup("need", SEN_TYPES).replace_strict(county_need),
                    NeedRank=pl.when(pl.col("rank") == 1)
                    .then(pl.lit("Primary"))
                    .otherwise(pl.lit("Secondary")),
                    _child=pl.col("child"),
                ),
            )
        )
        review_outcome = codes.inverse(
            "county_review_outcome", "county_review_outcome", "review_outcome"
        )
        reviews = e.reviews.join(plan_ids, on="plan", maintain_order="left")
        reviews = self._county_ids(reviews, keyed, "review", "ReviewID", 10_000_000, 99_999_999)
        self.add(
            _finish(
                "county_reviews",
                reviews.with_columns(
                    ReviewMeetingDate=day_text("meeting", COUNTY_DATE),
                    DecisionDate=day_text("decision", COUNTY_DATE),
                    Outcome=pl.when(pl.col("outcome") != "").then(
                        pl.col("outcome").replace_strict(review_outcome, default=None)
                    ),
                    _child=pl.col("child"),
                ),
            )
        )
        self._county_clients = client_of

    # --- SEN support and top-up lists ---------------------------------------------------------

    def build_lists(self) -> None:
        census = self.census_day.isoformat()
        for council, table in ((cal.CITY, "city_sen_support"), (cal.COUNTY, "county_sen_support")):
            listed = self.people.filter(pl.col("listed_la") == council)["child"]
            view = self.person_view(listed, council).join(
                self.settings.rename({"setting": "school"}),
                on="school",
                how="left",
                maintain_order="left",
            )
            view = _with_ids(
                view.with_columns(_key="child"),
                self.keyed(table),
                "PupilID",
                self.universe["child"],
                low=10_000_000,
                high=99_999_999,
            )
            view = self.corrupt(
                view.with_columns(record_id=pl.col("PupilID")), table, {"postcode", "upn"}
            )
            no_assessment = SEN_TYPES.index(codes.code("sen_type", "NSA"))
            need1 = lookup(
                pl.when(pl.col("need1") >= 0).then("need1").otherwise(no_assessment), SEN_TYPES
            )
            need2 = lookup("need2", SEN_TYPES)
            if council == cal.CITY:
                frame = view.with_columns(
                    LAEstab=pl.col("la_code") + pl.col("estab_number"),
                    URN=pl.col("urn"),
                    UPN=pl.col("upn"),
                    Surname=pl.col("surname"),
                    Forename=pl.col("forename"),
                    DOB=day_text("dob", ISO_DATE),
                    Gender=_sex("city", pl.col("male")),
                    Ethnicity=lookup("ethnicity", ETHNICITIES),
                    Postcode=pl.col("postcode"),
                    SENprovision=pl.lit(SEN_SUPPORT_PROVISION),
                    SENtype1=need1,
                    SENtype2=need2,
                    CensusDate=pl.lit(census),
                    _child=pl.col("child"),
                )
            else:
                county_need = codes.inverse("county_need_code", "county_need_code", "sen_type")
                frame = view.with_columns(
                    PupilUPN=pl.col("upn"),
                    LegalSurname=names.to_cp1252(pl.col("surname")),
                    LegalForename=names.to_cp1252(pl.col("forename")),
                    DateOfBirth=day_text("dob", COUNTY_DATE),
                    Sex=pl.when(pl.col("male")).then(pl.lit("M")).otherwise(pl.lit("F")),
                    PostCode=pl.col("postcode"),
                    SchoolURN=pl.col("urn"),
                    SENProvision=pl.lit(SEN_SUPPORT_PROVISION),
                    PrimaryNeed=need1.replace_strict(county_need),
                    SecondaryNeed=need2.replace_strict(county_need, default=None),
                    CensusDate=pl.lit(self.census_day.strftime(COUNTY_DATE)),
                    _child=pl.col("child"),
                )
            self.add(_finish(table, frame.sort("PupilID")))

        funding = self.world.funding
        for council, table in (
            (cal.CITY, "city_topup_funding"),
            (cal.COUNTY, "county_topup_funding"),
        ):
            keyed = self.keyed(table)
            lines = funding.filter(pl.col("la") == council)
            view = (
                self.person_view(lines["child"], council)
                .drop("school")
                .hstack(
                    lines.select(
                        "setting", "period_start", "period_end", "band", "amount", _key="line"
                    )
                )
            )
            view = self.settings_of(view)
            # County references carry the year of the extract.
            prefix = "HN" if council == cal.CITY else f"TU{self.world.as_at.year % 100:02d}-"
            view = _with_ids(
                view,
                keyed,
                "record_id",
                self.universe["line"],
                text=prefix + "{}",
                low=100_000,
                high=999_999,
            )
            view = self.corrupt(view, table, {"upn"})
            amount = pl.col("amount")
            if council == cal.CITY:
                frame = view.with_columns(
                    FundingLineID=pl.col("record_id"),
                    UPN=pl.col("upn"),
                    Surname=pl.col("surname"),
                    Forename=pl.col("forename"),
                    DOB=day_text("dob", ISO_DATE),
                    URN=pl.col("urn").fill_null(pl.col("ukprn")),
                    Band=lookup("band", CITY_BANDS),
                    PeriodStart=day_text("period_start", ISO_DATE),
                    PeriodEnd=day_text("period_end", ISO_DATE),
                    AnnualAmountGBP=amount.cast(pl.Int64).cast(pl.String) + ".00",
                    _child=pl.col("child"),
                )
                frame = frame.sort("FundingLineID")
            else:
                pounds = amount.cast(pl.Int64)
                thousands = (pounds // 1000).cast(pl.String)
                rest = (pounds % 1000).cast(pl.String).str.zfill(3)
                text = (
                    pl.when(pounds >= 1000)
                    .then(pl.format("£{},{}.00", thousands, rest))
                    .otherwise(pl.format("£{}.00", pounds.cast(pl.String)))
                )
                clients = self._county_clients.filter(pl.col("_record") == 0)
                frame = view.join(
                    clients.select("_child", "ClientID"),
                    left_on="child",
                    right_on="_child",
                    how="left",
                    maintain_order="left",
                )
                frame = frame.with_columns(
                    FundingRef=pl.col("record_id"),
                    ClientID=pl.when(
                        pl.Series(self.rows(table, frame["_key"]).random(frame.height) < 0.9)
                    ).then("ClientID"),
                    UPN=pl.col("upn"),
                    Surname=names.to_cp1252(pl.col("surname")),
                    Forename=names.to_cp1252(pl.col("forename")),
                    DOB=day_text("dob", COUNTY_DATE),
                    SchoolURN=pl.col("urn").fill_null(pl.col("ukprn")),
                    Band=lookup("band", COUNTY_BANDS),
                    StartDate=day_text("period_start", COUNTY_DATE),
                    EndDate=day_text("period_end", COUNTY_DATE),
                    AnnualTopUp=text,
                    _child=pl.col("child"),
                ).sort("FundingRef")
            self.add(_finish(table, frame))

    # --- ICB ----------------------------------------------------------------------------------

    def build_icb(self) -> None:
        h = self.world.health
        patients = h.patients.sort("patient")
        view = self.person_view(patients["child"], None).with_columns(
            record_id=patients["patient"],
            _key=patients["child"] * 8 + patients["provider"].cast(pl.Int64),
        )
        view = self.corrupt(view, "icb_patients", {"postcode", "nhs"})
        n = view.height
        rng = self.rows("icb_patients", view["_key"])
        status = np.where(rng.random(n) < 0.9, "01", "02")
        missing_status = np.array(["03", "04", "07"])[rng.integers(0, 3, n)]
        for code_ in ("01", "02", "03", "04", "07"):
            codes.code("nhs_number_status", code_)
        nhs_ethnic = codes.inverse("nhs_ethnic_category", "nhs_ethnic_category", "ethnicity")
        unknown_ethnicity = codes.code("nhs_ethnic_category", "99")
        # Categories with no NHS equivalent (Traveller, Gypsy/Roma) fall under "any other White".
        group = codes.mapping("ethnicity", "ethnicity", "ethnicity_group")
        for code_ in ETHNICITIES:
            if code_ not in nhs_ethnic:
                nhs_ethnic[code_] = (
                    nhs_ethnic[codes.code("ethnicity", "WOTH")]
                    if group[code_] == "White"
                    else unknown_ethnicity
                )
        sex = _sex("icb", pl.col("male"))
        not_stated = codes.codelist("sex").filter(
            (pl.col("source") == "icb") & (pl.col("sex") == "U")
        )["source_code"][0]
        practice = pl.format(
            "C84{}", (pl.col("child") * 7919 % 150 + 1).cast(pl.String).str.zfill(3)
        )
        frame = view.with_columns(
            LocalPatientID=pl.col("record_id"),
            NHSNumber=pl.col("nhs"),
            NHSNumberStatusIndicator=pl.when(pl.col("nhs").is_not_null())
            .then(pl.Series(status))
            .otherwise(pl.Series(missing_status)),
            Forename=pl.col("forename"),
            Surname=pl.col("surname"),
            PersonBirthDate=day_text("dob", ISO_DATE),
            Gender=pl.when(pl.Series(rng.random(n) < 0.005))
            .then(pl.lit(not_stated))
            .otherwise(sex),
            EthnicCategory=pl.when(pl.Series(rng.random(n) < 0.08))
            .then(pl.lit(unknown_ethnicity))
            .otherwise(lookup("ethnicity", ETHNICITIES).replace_strict(nhs_ethnic)),
            Postcode=pl.when(pl.Series(rng.random(n) < 0.003))
            .then(pl.lit("ZZ99 3VZ"))
            .otherwise("postcode"),
            GPPracticeCode=practice,
            _child=pl.col("child"),
        )
        self.add(_finish("icb_patients", frame))

        referrals = h.referrals.sort("referral")
        self.add(
            _finish(
                "icb_referrals",
                referrals.with_columns(
                    ReferralID=pl.col("referral").cast(pl.String),
                    LocalPatientID=pl.col("patient"),
                    OrgIDProv=lookup("provider", health.PROVIDERS),
                    ReferralRequestReceivedDate=day_text("received", ISO_DATE),
                    SourceOfReferral=lookup("source", list(health.SOURCE_OF_REFERRAL)),
                    ServiceTypeReferredTo=lookup("service", health.SERVICE_TEXT),
                    ReferralRejectionDate=day_text("rejection", ISO_DATE),
                    ServiceDischargeDate=day_text("discharge", ISO_DATE),
                    ReferralClosureReason=lookup("closure", list(health.CLOSURE_REASON)),
                    _child=pl.col("child"),
                    _key=pl.col("referral"),
                ),
            )
        )
        contacts = h.contacts.sort("contact")
        self.add(
            _finish(
                "icb_care_contacts",
                contacts.with_columns(
                    CareContactID=pl.col("contact").cast(pl.String),
                    ReferralID=pl.col("referral").cast(pl.String),
                    LocalPatientID=pl.col("patient"),
                    CareContactDate=day_text("date", ISO_DATE),
                    AttendedOrDidNotAttend=lookup("attendance", health.ATTENDANCE_CODES),
                    ConsultationMechanism=lookup("mechanism", list(health.CONSULTATION_MECHANISM)),
                    _child=pl.col("child"),
                    _key=pl.col("contact"),
                ),
            )
        )


def _size(ids: pl.Series) -> int:
    """Size of a key space 0 … max (a key is a dense row number of the whole world)."""
    return int(ids.max()) + 1 if ids.len() else 0
