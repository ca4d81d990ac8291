"""EHC journeys for both councils: requests, assessments, plans, placements, needs and reviews.

Plans are built backwards from the published stock and flows (calibration.py): plans in force at
as_at with the published ages and years in place, plans ceased each year with the published
reasons, transfers between the two councils, and then each plan's request and assessment dated
back from its issue date so that the share issued within 20 weeks matches the year it was issued
in. Requests that did not (yet) lead to a plan fill each year up to the published number of
requests and the published share decided to assess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from pipelines.synthetic import calibration as cal
from pipelines.synthetic import codes
from pipelines.synthetic.clocks import clock_days
from pipelines.synthetic.dates import YEAR, day, jan1, month_day, school_start, year_of
from pipelines.synthetic.streams import pick, split_counts, stream

# Children groups (a child belongs to exactly one).
IN_FORCE, CEASED, REQUESTED, SEN_SUPPORT, ICB_ONLY = range(5)
GROUP_NAMES = ("in_force", "ceased", "requested", "sen_support", "icb_only")

SEN_TYPES = codes.values("sen_type")
ETHNICITIES = codes.values("ethnicity")
REQUEST_SOURCES = codes.values("request_source")
TRANSFER = codes.code("cease_reason", "5")
LEFT_ENGLAND = codes.code("cease_reason", "7")
CEASE_AFTER_REVIEW = {codes.code("cease_reason", c) for c in ("1", "2", "3", "4", "6")}
REVIEW_OUTCOMES = codes.values("review_outcome")
REVIEW_CEASE = codes.code("review_outcome", "cease")
YES, NO, PENDING, WITHDRAWN = (codes.code("request_outcome", c) for c in ("Y", "N", "A", "W"))
HISTORIC = codes.code("request_outcome", "H")
PLAN_ISSUED, NO_PLAN, IN_PROGRESS, ASSESSMENT_WITHDRAWN = (
    codes.code("assessment_outcome", c) for c in ("Y", "N", "A", "W")
)
PLACEMENT_CATEGORIES = tuple(cal.CITY_FIGURES.placements)
# Days from request to decision: on time (within 6 weeks) or late.
DECISION_DAYS = {True: (10, 42), False: (43, 84)}
# Days from an annual review meeting to its decision: within 4 weeks or later.
REVIEW_DECISION_DAYS = {True: (0, 28), False: (29, 110)}
URN_CATEGORIES = (
    "mainstream",
    "special",
    "independent_special",
    "alternative_provision",
    "further_education",
)

# Age (years) at which plans end, by cease reason (modelling choice, after ceased_plans.csv).
CEASE_AGE = {
    "1": (19.5, 25.9),
    "2": (5.0, 18.9),
    "3": (18.0, 23.9),
    "4": (17.0, 24.9),
    "5": (4.0, 19.9),
    "6": (16.5, 24.9),
    "7": (3.0, 18.9),
    "8": (2.0, 24.9),
    "9": (5.0, 20.9),
}
# Age at a request that led nowhere (weights by whole year, modelling choice).
REQUEST_AGE = {
    1: 1,
    2: 3,
    3: 6,
    4: 8,
    5: 8,
    6: 7,
    7: 6,
    8: 6,
    9: 5,
    10: 5,
    11: 5,
    12: 4,
    13: 4,
    14: 3,
    15: 3,
    16: 2,
    17: 1.5,
    18: 1,
}
REQUEST_SOURCE_WEIGHTS = (45, 40, 8, 4, 3)
EHC_PLANS_BEGIN = day(date(2014, 9, 1))
TRANSITION_END = day(date(2018, 3, 31))

# One column array per field, for a block of children or plans.
Block = dict[str, np.ndarray]


@dataclass
class Ehcp:
    children: pl.DataFrame
    requests: pl.DataFrame
    plans: pl.DataFrame
    placements: pl.DataFrame
    plan_settings: pl.DataFrame
    needs: pl.DataFrame
    reviews: pl.DataFrame
    transfers: pl.DataFrame


class _Ids:
    """Sequential keys for children, plans and requests (shuffled later where they show)."""

    def __init__(self) -> None:
        self.next = {"child": 0, "plan": 0, "request": 0, "placement": 0}

    def take(self, kind: str, n: int) -> np.ndarray:
        start = self.next[kind]
        self.next[kind] = start + n
        return np.arange(start, start + n, dtype=np.int64)


def _uniform(rng: np.random.Generator, lo, hi, n: int | None = None) -> np.ndarray:
    size = n if n is not None else np.broadcast(np.asarray(lo), np.asarray(hi)).shape
    return np.floor(lo + rng.random(size) * (np.asarray(hi) - np.asarray(lo) + 1)).astype(np.int64)


def _need_indices(rng, n: int, weights: dict[str, float]) -> np.ndarray:
    keys = [k for k in weights if k]
    chosen = pick(rng, n, [weights[k] for k in keys])
    return np.array([SEN_TYPES.index(k) for k in keys], dtype=np.int16)[chosen]


def _children_block(
    rng, ids: _Ids, n: int, *, group: int, la: int, dob: np.ndarray, fig: cal.CouncilFigures
) -> dict[str, np.ndarray]:
    male = rng.random(n) < fig.male / (fig.male + fig.female)
    ethnicity_keys = list(fig.ethnicity)
    ethnicity = np.array([ETHNICITIES.index(k) for k in ethnicity_keys], dtype=np.int16)[
        pick(rng, n, list(fig.ethnicity.values()))
    ]
    need2 = _need_indices(rng, n, fig.primary_need)
    need1 = _need_indices(rng, n, fig.primary_need)
    need2 = np.where((rng.random(n) < 0.4) & (need2 != need1), need2, -1).astype(np.int16)
    return {
        "child": ids.take("child", n),
        "group": np.full(n, group, np.int8),
        "ehcp_la": np.full(n, la, np.int8),
        "home_la": np.full(n, la, np.int8),
        "prev_la": np.full(n, -1, np.int8),
        "dob": dob.astype(np.int64),
        "male": male,
        "need1": need1,
        "need2": need2,
        "ethnicity": ethnicity,
        "need_recorded": rng.random(n)
        >= fig.primary_need.get("", 0) / sum(fig.primary_need.values()),
    }


def _concat(blocks: list[Block]) -> Block:
    keys = blocks[0].keys()
    return {k: np.concatenate([b[k] for b in blocks]) for k in keys}


def _decision_days(
    rng: np.random.Generator, on_time: np.ndarray, days: dict = DECISION_DAYS
) -> np.ndarray:
    """Days from each event to its decision, on time or late (`days`: the range of each; both
    draws are made, as the generator always has)."""
    n = on_time.size
    timely, late = (_uniform(rng, *days[t], n) for t in (True, False))
    return np.where(on_time, timely, late)


def _share_decided(days: np.ndarray, a: int, first: int, last: int) -> float:
    """Expected share of events on `days` whose decision, first..last days later (evenly), has
    come by day a."""
    return float(np.clip((a - days - first + 1) / (last - first + 1), 0, 1).mean())


def _year_window(as_at_day: int, year: int, offset: int) -> tuple[int, int]:
    """First and last day of the calendar year `offset` years before `year` (0 = to as_at)."""
    lo = int(jan1(year - offset))
    hi = min(int(jan1(year - offset + 1)) - 1, as_at_day)
    return lo, hi


def _yearly_counts(
    total_last_year: float, growth: dict[int, float], scale: float, as_at: date
) -> dict[int, int]:
    """Counts by years before as_at's year: 1..6 from the growth profile, 0 = year to date."""
    counts = {k: round(scale * total_last_year * g) for k, g in growth.items()}
    elapsed = (as_at - date(as_at.year, 1, 1)).days + 1
    counts[0] = round(scale * total_last_year * growth[1] * elapsed / 365.25)
    return counts


