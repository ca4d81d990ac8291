"""The overlaps and gaps of docs/marts.md, computed over the true world: the truth the marts are
tested against.

This is the second, independent implementation of the definitions in docs/marts.md (the dbt marts
are the first): polars over the generator's own tables (integer day numbers, council 0 = city,
1 = county, 2 = outside), never over the extracts. Clock lengths come from
`dbt_project/seeds/reference/clocks.csv`, service clocks and `send_relevant` from
`schemas/codelists/health_service.csv`, need → service pairs from
`dbt_project/seeds/reference/need_health_services.csv`, attended codes from
`schemas/codelists/attendance.csv`, so a changed clock changes both implementations at once.

`compute(world)` returns one row per instance: `child`, `category` (`overlap` or `gap`),
`issue_type`, `organisation` (`city`, `county`, `icb`, `city+county`), `since` (a date),
`service` (where the matching key has it) and a `detail` in words.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from pipelines.synthetic import calibration as cal
from pipelines.synthetic import codes, health
from pipelines.synthetic.clocks import clock_days, due
from pipelines.synthetic.dates import day, latest_census_day
from pipelines.synthetic.ehcp import (
    HISTORIC,
    IN_PROGRESS,
    NO_PLAN,
    PENDING,
    PLAN_ISSUED,
    SEN_TYPES,
    TRANSFER,
    WITHDRAWN,
    YES,
)
from pipelines.synthetic.reference import SEED_DIR

OVERLAP_TYPES = (
    "dual_plans",
    "dual_topup",
    "duplicate_referral",
    "dual_assessment",
    "dual_caseload",
)
GAP_TYPES = (
    "request_no_decision",
    "assessment_no_plan",
    "transfer_not_taken_on",
    "annual_review_overdue",
    "review_decision_late",
    "health_need_no_referral",
    "health_wait_over_clock",
    "plan_no_placement",
    "icb_only_send",
)
SCHEMA = {
    "child": pl.Int64,
    "category": pl.String,
    "issue_type": pl.String,
    "organisation": pl.String,
    "since": pl.Date,
    "service": pl.String,
    "detail": pl.String,
}
COUNCIL = {cal.CITY: "city", cal.COUNTY: "county", cal.OUTSIDE: "icb"}
BOTH = "city+county"
NOT_IN_EDUCATION = tuple(codes.code("sen_setting", c) for c in ("NEET", "NIEC", "NIEO"))
SERVICES = codes.values("health_service", "service")


# --- reference data -------------------------------------------------------------------------


@cache
def service_clocks() -> dict[int, int]:
    """Service index (position in health_service.csv) → clock in days."""
    weeks = codes.values("health_service", "clock_weeks")
    return {i: 7 * int(w) for i, w in enumerate(weeks)}


@cache
def send_relevant_services() -> tuple[int, ...]:
    flags = codes.values("health_service", "send_relevant")
    return tuple(i for i, f in enumerate(flags) if f.lower() == "true")


@cache
def need_services() -> dict[int, int]:
    """Primary need index (into SEN_TYPES) → service index, from need_health_services.csv."""
    frame = pl.read_csv(SEED_DIR / "need_health_services.csv", infer_schema=False)
    return {
        SEN_TYPES.index(codes.code("sen_type", need)): SERVICES.index(
            codes.code("health_service", service, "service")
        )
        for need, service in frame.select("sen_type", "service").iter_rows()
    }


@cache
def attended_indices() -> tuple[int, ...]:
    """Attendance indices (as health.py stores them) whose code counts as attended."""
    attended = dict(
        zip(codes.values("attendance"), codes.values("attendance", "attended"), strict=True)
    )
    return tuple(i for i, c in enumerate(health.ATTENDANCE_CODES) if attended[c].lower() == "true")


# --- helpers --------------------------------------------------------------------------------


def _date(column: str | pl.Expr) -> pl.Expr:
    value = pl.col(column) if isinstance(column, str) else column
    return value.cast(pl.Int32).cast(pl.Date)


def _text(column: str | pl.Expr) -> pl.Expr:
    return _date(column).dt.strftime("%Y-%m-%d")


def _council(column: str | pl.Expr) -> pl.Expr:
    value = pl.col(column) if isinstance(column, str) else column
    return value.cast(pl.Int64).replace_strict(COUNCIL, return_dtype=pl.String)


def _service(column: str | pl.Expr) -> pl.Expr:
    value = pl.col(column) if isinstance(column, str) else column
    return value.cast(pl.Int64).replace_strict(dict(enumerate(SERVICES)), return_dtype=pl.String)


def _rows(frame: pl.DataFrame, category: str, issue_type: str, **columns: pl.Expr) -> pl.DataFrame:
    """Shape instances into the truth schema (`since` given as an integer day)."""
    exprs = {
        "child": pl.col("child"),
        "category": pl.lit(category),
        "issue_type": pl.lit(issue_type),
        "organisation": columns.pop("organisation"),
        "since": _date(columns.pop("since")),
        "service": columns.pop("service", pl.lit(None, pl.String)),
        "detail": columns.pop("detail"),
    }
    if columns:
        raise TypeError(f"unexpected columns {sorted(columns)}")
    return frame.select(**exprs).cast(SCHEMA)


def _in_force(d: int) -> pl.Expr:
    """Plan in force on day d: start on or before d, no cease date or one after d."""
    return (pl.col("start") <= d) & ((pl.col("cease") < 0) | (pl.col("cease") > d))


def _open_on(d: int) -> pl.Expr:
    """Referral open on day d: received on or before d, not rejected or discharged by d."""
    return (
        (pl.col("received") <= d)
        & ((pl.col("rejection") < 0) | (pl.col("rejection") > d))
        & ((pl.col("discharge") < 0) | (pl.col("discharge") > d))
    )


def _pairs(frame: pl.DataFrame, left: int, right: int) -> pl.DataFrame:
    """City × county rows of one child (columns of the county row suffixed `_k`)."""
    return frame.filter(pl.col("la") == left).join(
        frame.filter(pl.col("la") == right), on="child", suffix="_k"
    )


# --- overlaps -------------------------------------------------------------------------------


def dual_plans(plans: pl.DataFrame, a: int) -> pl.DataFrame:
    """A city and a county plan of one child both in force together for more than the
    `plan_transfer` clock: from the later start to the earlier end (cease date, or A)."""
    live = plans.filter(pl.col("start") <= a).select(
        "child",
        "la",
        "plan",
        "start",
        end=pl.when((pl.col("cease") >= 0) & (pl.col("cease") <= a))
        .then("cease")
        .otherwise(pl.lit(a)),
    )
    pairs = _pairs(live, cal.CITY, cal.COUNTY).with_columns(
        later=pl.max_horizontal("start", "start_k"),
        days=pl.min_horizontal("end", "end_k") - pl.max_horizontal("start", "start_k"),
    )
    found = pairs.filter(pl.col("days") > clock_days("plan_transfer"))
    return _rows(
        found,
        "overlap",
        "dual_plans",
        organisation=pl.lit(BOTH),
        since=pl.col("later"),
        detail=pl.format(
            "city plan from {} and county plan from {} both in force for {} days",
            _text("start"),
            _text("start_k"),
            pl.col("days"),
        ),
    )


def dual_topup(funding: pl.DataFrame) -> pl.DataFrame:
    """A city and a county top-up line of one child whose periods overlap (inclusive of both
    ends) by at least the `topup_overlap` length."""
    lines = funding.select("child", "la", "period_start", "period_end", "amount")
    pairs = _pairs(lines, cal.CITY, cal.COUNTY).with_columns(
        later=pl.max_horizontal("period_start", "period_start_k"),
        days=pl.min_horizontal("period_end", "period_end_k")
        - pl.max_horizontal("period_start", "period_start_k")
        + 1,
    )
    found = pairs.filter(pl.col("days") >= clock_days("topup_overlap"))
    return _rows(
        found,
        "overlap",
        "dual_topup",
        organisation=pl.lit(BOTH),
        since=pl.col("later"),
        detail=pl.format(
            "city top-up {} to {} and county top-up {} to {} overlap by {} days",
            _text("period_start"),
            _text("period_end"),
            _text("period_start_k"),
            _text("period_end_k"),
            pl.col("days"),
        ),
    )


def duplicate_referral(referrals: pl.DataFrame, a: int) -> pl.DataFrame:
    """Two referrals of one child to one service, both open on A."""
    open_ = referrals.filter(_open_on(a)).select(
        "child", "service", "referral", "provider", "received"
    )
    pairs = open_.join(open_, on=["child", "service"], suffix="_2").filter(
        pl.col("referral") < pl.col("referral_2")
    )
    provider = pl.col("provider").cast(pl.Int64).replace_strict(dict(enumerate(health.PROVIDERS)))
    provider_2 = (
        pl.col("provider_2").cast(pl.Int64).replace_strict(dict(enumerate(health.PROVIDERS)))
    )
    kind = (
        pl.when(pl.col("provider") != pl.col("provider_2"))
        .then(pl.format("two providers, {} and {}", provider, provider_2))
        .otherwise(pl.format("one provider twice, {}", provider))
    )
    return _rows(
        pairs,
        "overlap",
        "duplicate_referral",
        organisation=pl.lit("icb"),
        since=pl.max_horizontal("received", "received_2"),
        service=_service("service"),
        detail=pl.format(
            "{} referrals received {} and {} both open ({})",
            _service("service"),
            _text(pl.min_horizontal("received", "received_2")),
            _text(pl.max_horizontal("received", "received_2")),
            kind,
        ),
    )


def assessments(requests: pl.DataFrame, a: int) -> pl.DataFrame:
    """EHC needs assessments: requests decided to assess, from the decision to the outcome
    date (plan issued or no plan) or to A while in progress; withdrawn ones left out."""
    return requests.filter(
        (pl.col("outcome") == YES)
        & (pl.col("decision") >= 0)
        & (pl.col("decision") <= a)
        & pl.col("assessment").is_in([PLAN_ISSUED, NO_PLAN, IN_PROGRESS])  # not withdrawn
    ).select(
        "child",
        "la",
        "request",
        "assessment",
        begin=pl.col("decision"),
        end=pl.when((pl.col("assessment") == IN_PROGRESS) | (pl.col("assessed") < 0))
        .then(pl.lit(a))
        .otherwise(pl.min_horizontal("assessed", pl.lit(a))),
    )


def dual_assessment(requests: pl.DataFrame, a: int) -> pl.DataFrame:
    """A city and a county assessment of one child running at once for at least one day: the
    days from the later decision to the earlier end (as for `dual_plans`) are one or more."""
    pairs = _pairs(assessments(requests, a), cal.CITY, cal.COUNTY).with_columns(
        later=pl.max_horizontal("begin", "begin_k"),
        until=pl.min_horizontal("end", "end_k"),
    )
    found = pairs.filter(pl.col("until") - pl.col("later") >= 1)
    return _rows(
        found,
        "overlap",
        "dual_assessment",
        organisation=pl.lit(BOTH),
        since=pl.col("later"),
        detail=pl.format(
            "city assessment from {} and county assessment from {} both running from {} to {}",
            _text("begin"),
            _text("begin_k"),
            _text("later"),
            _text("until"),
        ),
    )


def dual_caseload(plans: pl.DataFrame, people: pl.DataFrame, c: int) -> pl.DataFrame:
    """On C the child is on both councils' caseloads (plans in force on C, SEN support list)."""
    parts = []
    for la in (cal.CITY, cal.COUNTY):
        held = plans.filter((pl.col("la") == la) & _in_force(c)).select("child").unique()
        listed = people.filter(pl.col("listed_la") == la).select("child")
        name = COUNCIL[la]
        parts.append(
            pl.concat(
                [
                    held.with_columns(what=pl.lit(f"{name} EHC plan")),
                    listed.with_columns(what=pl.lit(f"{name} SEN support list")),
                ]
            )
            .group_by("child")
            .agg(pl.col("what").sort().str.join(" and "))
            .rename({"what": f"what_{la}"})
        )
    found = parts[cal.CITY].join(parts[cal.COUNTY], on="child").sort("child")
    return _rows(
        found,
        "overlap",
        "dual_caseload",
        organisation=pl.lit(BOTH),
        since=pl.lit(c),
        detail=pl.format(
            "on {}: {} and {}",
            _text(pl.lit(c)),
            pl.col(f"what_{cal.CITY}"),
            pl.col(f"what_{cal.COUNTY}"),
        ),
    )


