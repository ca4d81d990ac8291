"""The population of true children: who they are, where they live, where they go to school.

Adds to the children of the EHC journeys (ehcp.py) the pupils on SEN support and the children
known only to community health, then gives every child a name, an address, a school, the national
identifiers they would hold (UPN, ULN, NHS number) and plants twins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from pipelines.synthetic import calibration as cal
from pipelines.synthetic import codes, names, reference
from pipelines.synthetic.dates import YEAR, cohort, day, month_day, year_of
from pipelines.synthetic.ehcp import (
    CEASED,
    ETHNICITIES,
    GROUP_NAMES,
    ICB_ONLY,
    IN_FORCE,
    REQUESTED,
    SEN_SUPPORT,
    SEN_TYPES,
    Ehcp,
    choose_settings,
)
from pipelines.synthetic.streams import pick, stream, unique_numbers
from schemas.identifiers import nhs_check_digit_expr, uln_valid_expr, upn_check_letter_expr

NEEDS_MET = codes.code("cease_reason", "2")
UPN_UNDER_6, UPN_NEVER_STATE, UPN_NEVER_SCHOOL = (
    codes.code("upn_unknown", c) for c in ("UN1", "UN2", "UN9")
)
# Outward codes beyond the partnership, for children who moved away (no directory entry).
OUTSIDE_DISTRICTS = (
    "DE7",
    "DE22",
    "DE55",
    "LE11",
    "LE12",
    "LE4",
    "LN1",
    "LN6",
    "S41",
    "S44",
    "DN4",
    "DN21",
    "NG10",
    "NG31",
    "NG32",
)


@dataclass
class People:
    frame: pl.DataFrame
    twins: pl.DataFrame  # twin_a, twin_b (child keys)
    nhs_spare: np.ndarray  # valid 999-range NHS numbers given to no child


def nulls(n: int) -> pl.Series:
    """A text column of `n` nulls, to scatter values into."""
    return pl.repeat(None, n, dtype=pl.String, eager=True)


def pick_text(values: pl.Series, index: np.ndarray) -> pl.Series:
    """`values` at each index; null where the index is negative."""
    position = pl.Series(index)
    return values.gather(pl.select(pl.when(position >= 0).then(position)).to_series())


def year_group(dob: np.ndarray, a: int) -> np.ndarray:
    """National curriculum year group at `a` (Reception = 0, Year 11 = 11)."""
    academic = year_of(np.array([a]))[0] - (1 if _month(a) < 9 else 0)
    return academic - cohort(dob) - 4


def _month(a: int) -> int:
    return int(np.asarray(a, dtype="datetime64[D]").astype("datetime64[M]").astype(int) % 12 + 1)


def _dob_in_year_group(rng, groups: np.ndarray, a: int) -> np.ndarray:
    academic = year_of(np.array([a]))[0] - (1 if _month(a) < 9 else 0)
    born_by = academic - 4 - groups  # cohort: academic year of birth ends 31 August of this year
    first = month_day(born_by - 1, 9, 1)
    last = month_day(born_by, 8, 31)
    return first + np.floor(rng.random(len(groups)) * (last - first + 1)).astype(np.int64)


def build(seed: int, children: int, scale: float, as_at: date, ehcp: Ehcp) -> People:
    rng = stream(seed, "people")
    a = day(as_at)
    settings = reference.load().settings
    setting_la = np.where(
        settings["la_code"].to_numpy() == reference.COUNTY_LA, cal.COUNTY, cal.CITY
    )
    setting_kind = settings["setting_type"].to_numpy()
    base = ehcp.children

    # Schools of children with a plan in force: where the plan places them.
    current = (
        ehcp.plan_settings.select("plan", "current_setting")
        .join(ehcp.plans.select("plan", "child"), on="plan", maintain_order="left")
        .filter(pl.col("current_setting") >= 0)
        .group_by("child")
        .agg(school=pl.col("current_setting").last())
        .sort("child")
    )
    base = base.join(current, on="child", how="left", maintain_order="left").with_columns(
        pl.col("school").fill_null(-1)
    )
    cols = {c: base[c].to_numpy().copy() for c in base.columns}
    last_reason = (
        ehcp.plans.filter(pl.col("cease") >= 0)
        .sort("cease")
        .group_by("child")
        .agg(pl.col("reason").last())
    )
    reason_of = np.full(cols["child"].size, "", dtype=object)
    joined = (
        base.select("child")
        .join(last_reason, on="child", how="left", maintain_order="left")["reason"]
        .fill_null("")
    )
    reason_of[:] = joined.to_numpy()
    # The council holding each child's plan in force (after any transfer), -1 for none.
    holding = ehcp.plans.filter(pl.col("cease") < 0).select("child", "la")
    plan_la = (
        base.select("child")
        .join(holding, on="child", how="left", maintain_order="left")["la"]
        .fill_null(-1)
        .to_numpy()
        .astype(np.int8)
    )
    cols["plan_la"] = plan_la
    in_force_now = plan_la >= 0

    yg = year_group(cols["dob"], a)
    needs_school = (
        (cols["school"] < 0)
        & (cols["home_la"] != cal.OUTSIDE)
        & (((yg >= 0) & (yg <= 11)) | ((yg >= 12) & (yg <= 13) & (rng.random(yg.size) < 0.5)))
        & ~in_force_now
    )
    _assign_mainstream(rng, cols, needs_school, yg)

    # Pupils already on the councils' SEN support lists: requests that led to no plan, plans
    # ceased because needs are met, and some stale entries for children who now have a plan.
    mainstream = (cols["school"] >= 0) & (
        setting_kind[np.maximum(cols["school"], 0)] == "mainstream"
    )
    school_la = np.where(cols["school"] >= 0, setting_la[np.maximum(cols["school"], 0)], -1)
    listed = np.zeros(yg.size, bool)
    school_age = (yg >= 0) & (yg <= 11) & mainstream
    listed |= (cols["group"] == REQUESTED) & school_age & (rng.random(yg.size) < 0.75)
    listed |= (reason_of == NEEDS_MET) & school_age & ~in_force_now & (rng.random(yg.size) < 0.6)
    stale = in_force_now & school_age & (school_la != plan_la) & (rng.random(yg.size) < 0.35)
    listed |= stale
    cols["listed_la"] = np.where(listed, school_la, -1).astype(np.int8)
    cols["stale_listing"] = stale

    blocks = [cols]
    next_child = int(cols["child"].max()) + 1 if cols["child"].size else 0
    for la, fig in enumerate(cal.FIGURES):
        n = max(0, round(scale * fig.sen_support) - int((cols["listed_la"] == la).sum()))
        block = _sen_support_block(rng, np.arange(next_child, next_child + n), la, a)
        next_child += n
        blocks.append(block)
    so_far = sum(b["child"].size for b in blocks)
    icb = _icb_block(rng, np.arange(next_child, next_child + max(0, children - so_far)), a)
    blocks.append(icb)
    keys = blocks[0].keys()
    cols = {k: np.concatenate([b[k] for b in blocks]) for k in keys}

    cols["school_la"] = np.where(
        cols["school"] >= 0, setting_la[np.maximum(cols["school"], 0)], -1
    ).astype(np.int8)
    _names(rng, cols)
    postcodes = _postcodes(rng, cols)
    twins = _twins(rng, cols, scale, a)
    cols["school_la"] = np.where(
        cols["school"] >= 0, setting_la[np.maximum(cols["school"], 0)], -1
    ).astype(np.int8)
    health = _known_to_health(rng, cols)
    upn, upn_reason = _upns(rng, cols, settings, setting_la, a)
    uln = _ulns(rng, cols, a)
    county_records = np.isin(
        cols["child"],
        pl.concat([ehcp.requests.select("child", "la"), ehcp.plans.select("child", "la")])
        .filter(pl.col("la") == cal.COUNTY)["child"]
        .to_numpy(),
    )
    nhs, spare = _nhs_numbers(rng, cols, health, county_records)

    frame = pl.DataFrame(
        {
            "child": cols["child"],
            "group": pl.Series(cols["group"])
            .cast(pl.Int64)
            .replace_strict(dict(enumerate(GROUP_NAMES)), return_dtype=pl.String),
            "ehcp_la": cols["ehcp_la"],
            "plan_la": cols["plan_la"],
            "home_la": cols["home_la"],
            "prev_la": cols["prev_la"],
            "dob": cols["dob"],
            "male": cols["male"],
            "need1": cols["need1"],
            "need2": cols["need2"],
            "ethnicity": cols["ethnicity"],
            "need_recorded": cols["need_recorded"],
            "school": cols["school"],
            "school_la": cols["school_la"],
            "listed_la": cols["listed_la"],
            "stale_listing": cols["stale_listing"],
            "health": health,
            "forename": pl.Series(FORENAMES).gather(cols["forename"]),
            "surname": pl.Series(SURNAMES).gather(cols["surname"]),
            "postcode": pick_text(postcodes, cols["postcode"]),
            "previous_postcode": pick_text(postcodes, cols["previous_postcode"]),
            "upn": upn,
            "upn_reason": upn_reason,
            "uln": uln,
            "nhs": nhs,
        }
    )
    return People(frame=frame, twins=twins, nhs_spare=spare)


def _assign_mainstream(rng, cols: dict[str, np.ndarray], mask: np.ndarray, yg: np.ndarray):
    """A mainstream school by phase, usually in the home council, sometimes across the line."""
    home = cols["home_la"][mask]
    council = np.where(rng.random(home.size) < cal.CROSS_BORDER_SCHOOL, 1 - home, home)
    kind = np.where(yg[mask] <= 6, "primary", "secondary")
    cols["school"][mask] = choose_settings(rng, kind, council)


def _new_block(
    rng, keys: np.ndarray, group: int, dob: np.ndarray, home: np.ndarray, male_share: float
) -> dict[str, np.ndarray]:
    n = keys.size
    ethnicity = np.empty(n, np.int16)
    for la, fig in enumerate(cal.FIGURES):
        mask = home == la
        ethnicity[mask] = np.array([ETHNICITIES.index(k) for k in fig.ethnicity], np.int16)[
            pick(rng, int(mask.sum()), list(fig.ethnicity.values()))
        ]
    return {
        "child": keys.astype(np.int64),
        "group": np.full(n, group, np.int8),
        "ehcp_la": np.full(n, -1, np.int8),
        "plan_la": np.full(n, -1, np.int8),
        "home_la": home.astype(np.int8),
        "prev_la": np.full(n, -1, np.int8),
        "dob": dob.astype(np.int64),
        "male": rng.random(n) < male_share,
        "need1": np.full(n, -1, np.int16),
        "need2": np.full(n, -1, np.int16),
        "ethnicity": ethnicity,
        "need_recorded": np.ones(n, bool),
        "school": np.full(n, -1, np.int64),
        "listed_la": np.full(n, -1, np.int8),
        "stale_listing": np.zeros(n, bool),
    }


def _sen_support_block(rng, keys: np.ndarray, la: int, a: int):
    n = keys.size
    weights = [0.6] + [1.0] * 6 + [0.85] * 5 + [0.08, 0.05]
    yg = pick(rng, n, weights)
    dob = _dob_in_year_group(rng, yg, a)
    home = np.where(rng.random(n) < cal.CROSS_BORDER_SCHOOL, 1 - la, la)
    block = _new_block(rng, keys, SEN_SUPPORT, dob, home, cal.SEN_SUPPORT_MALE)
    kinds = list(cal.SEN_SUPPORT_NEED)
    need_index = np.array([SEN_TYPES.index(k) for k in kinds], np.int16)
    block["need1"] = need_index[pick(rng, n, list(cal.SEN_SUPPORT_NEED.values()))]
    assessed = [k for k in kinds if k != codes.code("sen_type", "NSA")]
    second = np.array([SEN_TYPES.index(k) for k in assessed], np.int16)[
        pick(rng, n, [cal.SEN_SUPPORT_NEED[k] for k in assessed])
    ]
    block["need2"] = np.where((rng.random(n) < 0.35) & (second != block["need1"]), second, -1)
    block["school"] = choose_settings(
        rng, np.where(yg <= 6, "primary", "secondary"), np.full(n, la)
    )
    block["listed_la"] = np.full(n, la, np.int8)
    return block


def _icb_block(rng, keys: np.ndarray, a: int):
    n = keys.size
    weights = [0.4, 0.8] + [1.3] * 4 + [1.0] * 5 + [0.8] * 7
    age = pick(rng, n, weights) + rng.random(n)
    dob = a - (age * YEAR).astype(np.int64)
    home = np.where(rng.random(n) < 0.27, cal.CITY, cal.COUNTY)
    block = _new_block(rng, keys, ICB_ONLY, dob, home, cal.OTHER_MALE)
    yg = year_group(dob, a)
    _assign_mainstream(rng, block, (yg >= 0) & (yg <= 11), yg)
    return block


def _long_tail_weights(n: int) -> np.ndarray:
    """Weights of a pool's names by rank (names.TAIL_EXPONENT): about 1.5% of children bear the
    commonest British surname and 6.5% one of the ten commonest, as in England; about 2% of
    boys the commonest given name and 9% one of the ten commonest."""
    return (np.arange(n) + 1.0) ** -names.TAIL_EXPONENT


FORENAMES = sorted({name for boys, girls, _ in names.POOLS.values() for name in boys + girls})
SURNAMES = sorted({name for _, _, surnames in names.POOLS.values() for name in surnames})
# name group → (boys, girls, surnames) as indices into FORENAMES / SURNAMES
_FORENAME_AT = {name: i for i, name in enumerate(FORENAMES)}
_SURNAME_AT = {name: i for i, name in enumerate(SURNAMES)}
POOL_INDEX = {
    group: tuple(
        np.array([(_SURNAME_AT if kind == 2 else _FORENAME_AT)[n] for n in pool], np.int64)
        for kind, pool in enumerate(pools)
    )
    for group, pools in names.POOLS.items()
}


def _names(rng, cols: dict[str, np.ndarray]) -> None:
    """Forename and surname indices, drawn from each child's naming traditions."""
    n = cols["child"].size
    group_of = np.empty(n, np.int8)
    surname_group = np.empty(n, np.int8)
    for index, ethnicity in enumerate(ETHNICITIES):
        mask = cols["ethnicity"] == index
        options = names.ETHNICITY_NAME_GROUPS[ethnicity]
        keys = np.array([names.GROUPS.index(g) for g in options], np.int8)
        group_of[mask] = keys[pick(rng, int(mask.sum()), list(options.values()))]
        surname_group[mask] = keys[pick(rng, int(mask.sum()), list(options.values()))]
    forename = np.empty(n, np.int64)
    surname = np.empty(n, np.int64)
    for g, group in enumerate(names.GROUPS):
        boys, girls, surnames = POOL_INDEX[group]
        for male, pool in ((True, boys), (False, girls)):
            mask = (group_of == g) & (cols["male"] == male)
            forename[mask] = pool[pick(rng, int(mask.sum()), _long_tail_weights(pool.size))]
        mask = surname_group == g
        surname[mask] = surnames[pick(rng, int(mask.sum()), _long_tail_weights(surnames.size))]
    cols["name_group"] = group_of
    cols["forename"] = forename
    cols["surname"] = surname