def _within_20(fig: cal.CouncilFigures, offsets: np.ndarray) -> np.ndarray:
    rates = np.full(offsets.shape, cal.DEFAULT_WITHIN_20_WEEKS)
    for k, rate in fig.within_20_weeks.items():
        rates[offsets == k] = rate
    rates[offsets == 0] = fig.within_20_weeks[1]
    return rates


def _durations(rng, within: np.ndarray) -> np.ndarray:
    """Days from request to final plan: within 20 weeks or a long tail beyond."""
    n = len(within)
    late = 141 + np.minimum(rng.gamma(2.0, 55.0, n), 560)
    return np.where(within, _uniform(rng, 63, 140, n), late.astype(np.int64))


# --- the steps of build --------------------------------------------------------------------------


@dataclass
class _Issued:
    """The councils' own plans' requests (one per plan, in `native` order)."""

    plan_keys: np.ndarray
    request_keys: np.ndarray
    received: np.ndarray
    week20: np.ndarray
    requests: pl.DataFrame


@dataclass
class _Arrived:
    """Plans transferred in: the receiving council's records, and their rows in `native`."""

    rows: Block
    old_rows: np.ndarray
    plan_keys: np.ndarray
    request_keys: np.ndarray
    requests: pl.DataFrame


def _ceased_plans(rng, ids: _Ids, scale: float, as_at: date) -> tuple[list[Block], list[Block]]:
    """Adds the plans ceased in each of the last six years and this year to date, by council,
    with their children (who moved where, for transfers and leavers)."""
    a = day(as_at)
    year = as_at.year
    ceased_children, ceased_plans = [], []
    for la, fig in enumerate(cal.FIGURES):
        counts = _yearly_counts(fig.ceased, cal.CEASED_GROWTH, scale, as_at)
        cease = np.concatenate(
            [_uniform(rng, *_year_window(a, year, k), counts[k]) for k in sorted(counts)]
        )
        n = len(cease)
        # Reasons in the published proportions each year (exact counts, in random order).
        reasons = np.concatenate(
            [
                np.repeat(
                    np.array(list(fig.cease_reasons)),
                    split_counts(counts[k], list(fig.cease_reasons.values())),
                )[rng.permutation(counts[k])]
                for k in sorted(counts)
            ]
        )
        lo = np.array([CEASE_AGE[r][0] for r in reasons])
        hi = np.array([CEASE_AGE[r][1] for r in reasons])
        age = lo + rng.random(n) * (hi - lo)
        dob = cease - (age * YEAR).astype(np.int64)
        longest = np.clip(age - 2.0, 0.3, 14.0)
        years = 0.25 + (longest - 0.25) * rng.random(n) ** 1.3
        start = np.minimum(_converted(rng, cease - (years * YEAR).astype(np.int64)), cease - 30)
        block = _children_block(rng, ids, n, group=CEASED, la=la, dob=dob, fig=fig)
        partner = (reasons == TRANSFER) & (rng.random(n) < fig.transfer_to_partner)
        moved_away = ((reasons == TRANSFER) & ~partner) | (reasons == LEFT_ENGLAND)
        block["home_la"] = np.where(partner, 1 - la, np.where(moved_away, cal.OUTSIDE, la)).astype(
            np.int8
        )
        block["prev_la"] = np.where(partner | moved_away, la, -1).astype(np.int8)
        ceased_children.append(block)
        ceased_plans.append(
            {
                "child": block["child"],
                "la": np.full(n, la, np.int8),
                "start": start,
                "cease": cease,
                "reason": reasons,
                "transfer_from": np.full(n, -1, np.int8),
                "partner": partner,
            }
        )
    return ceased_children, ceased_plans


def _transfers_in(rng, ceased_plans: list[Block], a: int) -> list[Block]:
    """Adds, for each council, the new plans in the partner council of the plans it ceased for
    transfer there (those begun by `a`)."""
    transfer_in = []
    for la in (cal.CITY, cal.COUNTY):
        old = ceased_plans[la]
        mask = old["partner"]
        n = int(mask.sum())
        move = old["cease"][mask] - _uniform(rng, -7, 21, n)
        lag = np.where(rng.random(n) < 0.8, _uniform(rng, 7, 42, n), _uniform(rng, 90, 270, n))
        new_start = move + lag
        arrived = new_start <= a
        transfer_in.append(
            {
                "child": old["child"][mask][arrived],
                "la": np.full(int(arrived.sum()), 1 - la, np.int8),
                "start": new_start[arrived],
                "cease": np.full(int(arrived.sum()), -1, np.int64),
                "reason": np.full(int(arrived.sum()), "", dtype=object),
                "transfer_from": np.full(int(arrived.sum()), la, np.int8),
                "old_index": np.flatnonzero(mask)[arrived],
            }
        )
    return transfer_in