# --- gaps -----------------------------------------------------------------------------------


def request_no_decision(requests: pl.DataFrame, a: int) -> pl.DataFrame:
    """A request with no decision on A (pending or blank; not withdrawn, historic or moved out)
    more than the `request_decision` clock after it was received."""
    clock = clock_days("request_decision")
    found = requests.filter(
        pl.col("outcome").is_in([PENDING, ""])
        & ~pl.col("outcome").is_in([WITHDRAWN, HISTORIC])
        & ~pl.col("exported")
        & (pl.col("received") <= a)
        & (pl.lit(a) - pl.col("received") > clock)
    )
    return _rows(
        found,
        "gap",
        "request_no_decision",
        organisation=_council("la"),
        since=pl.col("received"),
        detail=pl.format(
            "{} request received {} undecided after {} days",
            _council("la"),
            _text("received"),
            pl.lit(a) - pl.col("received"),
        ),
    )


def assessment_no_plan(requests: pl.DataFrame, a: int) -> pl.DataFrame:
    """Decided to assess, assessment still in progress on A, no 20-week exception, more than
    the `final_plan` clock after the request was received."""
    clock = clock_days("final_plan")
    found = requests.filter(
        (pl.col("outcome") == YES)
        & (pl.col("assessment") == IN_PROGRESS)
        & ~pl.col("week20")
        & (pl.lit(a) - pl.col("received") > clock)
    )
    return _rows(
        found,
        "gap",
        "assessment_no_plan",
        organisation=_council("la"),
        since=pl.col("received"),
        detail=pl.format(
            "{} request received {}, assessment still in progress after {} weeks",
            _council("la"),
            _text("received"),
            (pl.lit(a) - pl.col("received")) // 7,
        ),
    )