def _postcodes(rng, cols: dict[str, np.ndarray]) -> pl.Series:
    """Current and previous postcode indices into the returned list of postcodes."""
    directory = reference.load().postcodes
    rows_by_la = [np.flatnonzero(directory["la_code"].to_numpy() == code) for code in cal.LA_CODES]
    n = cols["child"].size
    away_total = int((cols["home_la"] == cal.OUTSIDE).sum())
    letters = np.array(list(reference.INWARD_LETTERS))
    outside = [
        f"{d} {s}{x}{y}"
        for d, s, x, y in zip(
            np.array(OUTSIDE_DISTRICTS)[rng.integers(0, len(OUTSIDE_DISTRICTS), away_total)],
            rng.integers(0, 10, away_total),
            letters[rng.integers(0, 20, away_total)],
            letters[rng.integers(0, 20, away_total)],
            strict=True,
        )
    ]
    postcodes = pl.concat([directory["postcode"], pl.Series(outside, dtype=pl.String)])

    def draw(councils: np.ndarray, away_from: int | None) -> np.ndarray:
        out = np.full(councils.size, -1, np.int64)
        for la in (cal.CITY, cal.COUNTY):
            mask = councils == la
            out[mask] = rows_by_la[la][rng.integers(0, rows_by_la[la].size, int(mask.sum()))]
        if away_from is not None:
            away = councils == cal.OUTSIDE
            out[away] = away_from + np.arange(int(away.sum()))
        return out

    cols["postcode"] = draw(cols["home_la"], directory.height)
    moved_within = (
        (cols["prev_la"] < 0) & (cols["home_la"] != cal.OUTSIDE) & (rng.random(n) < cal.MOVED_HOUSE)
    )
    previous_la = np.where(
        cols["prev_la"] >= 0, cols["prev_la"], np.where(moved_within, cols["home_la"], -1)
    )
    previous = draw(previous_la, None)
    previous[previous == cols["postcode"]] = -1
    cols["previous_postcode"] = previous
    return postcodes