def _in_force_plans(
    rng, ids: _Ids, scale: float, a: int, transfer_in: list[Block]
) -> tuple[list[Block], list[Block]]:
    """Adds the plans in force at `a` that began in the council (the rest came by transfer),
    by council, with their children."""
    in_force_children, in_force_plans = [], []
    for la, fig in enumerate(cal.FIGURES):
        arrivals = transfer_in[1 - la]["child"].size
        n = max(0, round(scale * fig.plans_in_force) - arrivals)
        ages = np.array(list(fig.ages), dtype=float)
        age = ages[pick(rng, n, list(fig.ages.values()))] + rng.random(n)
        dob = a - (age * YEAR).astype(np.int64)
        # The first band follows the year's new plans rather than the published band, which
        # counts from each plan's anniversary rather than from 1 January.
        bands = (round(fig.new_plans * cal.NEW_PLAN_BAND), *fig.years_in_place[1:])
        in_place = _years_in_place(rng, bands, np.maximum(age - 1.0, 0.05))
        start = np.minimum(_converted(rng, a - (in_place * YEAR).astype(np.int64)), a)
        block = _children_block(rng, ids, n, group=IN_FORCE, la=la, dob=dob, fig=fig)
        in_force_children.append(block)
        in_force_plans.append(
            {
                "child": block["child"],
                "la": np.full(n, la, np.int8),
                "start": start,
                "cease": np.full(n, -1, np.int64),
                "reason": np.full(n, "", dtype=object),
                "transfer_from": np.full(n, -1, np.int8),
            }
        )
    return in_force_children, in_force_plans


def _native_plans(in_force: list[Block], ceased: list[Block]) -> Block:
    """The plans that began in their council: in force (both councils), then ceased (city,
    county), the order `_ceased_row_index` relies on."""
    return _concat([{k: v for k, v in p.items() if k != "partner"} for p in in_force + ceased])


def _issued_requests(rng, ids: _Ids, native: Block, year: int) -> _Issued:
    """Adds each native plan's key, and its request and assessment, dated back from its issue
    (= start) date."""
    n = native["child"].size
    plan_keys = ids.take("plan", n)
    request_keys = ids.take("request", n)
    figs_la = native["la"]
    within = np.zeros(n, bool)
    for la, fig in enumerate(cal.FIGURES):
        m = figs_la == la
        rates = _within_20(fig, year - year_of(native["start"][m]))
        within[m] = rng.random(int(m.sum())) < rates
    duration = _durations(rng, within)
    received = native["start"] - duration
    on_time = np.array([cal.FIGURES[la].decision_within_6_weeks for la in figs_la])
    delay = _decision_days(rng, rng.random(n) < on_time)
    decision = np.minimum(received + delay, native["start"] - 7)
    week20 = np.where(within, rng.random(n) < 0.02, rng.random(n) < 0.08)
    plan_requests = _request_frame(
        rng,
        request_keys,
        native["child"],
        figs_la,
        received,
        decision,
        np.full(n, YES, dtype=object),
        np.full(n, PLAN_ISSUED, dtype=object),
        native["start"],
        week20,
        plan_keys,
    )
    return _Issued(plan_keys, request_keys, received, week20, plan_requests)


def _arrivals(rng, ids: _Ids, native: Block, issued: _Issued, transfer_in: list[Block]) -> _Arrived:
    """Adds the receiving council's record of each plan transferred in."""
    arrivals = _concat(transfer_in)
    old_rows = np.concatenate(
        [
            _ceased_row_index(native, la, transfer_in[la]["old_index"])
            for la in (cal.CITY, cal.COUNTY)
        ]
    )
    m = arrivals["child"].size
    arrival_plan_keys = ids.take("plan", m)
    # The city records a transferred plan under a request marked historic, carrying the
    # original request and issue dates; the county records the plan alone.
    city_arrival = arrivals["la"] == cal.CITY
    arrival_request_keys = np.where(city_arrival, ids.take("request", m), -1)
    arrival_requests = _request_frame(
        rng,
        arrival_request_keys[city_arrival],
        arrivals["child"][city_arrival],
        arrivals["la"][city_arrival],
        issued.received[old_rows][city_arrival],
        np.full(int(city_arrival.sum()), -1, np.int64),
        np.full(int(city_arrival.sum()), HISTORIC, dtype=object),
        np.full(int(city_arrival.sum()), PLAN_ISSUED, dtype=object),
        native["start"][old_rows][city_arrival],
        issued.week20[old_rows][city_arrival],
        arrival_plan_keys[city_arrival],
    )
    return _Arrived(arrivals, old_rows, arrival_plan_keys, arrival_request_keys, arrival_requests)


def _plan_table(native: Block, issued: _Issued, arrived: _Arrived) -> pl.DataFrame:
    """Every plan: the councils' own, then those transferred in."""
    arrivals = arrived.rows
    return pl.DataFrame(
        {
            "plan": np.concatenate([issued.plan_keys, arrived.plan_keys]),
            "child": np.concatenate([native["child"], arrivals["child"]]),
            "la": np.concatenate([native["la"], arrivals["la"]]),
            "start": np.concatenate([native["start"], arrivals["start"]]),
            "cease": np.concatenate([native["cease"], arrivals["cease"]]),
            "reason": np.concatenate([native["reason"], arrivals["reason"]]).astype(str),
            "transfer_from": np.concatenate([native["transfer_from"], arrivals["transfer_from"]]),
            "request": np.concatenate([issued.request_keys, arrived.request_keys]),
        }
    )


def _transfer_table(native: Block, issued: _Issued, arrived: _Arrived) -> pl.DataFrame:
    """Each transfer between the councils: the ceased plan and the new one."""
    arrivals, old_rows = arrived.rows, arrived.old_rows
    return pl.DataFrame(
        {
            "child": arrivals["child"],
            "from_la": arrivals["transfer_from"],
            "to_la": arrivals["la"],
            "old_plan": issued.plan_keys[old_rows],
            "new_plan": arrived.plan_keys,
            "old_cease": native["cease"][old_rows],
            "new_start": arrivals["start"],
        }
    )