def transfer_not_taken_on(
    plans: pl.DataFrame, requests: pl.DataFrame, people: pl.DataFrame, a: int
) -> pl.DataFrame:
    """A plan ceased for transfer of a child who moved to the other council, not taken on by the
    other council within the `plan_transfer` clock of the cease date."""
    clock = clock_days("plan_transfer")
    old = (
        plans.filter(
            (pl.col("reason") == TRANSFER) & (pl.col("cease") >= 0) & (pl.col("cease") <= a)
        )
        .filter(pl.col("la").is_in([cal.CITY, cal.COUNTY]))
        .select("child", "la", "plan", "start", "cease", other=1 - pl.col("la").cast(pl.Int64))
        .join(people.select("child", "home_la"), on="child", how="left")
    )
    # The other council later holds a plan (one still in force after the old plan ceased) or
    # a request (received on or after the cease date).
    later = pl.concat(
        [
            plans.filter(pl.col("start") <= a).select(
                "child",
                la=pl.col("la").cast(pl.Int64),
                at=pl.when(pl.col("cease") >= 0).then("cease").otherwise(pl.lit(a + 1)),
                strict=pl.lit(True),
            ),
            requests.filter(pl.col("received") <= a).select(
                "child",
                la=pl.col("la").cast(pl.Int64),
                at=pl.col("received"),
                strict=pl.lit(False),
            ),
        ]
    )
    known_there = (
        old.join(later, left_on=["child", "other"], right_on=["child", "la"])
        .filter(
            pl.when(pl.col("strict"))
            .then(pl.col("at") > pl.col("cease"))
            .otherwise(pl.col("at") >= pl.col("cease"))
        )
        .select("plan")
        .unique()
    )
    moved = old.filter(
        (pl.col("home_la").cast(pl.Int64) == pl.col("other"))
        | pl.col("plan").is_in(known_there["plan"].implode())
    ).filter(pl.lit(a) > pl.col("cease") + clock)  # the clock has run out by A
    other_plans = plans.select(
        "child",
        la=pl.col("la").cast(pl.Int64),
        new_start=pl.col("start"),
        new_cease=pl.col("cease"),
    ).filter(pl.col("new_start") <= a)
    candidates = moved.join(
        other_plans, left_on=["child", "other"], right_on=["child", "la"], how="left"
    )
    in_time = (
        candidates.filter(
            (pl.col("new_start") <= pl.col("cease") + clock)
            & ((pl.col("new_cease") < 0) | (pl.col("new_cease") > pl.col("cease")))
        )
        .select("plan")
        .unique()
    )
    taken_later = (
        candidates.filter(pl.col("new_start") > pl.col("cease") + clock)
        .group_by("plan")
        .agg(taken=pl.col("new_start").min())
    )
    found = (
        moved.filter(~pl.col("plan").is_in(in_time["plan"].implode()))
        .join(taken_later, on="plan", how="left")
        .sort("child", "plan")
    )
    return _rows(
        found,
        "gap",
        "transfer_not_taken_on",
        organisation=_council("other"),
        since=pl.col("cease"),
        detail=pl.when(pl.col("taken").is_not_null())
        .then(
            pl.format(
                "{} plan ceased {} for transfer; {} plan started late, {} (closed)",
                _council("la"),
                _text("cease"),
                _council("other"),
                _text("taken"),
            )
        )
        .otherwise(
            pl.format(
                "{} plan ceased {} for transfer; no {} plan yet (open)",
                _council("la"),
                _text("cease"),
                _council("other"),
            )
        ),
    )