def _twins(rng, cols, scale: float, a: int) -> pl.DataFrame:
    """Pair children as twins: same surname, birth date, address and school, other forename.

    The second twin comes from the children with no EHC journey, so the first twin's plan
    history stays consistent; both are real, different children."""
    yg = year_group(cols["dob"], a)
    setting_kind = reference.load().settings["setting_type"].to_numpy()
    at_mainstream = (cols["school"] >= 0) & (
        setting_kind[np.maximum(cols["school"], 0)] == "mainstream"
    )
    pairs_a, pairs_b = [], []
    target = round(cal.TWIN_PAIRS_PER_CHILD * cal.DEFAULT_CHILDREN * scale)
    for la in (cal.CITY, cal.COUNTY):
        first = np.flatnonzero(
            (cols["home_la"] == la) & at_mainstream & (yg >= 0) & (yg <= 11) & (cols["prev_la"] < 0)
        )
        second = np.flatnonzero(
            (cols["home_la"] == la) & np.isin(cols["group"], [SEN_SUPPORT, ICB_ONLY])
        )
        k = min(first.size, second.size // 2, round(target * (0.3 if la == cal.CITY else 0.7)))
        a_rows = rng.choice(first, size=k, replace=False)
        b_rows = rng.choice(np.setdiff1d(second, a_rows), size=k, replace=False)
        pairs_a.append(a_rows)
        pairs_b.append(b_rows)
    a_rows = np.concatenate(pairs_a)
    b_rows = np.concatenate(pairs_b)
    keep = ~np.isin(b_rows, a_rows)  # a child may not be in two pairs
    a_rows, b_rows = a_rows[keep], b_rows[keep]
    for column in (
        "dob",
        "home_la",
        "ethnicity",
        "school",
        "name_group",
        "surname",
        "postcode",
        "previous_postcode",
    ):
        cols[column][b_rows] = cols[column][a_rows]
    listed = cols["listed_la"][b_rows] >= 0
    cols["listed_la"][b_rows] = np.where(listed, _school_la(cols["school"][b_rows]), -1)
    # A different forename from the same tradition.
    cols["male"][b_rows] = rng.random(b_rows.size) < 0.5
    for g, group in enumerate(names.GROUPS):
        boys, girls, _ = POOL_INDEX[group]
        for male, pool in ((True, boys), (False, girls)):
            mask = (cols["name_group"][b_rows] == g) & (cols["male"][b_rows] == male)
            j = rng.integers(0, pool.size, int(mask.sum()))
            same = pool[j] == cols["forename"][a_rows[mask]]
            j = np.where(same, (j + 1) % pool.size, j)
            cols["forename"][b_rows[mask]] = pool[j]
    cols["twin_of"] = np.full(cols["child"].size, -1, np.int64)
    cols["twin_of"][b_rows] = a_rows
    return pl.DataFrame({"twin_a": cols["child"][a_rows], "twin_b": cols["child"][b_rows]})


def _school_la(schools: np.ndarray) -> np.ndarray:
    settings = reference.load().settings
    la = np.where(settings["la_code"].to_numpy() == reference.COUNTY_LA, cal.COUNTY, cal.CITY)
    return np.where(schools >= 0, la[np.maximum(schools, 0)], -1)


def _known_to_health(rng, cols) -> np.ndarray:
    n = cols["child"].size
    rate = np.zeros(n)
    rate[cols["group"] == IN_FORCE] = cal.HEALTH_KNOWN["in_force"]
    rate[cols["group"] == CEASED] = cal.HEALTH_KNOWN["ceased"]
    rate[cols["group"] == REQUESTED] = cal.HEALTH_KNOWN["requested"]
    rate[cols["group"] == SEN_SUPPORT] = cal.HEALTH_KNOWN["sen_support"]
    rate[cols["group"] == ICB_ONLY] = 1.0
    boosted = np.isin(cols["need1"], [SEN_TYPES.index("ASD"), SEN_TYPES.index("SLCN")])
    rate = np.where(boosted & (cols["group"] != ICB_ONLY), np.minimum(rate + 0.08, 1.0), rate)
    return rng.random(n) < rate


def _upns(rng, cols, settings: pl.DataFrame, setting_la: np.ndarray, a: int):
    """UPNs as allocated by the first school: LA, establishment, year of entry, serial."""
    n = cols["child"].size
    yg = year_group(cols["dob"], a)
    in_school_system = (yg >= 0) | ((a - cols["dob"]) / YEAR >= 4.6)
    never_state = rng.random(n) < 0.02
    has = in_school_system & ~never_state
    reasons = pl.Series([UPN_UNDER_6, UPN_NEVER_STATE, UPN_NEVER_SCHOOL])
    reason = np.full(n, -1, np.int64)
    reason[~in_school_system] = 0
    reason[in_school_system & never_state] = np.where(
        rng.random(int((in_school_system & never_state).sum())) < 0.5, 1, 2
    )
    first_la = np.where(
        cols["prev_la"] >= 0,
        cols["prev_la"],
        np.where(cols["school_la"] >= 0, cols["school_la"], cols["home_la"]),
    )
    first_la = np.where(first_la == cal.OUTSIDE, np.maximum(cols["ehcp_la"], 0), first_la)
    primaries = [
        settings.filter(
            (pl.col("la_code") == code) & pl.col("phase").is_in(["Primary", "All-through"])
        )["estab_number"]
        .to_numpy()
        .astype(np.int64)
        for code in cal.LA_CODES
    ]
    estab = np.zeros(n, np.int64)
    for la in (cal.CITY, cal.COUNTY):
        mask = first_la == la
        estab[mask] = primaries[la][rng.integers(0, primaries[la].size, int(mask.sum()))]
    twin = cols["twin_of"] >= 0  # twins started school together
    estab[twin] = estab[cols["twin_of"][twin]]
    year2 = (cohort(cols["dob"]) + 4) % 100
    la_number = np.array([int(c) for c in cal.LA_CODES])[np.clip(first_la, 0, 1)]
    frame = pl.DataFrame(
        {
            "row": np.arange(n),
            "la": la_number,
            "estab": estab,
            "year": year2,
            "has": has,
            "order": rng.random(n),
        }
    ).filter(pl.col("has"))
    frame = frame.sort("order").with_columns(
        serial=pl.col("row").cum_count().over("la", "estab", "year")
    )
    if frame.height and frame["serial"].max() > 999:
        raise ValueError("too many children for one school's UPN serials; lower --children")
    body = pl.format(
        "{}{}{}{}",
        pl.col("la").cast(pl.String),
        pl.col("estab").cast(pl.String).str.zfill(4),
        pl.col("year").cast(pl.String).str.zfill(2),
        pl.col("serial").cast(pl.String).str.zfill(3),
    )
    frame = (
        frame.with_columns(body=body)
        .with_columns(upn=upn_check_letter_expr(pl.col("body")) + pl.col("body"))
        .sort("row")
    )
    upn = nulls(n)
    upn.scatter(frame["row"].to_numpy(), frame["upn"])
    return upn, pick_text(reasons, reason)


def valid_ulns(rng, n: int) -> pl.Series:
    """`n` distinct ULNs that pass the ULN check (the check digit found by trial)."""
    bodies = unique_numbers(rng, int(n * 1.15) + 32, 100_000_000, 999_999_999)
    candidates = pl.Series((bodies[:, None] * 10 + np.arange(10)).ravel()).cast(pl.String)
    result = pl.DataFrame({"uln": candidates}).filter(uln_valid_expr(pl.col("uln")))["uln"]
    if result.len() < n:
        raise ValueError("not enough valid ULN bodies drawn")
    return result.head(n)


def _ulns(rng, cols, a: int) -> pl.Series:
    n = cols["child"].size
    has = ((a - cols["dob"]) / YEAR >= 14) & (rng.random(n) < 0.9)
    uln = nulls(n)
    uln.scatter(np.flatnonzero(has), valid_ulns(rng, int(has.sum())))
    return uln


def nhs_pool(rng) -> np.ndarray:
    """Every valid NHS number in the never-issued 999 range, in random order."""
    bodies = (
        pl.DataFrame({"first9": np.arange(999_000_000, 1_000_000_000)})
        .with_columns(pl.col("first9").cast(pl.String))
        .with_columns(check=nhs_check_digit_expr(pl.col("first9")))
        .drop_nulls("check")
    )
    numbers = (bodies["first9"] + bodies["check"].cast(pl.String)).to_numpy()
    return numbers[rng.permutation(numbers.size)]


def _nhs_numbers(rng, cols, health: np.ndarray, county: np.ndarray) -> tuple[pl.Series, np.ndarray]:
    """NHS numbers for children seen by health or known to the county (which traces them).

    The 999 range holds about 909,000 valid numbers; at very large scales the children beyond
    that have no NHS number in the synthetic data."""
    n = cols["child"].size
    # Children seen by health first, then those known only to the county, each in random order.
    order = np.concatenate(
        [rng.permutation(np.flatnonzero(health)), rng.permutation(np.flatnonzero(~health & county))]
    )
    pool = nhs_pool(rng)
    given = order[: pool.size]
    nhs = nulls(n)
    nhs.scatter(given, pl.Series(pool[: given.size], dtype=pl.String))
    return nhs, pool[given.size :]