def _prior_refusals(
    rng, ids: _Ids, native: Block, dob: np.ndarray, received: np.ndarray, year: int
) -> pl.DataFrame:
    """Adds an earlier, refused request for some children with a native plan (`dob` and
    `received`: each plan's child's birth day and request day, in `native` order)."""
    n = received.size
    prior_mask = rng.random(n) < cal.PRIOR_REFUSAL_SHARE
    prior_received = received - _uniform(rng, 180, 540, n)
    prior_mask &= (prior_received >= int(jan1(year - 6))) & (
        prior_received >= dob + int(1.5 * YEAR)
    )
    k = int(prior_mask.sum())
    prior_decision = prior_received[prior_mask] + _uniform(rng, 10, 42, k)
    return _request_frame(
        rng,
        ids.take("request", k),
        native["child"][prior_mask],
        native["la"][prior_mask],
        prior_received[prior_mask],
        prior_decision,
        np.full(k, NO, dtype=object),
        np.full(k, "", dtype=object),
        np.full(k, -1, np.int64),
        np.zeros(k, bool),
        np.full(k, -1, np.int64),
    )


def build(seed: int, scale: float, as_at: date) -> Ehcp:
    """Both councils' EHC journeys up to `as_at`, `scale` times the published numbers."""
    rng = stream(seed, "ehcp")
    a = day(as_at)
    ids = _Ids()
    ceased_children, ceased = _ceased_plans(rng, ids, scale, as_at)
    transfer_in = _transfers_in(rng, ceased, a)
    in_force_children, in_force = _in_force_plans(rng, ids, scale, a, transfer_in)
    children = _concat(in_force_children + ceased_children)
    native = _native_plans(in_force, ceased)
    issued = _issued_requests(rng, ids, native, as_at.year)
    arrived = _arrivals(rng, ids, native, issued, transfer_in)
    plans = _plan_table(native, issued, arrived)
    transfers = _transfer_table(native, issued, arrived)
    prior = _prior_refusals(rng, ids, native, children["dob"], issued.received, as_at.year)
    others = [
        _requests_without_plans(rng, ids, la, fig, scale, as_at, issued.requests, prior)
        for la, fig in enumerate(cal.FIGURES)
    ]

    children = _concat([children, *(block for block, _ in others)])
    requests = pl.concat(
        [issued.requests, arrived.requests, prior, *(frame for _, frame in others)],
        how="vertical",
    ).sort("request")
    plans = plans.sort("plan")
    children_frame = pl.DataFrame(children).sort("child")

    placements, plan_settings = _placements(rng, ids, plans, children_frame, a)
    needs = _needs(plans, children_frame)
    reviews = _reviews(rng, plans, a)

    # Planted overlaps and gaps the modelled flows make rarely (docs/marts.md), each from its own
    # stream so that the rest of the world is drawn exactly as without them.
    requests = _plant_undecided(seed, scale, requests, plans, a)
    requests = _plant_second_assessments(seed, scale, ids, requests, plans, a, as_at.year)
    plans, placements, reviews, transfers = _plant_late_cease(
        seed, scale, plans, placements, reviews, transfers, a
    )
    return Ehcp(
        children=children_frame,
        requests=requests,
        plans=plans,
        placements=placements,
        plan_settings=plan_settings,
        needs=needs,
        reviews=reviews,
        transfers=transfers,
    )


# --- planted overlaps and gaps ------------------------------------------------------------------


def _planted(scale: float) -> int:
    return round(cal.PLANTED_ISSUES * scale)


def _undecided_window(a: int) -> tuple[int, int]:
    """Received between these days, a request may be planted as still undecided (exclusive)."""
    return a - clock_days("final_plan"), a - clock_days("request_decision") - 7


def _share_undecided(lo: int, hi: int, a: int, on_time: float) -> float:
    """Expected share of requests received evenly over days lo..hi still undecided on day a."""
    received = np.arange(lo, hi + 1)
    return sum(
        weight * (1 - _share_decided(received, a, *DECISION_DAYS[timely]))
        for timely, weight in ((True, on_time), (False, 1 - on_time))
    )


def _planted_undecided(la: int, scale: float, a: int, lo: int, hi: int) -> float:
    """Expected requests received in days lo..hi that `_plant_undecided` turns from agreed to
    undecided (it plants the council's share evenly over its window)."""
    planted = split_counts(_planted(scale), [fig.requests for fig in cal.FIGURES])[la]
    start, end = _undecided_window(a)
    overlap = max(0, min(hi, end - 1) - max(lo, start + 1) + 1)
    return planted * cal.FIGURES[la].pct_decided_to_assess * overlap / (end - start - 1)


def _plant_undecided(
    seed: int, scale: float, requests: pl.DataFrame, plans: pl.DataFrame, a: int
) -> pl.DataFrame:
    """Requests still awaiting a decision well past the 6-week clock (`request_no_decision`).

    Recent requests that led to no plan lose their decision (refusals and agreements in the
    council's published proportions, so the share decided to assess stays put); the number of
    requests received is unchanged."""
    rng = stream(seed, "plant/request_no_decision")
    k = split_counts(_planted(scale), [fig.requests for fig in cal.FIGURES])
    start, end = _undecided_window(a)
    window = (
        (pl.col("received") > start)
        & (pl.col("received") < end)
        & (pl.col("plan") < 0)
        & ~pl.col("exported")
        & ~pl.col("child").is_in(plans["child"].implode())
    )
    chosen: list[np.ndarray] = []
    for la, fig in enumerate(cal.FIGURES):
        n_yes = round(k[la] * fig.pct_decided_to_assess)
        for outcome, wanted in ((YES, n_yes), (NO, int(k[la]) - n_yes)):
            keys = requests.filter(window & (pl.col("la") == la) & (pl.col("outcome") == outcome))[
                "request"
            ].to_numpy()
            take = min(wanted, keys.size)
            chosen.append(np.sort(rng.choice(keys, size=take, replace=False)))
    undecided = pl.col("request").is_in(pl.Series(np.concatenate(chosen)).implode())
    return requests.with_columns(
        outcome=pl.when(undecided).then(pl.lit(PENDING)).otherwise("outcome"),
        decision=pl.when(undecided).then(pl.lit(-1, pl.Int64)).otherwise("decision"),
        assessment=pl.when(undecided).then(pl.lit("")).otherwise("assessment"),
        assessed=pl.when(undecided).then(pl.lit(-1, pl.Int64)).otherwise("assessed"),
        week20=pl.when(undecided).then(pl.lit(False)).otherwise("week20"),
    )