def _latest_reviews(plans: pl.DataFrame, reviews: pl.DataFrame, a: int) -> pl.DataFrame:
    """Plans in force on A with their latest review meeting (highest number), if any."""
    latest = (
        reviews.filter(pl.col("meeting") <= a)
        .sort("plan", "number")
        .group_by("plan")
        .agg(pl.col("meeting").last(), pl.col("decision").last())
    )
    return (
        plans.filter(_in_force(a))
        .select("child", "la", "plan", "start")
        .join(latest, on="plan", how="left")
        .sort("child", "plan")
    )


def annual_review_overdue(plans: pl.DataFrame, reviews: pl.DataFrame, a: int) -> pl.DataFrame:
    """In force on A, and the latest annual review meeting (or, with none, the start) was more
    than the `annual_review` clock before A."""
    frame = (
        _latest_reviews(plans, reviews, a)
        .with_columns(since=pl.coalesce("meeting", "start"))
        .with_columns(due=due(pl.col("since"), "annual_review"))
    )
    found = frame.filter(pl.lit(a) > pl.col("due"))
    return _rows(
        found,
        "gap",
        "annual_review_overdue",
        organisation=_council("la"),
        since=pl.col("since"),
        detail=pl.when(pl.col("meeting").is_not_null())
        .then(
            pl.format(
                "{} plan: last annual review meeting {}, due again {}",
                _council("la"),
                _text("since"),
                _text("due"),
            )
        )
        .otherwise(
            pl.format(
                "{} plan from {}: no annual review, due {}",
                _council("la"),
                _text("since"),
                _text("due"),
            )
        ),
    )


