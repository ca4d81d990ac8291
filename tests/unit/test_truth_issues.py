"""The truth of the overlaps and gaps of docs/marts.md: each definition at its boundaries on small
hand-built worlds, the planted rare types in a generated world, and determinism."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipelines.synthetic import calibration as cal
from pipelines.synthetic import clocks, health
from pipelines.synthetic import truth_issues as ti
from pipelines.synthetic.dates import day, year_of
from pipelines.synthetic.ehcp import SEN_TYPES
from pipelines.synthetic.generator import build_world

AS_AT = date(2025, 1, 16)
A = day(AS_AT)
CITY, COUNTY, OUTSIDE = cal.CITY, cal.COUNTY, cal.OUTSIDE
SLT, OT, PHYSIO, NEURO = (
    ti.SERVICES.index(s) for s in ("slt", "ot", "physio", "neurodevelopmental")
)
ATTENDED = health.ATTENDANCE_CODES.index("5")
DID_NOT_ATTEND = health.ATTENDANCE_CODES.index("3")


def d(text: str) -> int:
    return day(date.fromisoformat(text))


def plans(*rows) -> pl.DataFrame:
    """(child, la, start, cease[, reason]) rows; plan keys in row order."""
    full = [(*r, "") if len(r) == 4 else r for r in rows]
    return pl.DataFrame(
        {
            "plan": list(range(len(full))),
            "child": [r[0] for r in full],
            "la": [r[1] for r in full],
            "start": [r[2] for r in full],
            "cease": [r[3] for r in full],
            "reason": [r[4] for r in full],
        },
        schema={
            "plan": pl.Int64,
            "child": pl.Int64,
            "la": pl.Int8,
            "start": pl.Int64,
            "cease": pl.Int64,
            "reason": pl.String,
        },
    )


def requests(*rows) -> pl.DataFrame:
    """(child, la, received, decision, outcome, assessment, assessed[, week20, exported])."""
    full = [(*r, False, False) if len(r) == 7 else (*r, False) if len(r) == 8 else r for r in rows]
    names = (
        "child",
        "la",
        "received",
        "decision",
        "outcome",
        "assessment",
        "assessed",
        "week20",
        "exported",
    )
    types = (pl.Int64, pl.Int8, pl.Int64, pl.Int64, pl.String, pl.String, pl.Int64)
    schema = dict(zip(names, (*types, pl.Boolean, pl.Boolean), strict=True))
    frame = pl.DataFrame([dict(zip(names, r, strict=True)) for r in full], schema=schema)
    return frame.with_row_index("request").with_columns(
        pl.col("request").cast(pl.Int64), plan=pl.lit(-1, pl.Int64)
    )


def referrals(*rows) -> pl.DataFrame:
    """(child, service, provider, received[, rejection, discharge]); referral keys in order."""
    full = [(*r, -1, -1) if len(r) == 4 else r for r in rows]
    return pl.DataFrame(
        {
            "referral": list(range(len(full))),
            "child": [r[0] for r in full],
            "service": [r[1] for r in full],
            "provider": [r[2] for r in full],
            "received": [r[3] for r in full],
            "rejection": [r[4] for r in full],
            "discharge": [r[5] for r in full],
        },
        schema={
            "referral": pl.Int64,
            "child": pl.Int64,
            "service": pl.Int8,
            "provider": pl.Int8,
            "received": pl.Int64,
            "rejection": pl.Int64,
            "discharge": pl.Int64,
        },
    )


def people(*rows) -> pl.DataFrame:
    """(child, home_la, listed_la)."""
    return pl.DataFrame(
        {
            "child": [r[0] for r in rows],
            "home_la": [r[1] for r in rows],
            "listed_la": [r[2] for r in rows],
        },
        schema={"child": pl.Int64, "home_la": pl.Int8, "listed_la": pl.Int8},
    )


def children(frame: pl.DataFrame) -> list[int]:
    return sorted(frame["child"].to_list())


def since(frame: pl.DataFrame, child: int) -> int:
    return frame.filter(pl.col("child") == child)["since"].cast(pl.Int32).to_list()


# --- the clocks come from the shared seed -------------------------------------------------


def test_clocks_are_read_from_the_shared_seed():
    assert clocks.clock_days("plan_transfer") == 42
    assert clocks.clock_days("topup_overlap") == 28
    assert clocks.clock_days("request_decision") == 42
    assert clocks.clock_days("final_plan") == 140
    assert clocks.clock_days("review_decision") == 28
    assert clocks.clocks()["annual_review"] == (12, "month")
    leap = pl.select(clocks.due(pl.lit(d("2024-02-29")), "annual_review")).item()
    assert leap == d("2025-02-28")
    assert ti.service_clocks()[NEURO] == 91 and ti.service_clocks()[SLT] == 126
    assert set(ti.send_relevant_services()) == {SLT, OT, NEURO}
    assert ti.need_services() == {SEN_TYPES.index("SLCN"): SLT, SEN_TYPES.index("ASD"): NEURO}


def test_a_changed_clock_changes_the_truth(monkeypatch):
    world = plans((1, CITY, A - 400, -1), (1, COUNTY, A - 60, -1))
    assert children(ti.dual_plans(world, A)) == [1]
    longer = dict(clocks.clocks(), plan_transfer=(10, "week"))
    monkeypatch.setattr(clocks, "clocks", lambda: longer)
    assert ti.dual_plans(world, A).height == 0


# --- overlaps -----------------------------------------------------------------------------


def test_dual_plans_need_more_than_42_days_together():
    s = d("2023-05-01")
    frame = ti.dual_plans(
        plans(
            (1, CITY, s - 300, s + 41, "5"),
            (1, COUNTY, s, -1),
            (2, CITY, s - 300, s + 42, "5"),
            (2, COUNTY, s, -1),
            (3, CITY, s - 300, s + 43, "5"),
            (3, COUNTY, s, -1),
            # Both in force on A: the overlap runs to A.
            (4, COUNTY, s, -1),
            (4, CITY, A - 43, -1),
            (5, COUNTY, s, -1),
            (5, CITY, A - 42, -1),
            # One council twice is not a dual plan.
            (6, CITY, s - 300, -1),
            (6, CITY, s, -1),
        ),
        A,
    )
    assert children(frame) == [3, 4]
    assert since(frame, 3) == [s] and since(frame, 4) == [A - 43]
    assert set(frame["organisation"]) == {"city+county"} and set(frame["category"]) == {"overlap"}
    assert frame["service"].null_count() == frame.height


def test_dual_topup_needs_28_days_counting_both_ends():
    s = d("2024-06-01")
    lines = pl.DataFrame(
        {
            "child": [1, 1, 2, 2, 3, 3],
            "la": [CITY, COUNTY] * 3,
            "period_start": [d("2024-04-01"), s, d("2024-04-01"), s, s, s + 10],
            "period_end": [s + 26, d("2024-12-31"), s + 27, d("2024-12-31"), s + 100, s + 37],
            "amount": [5000.0] * 6,
        },
        schema_overrides={"la": pl.Int8},
    )
    frame = ti.dual_topup(lines)
    assert children(frame) == [2, 3]
    assert since(frame, 2) == [s] and since(frame, 3) == [s + 10]
    assert "28 days" in frame.filter(pl.col("child") == 2)["detail"].item()


def test_duplicate_referrals_are_pairs_open_on_a():
    frame = ti.duplicate_referral(
        referrals(
            (1, SLT, 0, A - 300),
            (1, SLT, 1, A - 100),
            (2, SLT, 0, A - 300, -1, A - 10),  # discharged
            (2, SLT, 0, A - 100),
            (3, SLT, 0, A - 300),
            (3, OT, 1, A - 100),
            (4, NEURO, 0, A - 300),
            (4, NEURO, 0, A - 200),
            (4, NEURO, 0, A - 100),
            (5, SLT, 0, A - 300, A - 290, -1),  # rejected
            (5, SLT, 0, A - 100),
            (6, SLT, 0, A - 300, -1, A + 1),  # discharged after A: still open on A
            (6, SLT, 0, A),
        ),
        A,
    )
    assert children(frame) == [1, 4, 4, 4, 6]
    one = frame.filter(pl.col("child") == 1)
    assert one["since"].cast(pl.Int32).item() == A - 100 and one["service"].item() == "slt"
    assert "two providers" in one["detail"].item()
    assert "one provider twice" in frame.filter(pl.col("child") == 6)["detail"].item()
    assert sorted(since(frame, 4)) == [A - 200, A - 100, A - 100]
    assert set(frame["organisation"]) == {"icb"}


def test_dual_assessment_needs_one_day_running_at_once_and_leaves_out_withdrawn():
    t = d("2023-06-01")
    frame = ti.dual_assessment(
        requests(
            # In progress runs to A.
            (1, CITY, A - 130, A - 100, "Y", "A", -1),
            (1, COUNTY, A - 90, A - 60, "Y", "N", A - 20),
            # One day at once: the second decided the day before the first's outcome.
            (2, CITY, t - 100, t - 60, "Y", "Y", t),
            (2, COUNTY, t - 30, t - 1, "Y", "N", t + 50),
            # No day at once: the second decided on the first's outcome day.
            (3, CITY, t - 100, t - 60, "Y", "Y", t),
            (3, COUNTY, t - 30, t, "Y", "N", t + 50),
            # Withdrawn.
            (4, CITY, A - 130, A - 100, "Y", "A", -1),
            (4, COUNTY, A - 90, A - 60, "Y", "W", A - 20),
            # Refused: never assessed.
            (5, CITY, A - 130, A - 100, "Y", "A", -1),
            (5, COUNTY, A - 90, A - 60, "N", "", -1),
            # Historic record of a transferred plan: not a decision to assess.
            (6, CITY, t - 100, -1, "H", "Y", t),
            (6, COUNTY, t - 100, t - 60, "Y", "Y", t),
        ),
        A,
    )
    assert children(frame) == [1, 2]
    assert since(frame, 1) == [A - 60] and since(frame, 2) == [t - 1]


def test_dual_caseload_counts_plans_in_force_on_c_and_the_lists():
    c = A - 5
    world_plans = plans(
        (1, CITY, A - 400, -1),
        (2, CITY, A - 400, c),  # ceased on C: not in force on C
        (3, CITY, A - 400, -1),
        (3, COUNTY, A - 300, -1),
        (5, COUNTY, c + 1, -1),  # starts after C
    )
    listed = people(
        (1, CITY, COUNTY), (2, CITY, COUNTY), (3, CITY, -1), (4, CITY, CITY), (5, CITY, CITY)
    )
    frame = ti.dual_caseload(world_plans, listed, c)
    assert children(frame) == [1, 3]
    assert since(frame, 1) == [c]
    details = dict(frame.select("child", "detail").iter_rows())
    assert "city EHC plan and county SEN support list" in details[1]
    assert "city EHC plan and county EHC plan" in details[3]


# --- gaps ---------------------------------------------------------------------------------


def test_request_no_decision_after_more_than_six_weeks():
    frame = ti.request_no_decision(
        requests(
            (1, CITY, A - 42, -1, "A", "", -1),
            (2, CITY, A - 43, -1, "A", "", -1),
            (3, COUNTY, A - 100, -1, "W", "", -1),
            (4, COUNTY, A - 100, -1, "H", "Y", A - 200),
            (5, COUNTY, A - 100, -1, "A", "", -1, False, True),  # moved out
            (6, COUNTY, A - 100, A - 60, "N", "", -1),
            (7, COUNTY, A - 100, -1, "", "", -1),  # blank
        ),
        A,
    )
    assert children(frame) == [2, 7]
    assert frame.filter(pl.col("child") == 7)["organisation"].item() == "county"
    assert since(frame, 2) == [A - 43]


def test_assessment_no_plan_after_more_than_20_weeks_without_exception():
    frame = ti.assessment_no_plan(
        requests(
            (1, CITY, A - 140, A - 110, "Y", "A", -1),
            (2, CITY, A - 141, A - 110, "Y", "A", -1),
            (3, CITY, A - 141, A - 110, "Y", "A", -1, True),  # 20-week exception
            (4, COUNTY, A - 300, A - 260, "Y", "Y", A - 10),  # plan issued
            (5, COUNTY, A - 300, A - 260, "Y", "N", A - 10),  # no plan
            (6, COUNTY, A - 300, A - 260, "Y", "W", A - 10),  # withdrawn
        ),
        A,
    )
    assert children(frame) == [2]
    assert frame["organisation"].item() == "city" and since(frame, 2) == [A - 141]


def test_transfer_not_taken_on_within_six_weeks_of_the_cease():
    c = A - 200
    five = "5"
    world_plans = plans(
        (1, CITY, c - 900, c, five),
        (1, COUNTY, c + 42, -1),  # on time, on the clock's last day
        (2, CITY, c - 900, c, five),
        (2, COUNTY, c + 43, -1),  # late: closed
        (3, CITY, c - 900, c, five),  # never taken on: open
        (4, CITY, c - 900, c, five),  # moved out of the partnership
        (5, COUNTY, c - 900, A - 42, five),  # the clock ends on A: not late yet
        (6, COUNTY, c - 900, A - 43, five),  # the clock ended the day before A: open
        (7, CITY, c - 900, c, five),  # outside now, but the county holds a later request
        (8, CITY, c - 900, c, "2"),  # ceased, needs met: not a transfer
        (9, CITY, c - 900, c, five),
        (9, COUNTY, c - 400, c - 1),  # the county plan ceased before: not taken on
        (10, CITY, c - 900, c, five),
        (10, COUNTY, c - 20, -1),  # overlapping transfer, taken on
        (11, CITY, c - 900, c, five),  # outside now; the county request came before the cease
        (12, CITY, c - 900, c, five),  # outside now; the county plan ended before the cease
        (12, COUNTY, c - 400, c - 1),
        (13, CITY, c - 900, c, five),  # outside now; the county holds a plan from later on
        (13, COUNTY, c + 60, -1),
    )
    world_requests = requests(
        (7, COUNTY, c + 10, c + 40, "Y", "A", -1), (11, COUNTY, c - 10, c + 20, "N", "", -1)
    )
    homes = people(
        (1, COUNTY, -1),
        (2, COUNTY, -1),
        (3, COUNTY, -1),
        (4, OUTSIDE, -1),
        (5, CITY, -1),
        (6, CITY, -1),
        (7, OUTSIDE, -1),
        (8, COUNTY, -1),
        (9, COUNTY, -1),
        (10, COUNTY, -1),
        (11, OUTSIDE, -1),
        (12, OUTSIDE, -1),
        (13, OUTSIDE, -1),
    )
    frame = ti.transfer_not_taken_on(world_plans, world_requests, homes, A)
    assert children(frame) == [2, 3, 6, 7, 9, 13]
    by_child = {r["child"]: r for r in frame.iter_rows(named=True)}
    assert by_child[2]["organisation"] == "county" and "(closed)" in by_child[2]["detail"]
    assert "(open)" in by_child[3]["detail"]
    assert by_child[6]["organisation"] == "city"
    assert by_child[2]["since"] == date.fromordinal(date(1970, 1, 1).toordinal() + c)


def reviews(*rows) -> pl.DataFrame:
    """(plan, number, meeting, decision)."""
    return pl.DataFrame(
        {
            "plan": [r[0] for r in rows],
            "number": [r[1] for r in rows],
            "meeting": [r[2] for r in rows],
            "decision": [r[3] for r in rows],
        },
        schema={"plan": pl.Int64, "number": pl.Int64, "meeting": pl.Int64, "decision": pl.Int64},
    )


def test_annual_review_overdue_twelve_months_after_the_latest_meeting_or_the_start():
    world_plans = plans(
        (0, CITY, d("2023-01-16"), -1),  # no review: due 2024-01-16
        (1, CITY, d("2022-01-01"), -1),  # latest meeting 2024-01-16: due on A
        (2, COUNTY, d("2022-01-01"), -1),  # latest meeting 2024-01-15: overdue
        (3, COUNTY, d("2024-01-16"), -1),  # started a year before A: due on A
        (4, COUNTY, d("2020-01-01"), d("2024-12-01")),  # ceased
        (5, COUNTY, d("2021-01-01"), -1),  # latest by number is recent
    )
    held = reviews(
        (1, 1, d("2023-01-10"), d("2023-01-20")),
        (1, 2, d("2024-01-16"), d("2024-01-20")),
        (2, 1, d("2024-01-15"), d("2024-01-20")),
        (5, 1, d("2022-01-01"), d("2022-01-10")),
        (5, 2, d("2024-06-01"), d("2024-06-10")),
    )
    frame = ti.annual_review_overdue(world_plans, held, A)
    assert children(frame) == [0, 2]
    assert since(frame, 0) == [d("2023-01-16")] and since(frame, 2) == [d("2024-01-15")]


def test_annual_review_clock_from_29_february():
    world_plans = plans((0, CITY, d("2020-01-01"), -1))
    held = reviews((0, 1, d("2024-02-29"), d("2024-03-05")))
    assert ti.annual_review_overdue(world_plans, held, d("2025-02-28")).height == 0
    assert ti.annual_review_overdue(world_plans, held, d("2025-03-01")).height == 1


def test_review_decision_late_after_more_than_four_weeks_of_the_latest_meeting():
    m = A - 100
    world_plans = plans(*[(i, COUNTY, d("2020-01-01"), -1) for i in range(6)])
    held = reviews(
        (0, 1, m, m + 28),
        (1, 1, m, m + 29),  # decided late: closed
        (2, 1, A - 28, -1),  # no decision yet, within the clock
        (3, 1, A - 29, -1),  # no decision, past the clock: open
        (4, 1, m - 365, m - 365 + 90),  # an earlier late decision does not count
        (4, 2, m, m + 10),
        (5, 1, m, A + 5),  # decided after A: not come on A
    )
    frame = ti.review_decision_late(world_plans, held, A)
    assert children(frame) == [1, 3, 5]
    assert "(closed)" in frame.filter(pl.col("child") == 1)["detail"].item()
    assert "(open)" in frame.filter(pl.col("child") == 3)["detail"].item()
    assert since(frame, 3) == [A - 29]


def test_health_need_no_referral_by_primary_need():
    world_plans = plans(
        (1, CITY, A - 300, -1),
        (2, CITY, A - 300, -1),
        (3, COUNTY, A - 300, -1),
        (4, COUNTY, A - 300, A - 10),  # ceased
        (5, COUNTY, A - 300, -1),
        (6, COUNTY, A - 300, -1),
    )
    asd, slcn, mld = (SEN_TYPES.index(n) for n in ("ASD", "SLCN", "MLD"))
    needs = pl.DataFrame(
        {
            "plan": [0, 1, 2, 3, 4, 4, 5],
            "need": [asd, slcn, mld, asd, mld, asd, slcn],
            "rank": [1, 1, 1, 1, 1, 2, 1],
        },
        schema={"plan": pl.Int64, "need": pl.Int16, "rank": pl.Int8},
    )
    refs = referrals(
        (2, SLT, 0, A - 500, -1, A - 400),  # any referral to the service counts
        (6, OT, 0, A - 100),  # another service does not
    )
    frame = ti.health_need_no_referral(world_plans, needs, refs, A)
    assert children(frame) == [1, 6]
    assert frame.filter(pl.col("child") == 1)["service"].item() == "neurodevelopmental"
    assert frame.filter(pl.col("child") == 6)["service"].item() == "slt"
    assert set(frame["organisation"]) == {"icb"} and since(frame, 1) == [A - 300]


def test_health_wait_over_the_service_clock_without_an_attended_contact():
    refs = referrals(
        (1, NEURO, 0, A - 91),
        (2, NEURO, 0, A - 92),
        (3, SLT, 0, A - 126),
        (4, SLT, 0, A - 127),
        (5, NEURO, 0, A - 300),  # seen
        (6, NEURO, 0, A - 300),  # did not attend: still waiting
        (7, NEURO, 0, A - 300, A - 290, A - 290),  # rejected
        (8, PHYSIO, 0, A - 300, -1, A - 20),  # discharged
    )
    contacts = pl.DataFrame(
        {
            "referral": [4, 5],
            "date": [A - 10, A - 10],
            "attendance": [ATTENDED, DID_NOT_ATTEND],
        },
        schema={"referral": pl.Int64, "date": pl.Int64, "attendance": pl.Int8},
    )
    frame = ti.health_wait_over_clock(refs, contacts, A)
    # Referral 4 (child 5) was seen; referral 5 (child 6) only had a missed appointment.
    assert children(frame) == [2, 4, 6]
    assert frame.filter(pl.col("child") == 2)["service"].item() == "neurodevelopmental"
    assert since(frame, 4) == [A - 127]


def test_plan_no_placement_since_the_neet_entry_the_last_leaving_or_the_start():
    world_plans = plans(*[(i, COUNTY, A - 500, -1) for i in range(6)], (6, COUNTY, A - 500, A - 5))
    placements = pl.DataFrame(
        {
            "plan": [0, 1, 1, 2, 4, 5, 6],
            "entry": [A - 400, A - 400, A - 100, A - 400, A - 900, A - 300, A - 400],
            "leaving": [-1, A - 101, -1, A - 50, A - 600, A + 3, -1],
            "sen_setting": ["", "", "NEET", "", "", "", "NEET"],
        },
        schema={"plan": pl.Int64, "entry": pl.Int64, "leaving": pl.Int64, "sen_setting": pl.String},
    )
    frame = ti.plan_no_placement(world_plans, placements, A)
    assert children(frame) == [1, 2, 3, 4]
    assert since(frame, 1) == [A - 100]  # NEET since
    assert since(frame, 2) == [A - 50]  # left the last placement
    assert since(frame, 3) == [A - 500]  # no placement at all: the start
    assert since(frame, 4) == [A - 500]  # the last one ended before the plan began
    assert set(frame["organisation"]) == {"county"}


def test_icb_only_send_unknown_to_both_councils():
    refs = referrals(
        (1, SLT, 0, A - 100),
        (1, NEURO, 0, A - 300),
        (2, PHYSIO, 1, A - 100),  # not a SEND-relevant service
        (3, OT, 1, A - 100),  # on SEN support
        (4, SLT, 0, A - 100),  # lives outside
        (5, SLT, 0, A - 100),  # has a request
        (6, SLT, 0, A - 100),  # has a top-up line
    )
    homes = people(
        (1, CITY, -1),
        (2, COUNTY, -1),
        (3, COUNTY, COUNTY),
        (4, OUTSIDE, -1),
        (5, CITY, -1),
        (6, COUNTY, -1),
    )
    funding = pl.DataFrame({"child": [6]}, schema={"child": pl.Int64})
    frame = ti.icb_only_send(
        refs, homes, requests((5, CITY, A - 50, -1, "A", "", -1)), plans(), funding, A
    )
    assert children(frame) == [1, 4]
    assert since(frame, 1) == [A - 300]
    assert frame.filter(pl.col("child") == 1)["organisation"].item() == "city"
    assert frame.filter(pl.col("child") == 4)["organisation"].item() == "icb"


# --- the generated world ------------------------------------------------------------------

MODERATE = 7000


@pytest.fixture(scope="module")
def world():
    return build_world(MODERATE, 42, AS_AT)


@pytest.fixture(scope="module")
def truth(world) -> pl.DataFrame:
    return ti.compute(world)


def test_every_overlap_and_gap_type_appears_at_a_moderate_scale(truth):
    counts = ti.counts(truth)
    planted = round(cal.PLANTED_ISSUES * MODERATE / cal.DEFAULT_CHILDREN)
    for kind in ("dual_plans", "dual_assessment", "request_no_decision"):
        assert counts[kind] == planted, kind
    assert counts["dual_topup"] >= planted
    assert min(counts.values()) >= 8, counts
    assert truth.schema == pl.Schema(ti.SCHEMA)
    categories = dict(truth.select("issue_type", "category").unique().iter_rows())
    assert {categories[t] for t in ti.OVERLAP_TYPES} == {"overlap"}
    assert {categories[t] for t in ti.GAP_TYPES} == {"gap"}
    with_service = truth.filter(pl.col("service").is_not_null())["issue_type"].unique()
    assert set(with_service) == {
        "duplicate_referral",
        "health_need_no_referral",
        "health_wait_over_clock",
    }
    assert truth["since"].max() <= AS_AT and truth["detail"].null_count() == 0


def test_late_ceased_transfers_are_consistent_downstream(world):
    e = world.ehcp
    late = e.transfers.filter(pl.col("old_cease") - pl.col("new_start") > 42)
    assert late.height == round(cal.PLANTED_ISSUES * MODERATE / cal.DEFAULT_CHILDREN)
    old = e.plans.join(late.select(plan="old_plan", old_cease="old_cease"), on="plan")
    assert (old["cease"] == old["old_cease"]).all() and (old["cease"] < world.a).all()
    assert (old["reason"] == "5").all()
    held = e.reviews.join(old.select("plan", "cease"), on="plan")
    assert (held["meeting"] <= held["cease"]).all()
    left = e.placements.join(old.select("plan", "cease"), on="plan")
    assert (left["leaving"] <= left["cease"]).all() and (left["leaving"] >= 0).all()


def test_planting_leaves_the_published_figures_alone(world, monkeypatch):
    monkeypatch.setattr(cal, "PLANTED_ISSUES", 0)
    plain = build_world(MODERATE, 42, AS_AT)
    plain_truth = ti.counts(ti.compute(plain))
    for kind in ("dual_plans", "dual_assessment", "request_no_decision"):
        assert plain_truth[kind] == 0, kind

    def received_by_year(w) -> pl.DataFrame:
        return (
            w.ehcp.requests.with_columns(
                year=pl.Series(year_of(w.ehcp.requests["received"].to_numpy()))
            )
            .filter(pl.col("year") >= AS_AT.year - 1)
            .group_by("la", "year")
            .len()
            .sort("la", "year")
        )

    def ceased_by_year(w) -> pl.DataFrame:
        ceased = w.ehcp.plans.filter(pl.col("cease") >= 0)
        return (
            ceased.with_columns(year=pl.Series(year_of(ceased["cease"].to_numpy())))
            .group_by("la", "year", "reason")
            .len()
            .sort("la", "year", "reason")
        )

    assert received_by_year(world).equals(received_by_year(plain))
    assert ceased_by_year(world).equals(ceased_by_year(plain))
    in_force = pl.col("cease") < 0
    assert world.ehcp.plans.filter(in_force).equals(plain.ehcp.plans.filter(in_force))
    assert world.people.frame.equals(plain.people.frame)
    assert world.health.referrals.equals(plain.health.referrals)
    # The last full year's share decided to assess (the DfE's: of every request received)
    # moves by well under a point: the generator agrees as many more as planting leaves
    # undecided.
    for la in (CITY, COUNTY):
        shares = []
        for w in (world, plain):
            last_year = w.ehcp.requests.filter(
                (pl.col("la") == la)
                & (pl.Series(year_of(w.ehcp.requests["received"].to_numpy())) == AS_AT.year - 1)
                & (pl.col("outcome") != "H")
            )
            shares.append((last_year["outcome"] == "Y").sum() / last_year.height)
        assert abs(shares[0] - shares[1]) < 0.01, (la, shares)
    # The reviews of plans not planted are drawn exactly as before (their row keys are
    # numbered after planting, so they are left out).
    changed = world.ehcp.transfers.filter(pl.col("old_cease") - pl.col("new_start") > 42)
    keep = ~pl.col("plan").is_in(changed["old_plan"].implode())
    reviews = [w.ehcp.reviews.filter(keep).drop("review") for w in (world, plain)]
    assert reviews[0].equals(reviews[1])


def test_the_same_seed_gives_the_same_truth(truth):
    again = ti.compute(build_world(MODERATE, 42, AS_AT))
    assert again.equals(truth)
    other = ti.compute(build_world(MODERATE, 7, AS_AT))
    assert not other.equals(truth)