def _plant_second_assessments(
    seed: int,
    scale: float,
    ids: _Ids,
    requests: pl.DataFrame,
    plans: pl.DataFrame,
    a: int,
    year: int,
) -> pl.DataFrame:
    """A second EHC needs assessment in the other council while the first is running
    (`dual_assessment`): a request agreed to assess, ending with no plan or still in progress.

    The second requests are received before the last full year, so the published year's
    requests, decisions and 20-week figures are untouched."""
    rng = stream(seed, "plant/dual_assessment")
    ceased = plans.filter(pl.col("cease") >= 0)["child"].implode()
    councils = pl.concat([requests.select("child", "la"), plans.select("child", "la")]).unique()
    two_councils = councils.group_by("child").len().filter(pl.col("len") > 1)["child"].implode()
    first = (
        requests.filter(
            (pl.col("outcome") == YES)
            & (pl.col("decision") >= 0)
            & pl.col("assessment").is_in([PLAN_ISSUED, NO_PLAN, IN_PROGRESS])
            & ~pl.col("child").is_in(ceased)
            & ~pl.col("child").is_in(two_councils)
        )
        .with_columns(
            end=pl.when(pl.col("assessment") == IN_PROGRESS).then(pl.lit(a)).otherwise("assessed"),
        )
        .with_columns(
            lo=pl.max_horizontal("decision", pl.lit(int(jan1(year - 6)))),
            hi=pl.min_horizontal(pl.col("end") - 50, pl.lit(int(jan1(year - 1)) - 1)),
        )
        .filter(pl.col("lo") <= pl.col("hi"))
        .sort("request")
        .unique("child", keep="first", maintain_order=True)
    )
    k = min(_planted(scale), first.height)
    if k == 0:
        return requests
    rows = first[np.sort(rng.choice(first.height, size=k, replace=False))]
    lo, hi = rows["lo"].to_numpy(), rows["hi"].to_numpy()
    received = _uniform(rng, lo, hi)
    decision = received + _uniform(rng, 10, 42, k)
    running = (rows["assessment"].to_numpy() == IN_PROGRESS) & (rng.random(k) < 0.5)
    assessed = np.where(running, -1, np.minimum(decision + _uniform(rng, 40, 160, k), a))
    second = _request_frame(
        rng,
        ids.take("request", k),
        rows["child"].to_numpy(),
        1 - rows["la"].to_numpy(),
        received,
        decision,
        np.full(k, YES, dtype=object),
        np.where(running, IN_PROGRESS, NO_PLAN).astype(object),
        assessed,
        np.zeros(k, bool),
        np.full(k, -1, np.int64),
    )
    return pl.concat([requests, second], how="vertical").sort("request")


def _plant_late_cease(
    seed: int,
    scale: float,
    plans: pl.DataFrame,
    placements: pl.DataFrame,
    reviews: pl.DataFrame,
    transfers: pl.DataFrame,
    a: int,
):
    """Transfers where the old council ceased its plan weeks after the new council's plan
    began (`dual_plans`): more than the 6-week `plan_transfer` clock of both plans in force.

    Only transfers taken on in time are chosen, and each old plan still ceases in the same
    calendar year and before as_at, so the yearly ceased and transfer counts stay as published.
    The old plan's current placement runs to the new cease date and its annual reviews are
    drawn again for the longer plan (from the planting stream)."""
    rng = stream(seed, "plant/dual_plans")
    clock = clock_days("plan_transfer")
    old_cease = transfers["old_cease"].to_numpy()
    new_start = transfers["new_start"].to_numpy()
    year_end = jan1(year_of(old_cease) + 1) - 1
    lo = new_start + clock + 8
    hi = np.minimum(np.minimum(new_start + 150, a - 1), year_end)
    candidates = np.flatnonzero((new_start - old_cease <= clock) & (lo <= hi))
    k = min(_planted(scale), candidates.size)
    if k == 0:
        return plans, placements, reviews, transfers
    rows = np.sort(rng.choice(candidates, size=k, replace=False))
    late = pl.DataFrame(
        {
            "plan": transfers["old_plan"].to_numpy()[rows],
            "old_cease": old_cease[rows],
            "late_cease": _uniform(rng, lo[rows], hi[rows]),
        }
    )
    plans = (
        plans.join(late, on="plan", how="left", maintain_order="left")
        .with_columns(cease=pl.coalesce("late_cease", "cease"))
        .drop("old_cease", "late_cease")
    )
    placements = (
        placements.join(late, on="plan", how="left", maintain_order="left")
        .with_columns(
            leaving=pl.when(pl.col("leaving") == pl.col("old_cease"))
            .then("late_cease")
            .otherwise("leaving")
        )
        .drop("old_cease", "late_cease")
    )
    longer = plans.join(late.select("plan"), on="plan", maintain_order="left")
    reviews = pl.concat(
        [
            reviews.join(late.select("plan"), on="plan", how="anti"),
            _reviews(rng, longer, a),
        ]
    ).sort("plan", "number")
    transfers = (
        transfers.join(
            late.select(old_plan="plan", late_cease="late_cease"),
            on="old_plan",
            how="left",
            maintain_order="left",
        )
        .with_columns(old_cease=pl.coalesce("late_cease", "old_cease"))
        .drop("late_cease")
    )
    return plans, placements, reviews, transfers


def _converted(rng, start: np.ndarray) -> np.ndarray:
    """Plans dated before EHC plans existed (September 2014) began as statements converted to
    plans during the transition (September 2014 to March 2018)."""
    early = start < EHC_PLANS_BEGIN
    converted = _uniform(rng, EHC_PLANS_BEGIN, TRANSITION_END, int(early.sum()))
    start = start.copy()
    start[early] = converted
    return start


def _ceased_row_index(native: dict[str, np.ndarray], la: int, old_index: np.ndarray) -> np.ndarray:
    """Row in `native` of the council's ceased plan number `old_index`.

    `native` holds the in-force plans of both councils first, then the ceased plans of the city,
    then those of the county."""
    in_force_total = int((native["cease"] < 0).sum())
    city_ceased = int(((native["cease"] >= 0) & (native["la"] == cal.CITY)).sum())
    offset = in_force_total + (0 if la == cal.CITY else city_ceased)
    return offset + old_index