def review_decision_late(plans: pl.DataFrame, reviews: pl.DataFrame, a: int) -> pl.DataFrame:
    """In force on A, and the latest review meeting's decision came more than the
    `review_decision` clock after the meeting, or has not come and that clock has run out."""
    clock = clock_days("review_decision")
    frame = _latest_reviews(plans, reviews, a).filter(pl.col("meeting").is_not_null())
    decided = (pl.col("decision") >= 0) & (pl.col("decision") <= a)
    found = frame.filter(
        (decided & (pl.col("decision") - pl.col("meeting") > clock))
        | (~decided & (pl.lit(a) - pl.col("meeting") > clock))
    )
    return _rows(
        found,
        "gap",
        "review_decision_late",
        organisation=_council("la"),
        since=pl.col("meeting"),
        detail=pl.when(decided)
        .then(
            pl.format(
                "{} annual review meeting {}, decision {} days later (closed)",
                _council("la"),
                _text("meeting"),
                pl.col("decision") - pl.col("meeting"),
            )
        )
        .otherwise(
            pl.format(
                "{} annual review meeting {}, no decision after {} days (open)",
                _council("la"),
                _text("meeting"),
                pl.lit(a) - pl.col("meeting"),
            )
        ),
    )


def health_need_no_referral(
    plans: pl.DataFrame, needs: pl.DataFrame, referrals: pl.DataFrame, a: int
) -> pl.DataFrame:
    """In force on A, primary need paired with a health service, and no referral of the child
    to that service in the ICB extract."""
    pairs = pl.DataFrame(
        {"need": list(need_services()), "service": list(need_services().values())},
        schema={"need": pl.Int64, "service": pl.Int64},
    )
    primary = needs.filter(pl.col("rank") == 1).select("plan", need=pl.col("need").cast(pl.Int64))
    referred = referrals.select("child", service=pl.col("service").cast(pl.Int64)).unique()
    found = (
        plans.filter(_in_force(a))
        .select("child", "la", "plan", "start")
        .join(primary, on="plan")
        .join(pairs, on="need")
        .join(referred, on=["child", "service"], how="anti")
        .sort("child", "plan")
    )
    need_name = pl.col("need").replace_strict(dict(enumerate(SEN_TYPES)), return_dtype=pl.String)
    return _rows(
        found,
        "gap",
        "health_need_no_referral",
        organisation=pl.lit("icb"),
        since=pl.col("start"),
        service=_service("service"),
        detail=pl.format(
            "{} plan from {} with primary need {}, no {} referral",
            _council("la"),
            _text("start"),
            need_name,
            _service("service"),
        ),
    )


def health_wait_over_clock(referrals: pl.DataFrame, contacts: pl.DataFrame, a: int) -> pl.DataFrame:
    """Open on A with no first contact (attended), longer since received than the service's
    clock."""
    seen = (
        contacts.filter(
            pl.col("attendance").cast(pl.Int64).is_in(list(attended_indices()))
            & (pl.col("date") <= a)
        )
        .select("referral")
        .unique()
    )
    clock = pl.col("service").cast(pl.Int64).replace_strict(service_clocks(), return_dtype=pl.Int64)
    found = (
        referrals.filter(_open_on(a))
        .join(seen, on="referral", how="anti")
        .with_columns(clock=clock, waited=pl.lit(a) - pl.col("received"))
        .filter(pl.col("waited") > pl.col("clock"))
        .sort("child", "referral")
    )
    return _rows(
        found,
        "gap",
        "health_wait_over_clock",
        organisation=pl.lit("icb"),
        since=pl.col("received"),
        service=_service("service"),
        detail=pl.format(
            "{} referral received {} waiting {} weeks with no first contact (clock {} weeks)",
            _service("service"),
            _text("received"),
            pl.col("waited") // 7,
            pl.col("clock") // 7,
        ),
    )


def plan_no_placement(plans: pl.DataFrame, placements: pl.DataFrame, a: int) -> pl.DataFrame:
    """In force on A with no current education placement (the current placement is NEET, NIEC
    or NIEO, or there is none)."""
    current = (pl.col("entry") <= a) & ((pl.col("leaving") < 0) | (pl.col("leaving") > a))
    not_education = pl.col("sen_setting").is_in(list(NOT_IN_EDUCATION))
    by_plan = placements.group_by("plan").agg(
        educated=(current & ~not_education).any(),
        neet_entry=pl.col("entry").filter(current & not_education).max(),
        neet_code=pl.col("sen_setting")
        .filter(current & not_education)
        .sort_by(pl.col("entry").filter(current & not_education))
        .last(),
        last_left=pl.col("leaving")
        .filter((pl.col("leaving") >= 0) & (pl.col("leaving") <= a))
        .max(),
    )
    frame = (
        plans.filter(_in_force(a))
        .select("child", "la", "plan", "start")
        .join(by_plan, on="plan", how="left")
        .filter(~pl.col("educated").fill_null(False))
        .with_columns(
            since=pl.coalesce(
                "neet_entry", pl.max_horizontal("start", pl.col("last_left").fill_null(-1))
            )
        )
        .sort("child", "plan")
    )
    return _rows(
        frame,
        "gap",
        "plan_no_placement",
        organisation=_council("la"),
        since=pl.col("since"),
        detail=pl.when(pl.col("neet_entry").is_not_null())
        .then(
            pl.format("{} plan: {} since {}", _council("la"), pl.col("neet_code"), _text("since"))
        )
        .when(pl.col("last_left").is_not_null() & (pl.col("last_left") >= pl.col("start")))
        .then(
            pl.format(
                "{} plan: no placement since leaving one on {}", _council("la"), _text("since")
            )
        )
        .otherwise(
            pl.format("{} plan from {}: no placement recorded", _council("la"), _text("since"))
        ),
    )