def _years_in_place(rng, counts: tuple[int, ...], longest: np.ndarray) -> np.ndarray:
    """Years a plan has been in place, from the published bands, never more than `longest`."""
    density = np.array([*counts[:-1], *(counts[-1] / 4,) * 4], dtype=float)  # 12+ → 11-15 yrs
    cumulative = np.concatenate([[0.0], np.cumsum(density)])
    whole = np.minimum(np.floor(longest).astype(np.int64), len(density) - 1)
    limit = np.minimum(cumulative[whole] + (longest - whole) * density[whole], cumulative[-1])
    target = rng.random(len(longest)) * limit
    band = np.clip(np.searchsorted(cumulative, target, side="right") - 1, 0, len(density) - 1)
    return band + (target - cumulative[band]) / density[band]


def _request_frame(
    rng, keys, child, la, received, decision, outcome, assessment, assessed, week20, plan
) -> pl.DataFrame:
    n = len(keys)
    source = np.array(REQUEST_SOURCES)[pick(rng, n, REQUEST_SOURCE_WEIGHTS)]
    return pl.DataFrame(
        {
            "request": np.asarray(keys, np.int64),
            "child": np.asarray(child, np.int64),
            "la": np.asarray(la, np.int8),
            "received": np.asarray(received, np.int64),
            "decision": np.asarray(decision, np.int64),
            "outcome": np.asarray(outcome, dtype=str),
            "source": source.astype(str),
            "assessment": np.asarray(assessment, dtype=str),
            "assessed": np.asarray(assessed, np.int64),
            "week20": np.asarray(week20, bool),
            "exported": np.zeros(n, bool),
            "plan": np.asarray(plan, np.int64),
            "rya": rng.random(n) < 0.002,
            "request_mediation": rng.random(n) < 0.01,
            "request_tribunal": rng.random(n) < 0.01,
            "assessment_mediation": rng.random(n) < 0.01,
            "assessment_tribunal": rng.random(n) < 0.02,
            "other_mediation": rng.random(n) < 0.01,
            "other_tribunal": rng.random(n) < 0.01,
        }
    )


def _requests_without_plans(
    rng,
    ids: _Ids,
    la: int,
    fig: cal.CouncilFigures,
    scale: float,
    as_at: date,
    plan_requests: pl.DataFrame,
    prior_requests: pl.DataFrame,
):
    a = day(as_at)
    year = as_at.year
    targets = _yearly_counts(fig.requests, cal.REQUEST_GROWTH, scale, as_at)
    counted = pl.concat([plan_requests, prior_requests]).filter(pl.col("la") == la)
    by_year = counted.group_by(
        year_of_received=pl.col("received").cast(pl.Int32).cast(pl.Date).dt.year(),
        refused=pl.col("outcome") == NO,
    ).len()
    blocks, frames = [], []
    for offset in sorted(targets):
        target = targets[offset]
        lo, hi = _year_window(a, year, offset)
        rows = by_year.filter(pl.col("year_of_received") == year - offset)
        planned = int(rows.filter(~pl.col("refused"))["len"].sum())
        refused = int(rows.filter(pl.col("refused"))["len"].sum())
        # The DfE's share decided to assess is of every request received in a year, so the
        # requests still undecided on the as-at date (and those the planted issue leaves
        # undecided) count against it: enough more are agreed that the share of a full year
        # comes out as published. (The requests behind plans are all decided.)
        agreed = fig.pct_decided_to_assess * target - planned
        if hi < a:
            undecided = _share_undecided(lo, hi, a, fig.decision_within_6_weeks)
            agreed = (agreed + _planted_undecided(la, scale, a, lo, hi)) / (1 - undecided)
        agreed = max(0.0, agreed)
        want = [
            agreed,
            max(0.0, target * (1 - cal.WITHDRAWN_SHARE) - planned - agreed - refused),
            target * cal.WITHDRAWN_SHARE,
        ]
        n_yes, n_no, n_withdrawn = split_counts(max(0, target - planned - refused), want)
        n = int(n_yes + n_no + n_withdrawn)
        kind = np.repeat(np.array([0, 1, 2]), [n_yes, n_no, n_withdrawn])
        received = _uniform(rng, lo, hi, n)
        on_time = rng.random(n) < fig.decision_within_6_weeks
        decision = received + _decision_days(rng, on_time)
        decided_yet = decision <= a
        outcome = np.where(kind == 0, YES, np.where(kind == 1, NO, WITHDRAWN)).astype(object)
        outcome[(kind < 2) & ~decided_yet] = PENDING
        decision = np.where((kind < 2) & decided_yet, decision, -1)
        # Assessments agreed but with no plan: still running, ended with no plan, or withdrawn.
        within = rng.random(n) < _within_20(fig, np.full(n, offset))
        would_issue = received + _durations(rng, within)
        assessed = outcome == YES
        recent = offset <= 1
        roll = rng.random(n)
        pending = assessed & ((would_issue > a) | (recent & (roll < 0.8)))
        no_plan = assessed & ~pending & (roll < 0.93)
        assessment = np.full(n, "", dtype=object)
        assessment[pending] = IN_PROGRESS
        assessment[no_plan] = NO_PLAN
        assessment[assessed & ~pending & ~no_plan] = ASSESSMENT_WITHDRAWN
        assessed_on = np.where(no_plan, np.minimum(would_issue - 30, a), -1)
        exported = (outcome == WITHDRAWN) & (rng.random(n) < 0.3)
        ages = np.array(list(REQUEST_AGE), dtype=float)
        age = ages[pick(rng, n, list(REQUEST_AGE.values()))] + rng.random(n)
        dob = received - (age * YEAR).astype(np.int64)
        block = _children_block(rng, ids, n, group=REQUESTED, la=la, dob=dob, fig=fig)
        block["home_la"] = np.where(exported, cal.OUTSIDE, la).astype(np.int8)
        block["prev_la"] = np.where(exported, la, -1).astype(np.int8)
        frame = _request_frame(
            rng,
            ids.take("request", n),
            block["child"],
            np.full(n, la, np.int8),
            received,
            decision,
            outcome,
            assessment,
            assessed_on,
            np.zeros(n, bool),
            np.full(n, -1, np.int64),
        ).with_columns(exported=pl.Series(exported))
        blocks.append(block)
        frames.append(frame)
    return _concat(blocks), pl.concat(frames)


# --- placements, needs, reviews ----------------------------------------------------------------


def _settings_index():
    from pipelines.synthetic.reference import COUNTY_LA, load

    settings = load().settings
    la = np.where(settings["la_code"].to_numpy() == COUNTY_LA, cal.COUNTY, cal.CITY)
    kind = settings["setting_type"].to_numpy()
    phase = settings["phase"].to_numpy()
    return settings, la, kind, phase


def setting_groups() -> dict[tuple[str, int], np.ndarray]:
    """Setting row numbers by (kind, council); mainstream split into primary and secondary."""
    _, la, kind, phase = _settings_index()
    groups: dict[tuple[str, int], np.ndarray] = {}
    for council in (cal.CITY, cal.COUNTY):
        here = la == council
        for category in URN_CATEGORIES + ("early_years",):
            if category == "mainstream":
                primary = here & (kind == "mainstream") & np.isin(phase, ["Primary", "All-through"])
                secondary = (
                    here & (kind == "mainstream") & np.isin(phase, ["Secondary", "All-through"])
                )
                groups[("primary", council)] = np.flatnonzero(primary)
                groups[("secondary", council)] = np.flatnonzero(secondary)
            else:
                groups[(category, council)] = np.flatnonzero(here & (kind == category))
    return groups


def choose_settings(rng, kinds: np.ndarray, councils: np.ndarray) -> np.ndarray:
    """A setting row for each (kind, council) pair; -1 where the kind has no settings."""
    groups = setting_groups()
    chosen = np.full(len(kinds), -1, np.int64)
    for (kind, council), rows in groups.items():
        mask = (kinds == kind) & (councils == council)
        if mask.any() and rows.size:
            chosen[mask] = rows[rng.integers(0, rows.size, int(mask.sum()))]
    return chosen


def _placements(rng, ids: _Ids, plans: pl.DataFrame, children: pl.DataFrame, a: int):
    n = plans.height
    child_row = children.select("child", "dob").join(
        plans.select("child"), on="child", how="right", maintain_order="right"
    )
    dob = child_row["dob"].to_numpy()
    la = plans["la"].to_numpy()
    start = plans["start"].to_numpy()
    cease = plans["cease"].to_numpy()
    until = np.where(cease >= 0, cease, a)
    age = (until - dob) / YEAR
    band = np.searchsorted(np.array([5, 11, 16, 20]), age, side="right")
    category = np.empty(n, dtype=object)
    for council, fig in enumerate(cal.FIGURES):
        weights = np.array([fig.placements[c] for c in PLACEMENT_CATEGORIES], dtype=float)
        for b in range(5):
            mask = (la == council) & (band == b)
            category[mask] = np.array(PLACEMENT_CATEGORIES)[
                pick(rng, int(mask.sum()), weights[:, b])
            ]
    category = category.astype(str)

    kind = category.copy()
    kind[category == "mainstream"] = np.where(
        age[category == "mainstream"] < 11, "primary", "secondary"
    )
    same_la = {
        "mainstream": 0.93,
        "special": 0.85,
        "further_education": 0.85,
        "alternative_provision": 0.95,
        "early_years": 0.95,
        "independent_special": 0.5,
    }
    stay = np.array([same_la.get(c, 1.0) for c in category])
    council = np.where(rng.random(n) < stay, la, 1 - la).astype(np.int8)
    early_years_code = (category == "early_years") & (rng.random(n) < 0.5)
    setting = np.where(early_years_code, -1, choose_settings(rng, kind, council))

    sen_setting = np.full(n, "", dtype=object)
    for cat, weights in (("not_in_education", cal.NOT_IN_EDUCATION_CODES),):
        mask = category == cat
        sen_setting[mask] = np.array(list(weights))[
            pick(rng, int(mask.sum()), list(weights.values()))
        ]
    for c, fig in enumerate(cal.FIGURES):
        mask = (category == "elsewhere") & (la == c)
        sen_setting[mask] = np.array(list(fig.elsewhere_codes))[
            pick(rng, int(mask.sum()), list(fig.elsewhere_codes.values()))
        ]
    sen_setting[early_years_code] = codes.code("sen_setting", "EYP")

    # Entry to the current setting: the start of its phase for schools and colleges, otherwise
    # a little after the plan began.
    reception, year7, year12 = (school_start(dob, g) for g in (4, 11, 16))
    phase_start = np.where(
        kind == "primary",
        reception,
        np.where(
            kind == "secondary",
            np.where(age >= 16, year12, year7),
            np.where(kind == "further_education", year12, -1),
        ),
    )
    settled = np.minimum(start + _uniform(rng, 0, 120, n), until)
    entry = np.where((phase_start > 0) & (phase_start <= until), phase_start, settled)
    entry = np.maximum(entry, dob + int(2 * YEAR))
    entry = np.minimum(entry, until)

    # A previous setting while the plan was in force: the last phase, or a move to special.
    moved_phase = np.isin(kind, ["secondary", "further_education"]) & (start < entry)
    to_special = (
        np.isin(category, ["special", "independent_special"])
        & (age >= 8)
        & (until - start > 400)
        & (rng.random(n) < 0.3)
    )
    switch = start + ((until - start - 30) * rng.random(n)).astype(np.int64)
    entry = np.where(to_special, switch, entry)
    previous = moved_phase | to_special
    prev_kind = np.where(
        to_special,
        np.where((switch - dob) / YEAR < 11, "primary", "secondary"),
        np.where(
            kind == "secondary", "primary", np.where(rng.random(n) < 0.7, "secondary", "special")
        ),
    )
    prev_entry = np.where(
        prev_kind == "primary", reception, np.where(prev_kind == "secondary", year7, start)
    )
    prev_entry = np.minimum(prev_entry, entry - 30)
    prev_leaving = np.where(to_special, entry - 1, entry - 40)
    prev_entry = np.minimum(prev_entry, prev_leaving)
    prev_setting = choose_settings(rng, prev_kind, np.where(rng.random(n) < 0.9, council, la))

    has_current = category != "unknown"
    current_rows = has_current & ((setting >= 0) | (sen_setting != ""))
    leaving = np.where(cease >= 0, cease, -1)
    plan_keys = plans["plan"].to_numpy()
    mainstream = np.isin(kind, ["primary", "secondary"])

    def frame(mask, setting_rows, codes_, entered, left, kinds):
        m = int(mask.sum())
        return pl.DataFrame(
            {
                "placement": ids.take("placement", m),
                "plan": plan_keys[mask],
                "setting": setting_rows[mask],
                "sen_setting": codes_[mask].astype(str),
                "entry": entered[mask],
                "leaving": left[mask],
                "kind": kinds[mask].astype(str),
                "sen_unit": mainstream[mask] & (rng.random(m) < 0.03),
                "resourced": mainstream[mask] & (rng.random(m) < 0.03),
                "res": (kinds[mask] == "independent_special") & (rng.random(m) < 0.25),
                "wbp": (kinds[mask] == "further_education") & (rng.random(m) < 0.02),
            }
        )

    placements = pl.concat(
        [
            frame(
                previous & has_current & (prev_setting >= 0),
                prev_setting,
                np.full(n, "", dtype=object),
                prev_entry,
                prev_leaving,
                prev_kind,
            ),
            frame(current_rows, setting, sen_setting, entry, leaving, kind),
        ]
    ).sort("placement")

    # The setting named in the plan: usually where the child is, sometimes elsewhere.
    named = setting.copy()
    other = (setting >= 0) & (rng.random(n) < 0.1)
    named[other] = choose_settings(rng, kind[other], council[other])
    named_code = sen_setting.copy()
    named_code[category == "unknown"] = codes.code("sen_setting", "OTH")
    plan_settings = pl.DataFrame(
        {
            "plan": plan_keys,
            "setting": named,
            "sen_setting": named_code.astype(str),
            "sen_unit": mainstream & (rng.random(n) < 0.03),
            "resourced": mainstream & (rng.random(n) < 0.03),
            "category": category,
            "current_setting": np.where(current_rows & (cease < 0), setting, -1),
        }
    )
    return placements, plan_settings