def icb_only_send(
    referrals: pl.DataFrame,
    people: pl.DataFrame,
    requests: pl.DataFrame,
    plans: pl.DataFrame,
    funding: pl.DataFrame,
    a: int,
) -> pl.DataFrame:
    """Referred to a SEND-relevant service and unknown to both councils (no request, plan, SEN
    support listing or top-up line in either)."""
    known = pl.concat(
        [
            requests.select("child"),
            plans.select("child"),
            people.filter(pl.col("listed_la") >= 0).select("child"),
            funding.select("child"),
        ]
    ).unique()
    first = (
        referrals.filter(
            pl.col("service").cast(pl.Int64).is_in(list(send_relevant_services()))
            & (pl.col("received") <= a)
        )
        .sort("received", "referral")
        .group_by("child")
        .agg(pl.col("received").first(), pl.col("service").first())
        .join(known, on="child", how="anti")
        .join(people.select("child", "home_la"), on="child", how="left")
        .sort("child")
    )
    return _rows(
        first,
        "gap",
        "icb_only_send",
        organisation=_council(pl.col("home_la").fill_null(cal.OUTSIDE)),
        since=pl.col("received"),
        detail=pl.format(
            "{} referral received {}, unknown to both councils",
            _service("service"),
            _text("received"),
        ),
    )


# --- everything -----------------------------------------------------------------------------


def compute(world) -> pl.DataFrame:
    """Every overlap and gap instance of the true world as at A, sorted."""
    a = day(world.as_at)
    c = day(latest_census_day(world.as_at))
    e = world.ehcp
    people = world.people.frame
    h = world.health
    parts = [
        dual_plans(e.plans, a),
        dual_topup(world.funding),
        duplicate_referral(h.referrals, a),
        dual_assessment(e.requests, a),
        dual_caseload(e.plans, people, c),
        request_no_decision(e.requests, a),
        assessment_no_plan(e.requests, a),
        transfer_not_taken_on(e.plans, e.requests, people, a),
        annual_review_overdue(e.plans, e.reviews, a),
        review_decision_late(e.plans, e.reviews, a),
        health_need_no_referral(e.plans, e.needs, h.referrals, a),
        health_wait_over_clock(h.referrals, h.contacts, a),
        plan_no_placement(e.plans, e.placements, a),
        icb_only_send(h.referrals, people, e.requests, e.plans, world.funding, a),
    ]
    return sort(pl.concat(parts, how="vertical"))


def sort(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(
        "category",
        "issue_type",
        "child",
        "organisation",
        "since",
        "service",
        "detail",
        nulls_last=True,
    )


def counts(frame: pl.DataFrame) -> dict[str, int]:
    """Instances of every overlap and gap type (zero where none)."""
    found = dict(frame.group_by("issue_type").len().iter_rows())
    return {t: int(found.get(t, 0)) for t in (*OVERLAP_TYPES, *GAP_TYPES)}