def _needs(plans: pl.DataFrame, children: pl.DataFrame) -> pl.DataFrame:
    joined = plans.select("plan", "child", "la").join(
        children.select("child", "need1", "need2", "need_recorded"),
        on="child",
        maintain_order="left",
    )
    recorded = joined.filter(pl.col("need_recorded") | (pl.col("la") == cal.COUNTY))
    primary = recorded.select("plan", need=pl.col("need1"), rank=pl.lit(1, pl.Int8))
    secondary = recorded.filter(pl.col("need2") >= 0).select(
        "plan", need=pl.col("need2"), rank=pl.lit(2, pl.Int8)
    )
    return pl.concat([primary, secondary]).sort("plan", "rank")


def _quick_review_rate(published: np.ndarray, meeting: np.ndarray, a: int) -> np.ndarray:
    """The chance of each review decision within 4 weeks that reproduces the published share.

    The DfE counts, of a calendar year's meetings, the decisions made within 4 weeks among the
    decisions made (outstanding ones left out). On the as-at date a late decision on a recent
    meeting is more often still outstanding than a quick one, so the share among decisions
    made exceeds the chance of a quick decision; the chance is lowered to match, for each
    calendar year of meetings by how much of it the as-at date cuts short."""
    rate = published.astype(float)
    years = year_of(meeting)
    for year in np.unique(years):
        if int(jan1(year + 1)) > a:  # the as-at year is not published yet
            continue
        days = np.arange(int(jan1(year)), int(jan1(year + 1)))
        # share of the year's quick (True) and late (False) decisions made by day a
        made = {t: _share_decided(days, a, *span) for t, span in REVIEW_DECISION_DAYS.items()}
        chosen = years == year
        t = published[chosen]
        rate[chosen] = t * made[False] / (t * made[False] + (1 - t) * made[True])
    return rate


def _reviews(rng, plans: pl.DataFrame, a: int) -> pl.DataFrame:
    start = plans["start"].to_numpy()
    cease = plans["cease"].to_numpy()
    until = np.where(cease >= 0, cease, a)
    count = np.floor((until - start) / YEAR).astype(np.int64).clip(0)
    row = np.repeat(np.arange(plans.height), count)
    n = row.size
    k = np.arange(n) - np.repeat(np.cumsum(count) - count, count) + 1  # anniversary number
    meeting = start[row] + (k * YEAR).astype(np.int64) - _uniform(rng, 0, 40, n)
    la = plans["la"].to_numpy()[row]
    held_rate = np.array([cal.FIGURES[c].review_meeting_held for c in la])
    within_rate = _quick_review_rate(
        np.array([cal.FIGURES[c].review_within_4_weeks for c in la]), meeting, a
    )
    held = (rng.random(n) < held_rate) & (meeting <= until[row])
    quick = rng.random(n) < within_rate
    decision = meeting + _decision_days(rng, quick, REVIEW_DECISION_DAYS)
    decided = decision <= a
    outcome = np.empty(n, dtype=object)
    for c, fig in enumerate(cal.FIGURES):
        mask = la == c
        outcome[mask] = np.array(list(fig.review_outcomes))[
            pick(rng, int(mask.sum()), list(fig.review_outcomes.values()))
        ]
    reason = plans["reason"].to_numpy()[row]
    last = k == count[row]
    outcome[last & np.isin(reason, list(CEASE_AFTER_REVIEW))] = REVIEW_CEASE
    outcome[~decided] = ""
    draft = np.where(
        (outcome == "amend") & decided, np.minimum(decision + _uniform(rng, 7, 70, n), a), -1
    )
    return (
        pl.DataFrame(
            {
                "plan": plans["plan"].to_numpy()[row],
                "number": k,
                "meeting": meeting,
                "decision": np.where(decided, decision, -1),
                "outcome": outcome.astype(str),
                "draft": draft,
            }
        )
        .filter(pl.Series(held))
        .sort("plan", "number")
    )


def phase_transfer(dob: np.ndarray, start: np.ndarray, until: np.ndarray, a: int, rng):
    """Due and final dates of the last phase-transfer review (15 February before a move to
    Year 7 or Year 12), for plans in force then; -1 where there was none."""
    due = np.full(len(dob), -1, np.int64)
    for age in (11, 16):
        move = school_start(dob, age)
        deadline = month_day(year_of(move), 2, 15)
        happened = (move <= a) & (deadline >= start) & (deadline <= until)
        due = np.where(happened & (deadline > due), deadline, due)
    late = rng.random(len(dob)) < 0.3
    final = np.where(
        late, due + _uniform(rng, 1, 120, len(dob)), due - _uniform(rng, 0, 30, len(dob))
    )
    final = np.where(due >= 0, np.minimum(final, a), -1)
    return due, final
