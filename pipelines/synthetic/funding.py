"""High-needs top-up funding lines: what each council has paid settings this financial year.

A line covers one placement in a school-like setting under one of the council's plans, from the
later of 1 April and the placement's start to the earlier of its end and the last month end
before as_at (payments are recorded in arrears, so no date lies after as_at).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from pipelines.synthetic import calibration as cal
from pipelines.synthetic.clocks import clock_days
from pipelines.synthetic.dates import day, month_day
from pipelines.synthetic.streams import stream

FUNDED_KINDS = ("primary", "secondary", "alternative_provision", "special", "independent_special")
# Band index (0 = lowest) by kind, and the annual amount range of each band (modelling choice).
BAND_WEIGHTS = {
    "primary": (50, 35, 15, 0, 0, 0),
    "secondary": (45, 38, 17, 0, 0, 0),
    "alternative_provision": (0, 0, 50, 50, 0, 0),
    "special": (0, 0, 0, 60, 40, 0),
    "independent_special": (0, 0, 0, 0, 0, 100),
}
BAND_AMOUNTS = (
    (2_000, 5_000),
    (5_000, 9_000),
    (9_000, 13_000),
    (13_000, 19_000),
    (19_000, 27_000),
    (35_000, 85_000),
)


def financial_year(as_at: date) -> tuple[int, int]:
    """First day of the financial year and the last month end before as_at, as day numbers."""
    last_month_end = day(date(as_at.year, as_at.month, 1)) - 1
    start_year = as_at.year if as_at.month >= 4 else as_at.year - 1
    start = int(month_day(np.array([start_year]), 4, 1)[0])
    if last_month_end < start:  # as_at in April: report the year just ended
        start = int(month_day(np.array([start_year - 1]), 4, 1)[0])
    return start, last_month_end


def build(
    seed: int,
    as_at: date,
    plans: pl.DataFrame,
    placements: pl.DataFrame,
    transfers: pl.DataFrame | None = None,
    scale: float = 1.0,
) -> pl.DataFrame:
    rng = stream(seed, "funding")
    fy_start, fy_end = financial_year(as_at)
    lines = (
        placements.filter(pl.col("kind").is_in(FUNDED_KINDS) & (pl.col("setting") >= 0))
        .join(
            plans.select("plan", "child", "la", "start", "cease"), on="plan", maintain_order="left"
        )
        .with_columns(
            period_start=pl.max_horizontal("entry", "start", pl.lit(fy_start)),
            period_end=pl.min_horizontal(
                pl.when(pl.col("leaving") >= 0).then("leaving").otherwise(fy_end),
                pl.when(pl.col("cease") >= 0).then("cease").otherwise(fy_end),
                pl.lit(fy_end),
            ),
        )
        .filter(pl.col("period_start") <= pl.col("period_end"))
    )
    band, amount = _bands(rng, lines["kind"].to_numpy())
    lines = lines.select(
        "child", "la", "plan", "setting", "period_start", "period_end", "kind"
    ).with_columns(band=pl.Series(band), amount=pl.Series(amount))
    if transfers is not None:
        paying_on = _plant_paying_on(seed, scale, lines, placements, transfers, fy_start, fy_end)
        lines = pl.concat([lines, paying_on], how="vertical")
    return lines.drop("kind")


def _bands(rng, kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A band for each line by the kind of its setting, and an annual amount in the band."""
    n = kind.size
    band = np.zeros(n, np.int64)
    for name, weights in BAND_WEIGHTS.items():
        mask = kind == name
        p = np.array(weights, float)
        band[mask] = rng.choice(len(p), int(mask.sum()), p=p / p.sum())
    lo = np.array([b[0] for b in BAND_AMOUNTS])[band]
    hi = np.array([b[1] for b in BAND_AMOUNTS])[band]
    amount = np.round(lo + rng.random(n) * (hi - lo), -1)  # whole tens of pounds
    return band, amount


def _plant_paying_on(
    seed: int,
    scale: float,
    lines: pl.DataFrame,
    placements: pl.DataFrame,
    transfers: pl.DataFrame,
    fy_start: int,
    fy_end: int,
) -> pl.DataFrame:
    """Old councils still paying top-up after a transfer (`dual_topup`, docs/marts.md).

    For some children transferred between the councils whose new council pays a top-up line
    this year, the old council's line for the setting under the old plan runs on into the new
    council's period by well over the `topup_overlap` length (one monthly payment)."""
    rng = stream(seed, "plant/dual_topup")
    shortest = clock_days("topup_overlap")
    paid_by_old = transfers.select("child", la="from_la").join(
        lines.select("child", "la").unique(), on=["child", "la"]
    )
    new_lines = (
        lines.join(
            transfers.select("child", "old_plan", "from_la", plan="new_plan"),
            on=["child", "plan"],
        )
        .filter(pl.col("period_end") - pl.col("period_start") + 1 >= shortest + 20)
        .join(paid_by_old.select("child"), on="child", how="anti")
        .sort("child", "period_start", "plan")
        .unique("child", keep="first", maintain_order=True)
    )
    k = min(round(cal.PLANTED_ISSUES * scale), new_lines.height)
    if k == 0:
        return lines.clear()
    rows = new_lines[np.sort(rng.choice(new_lines.height, size=k, replace=False))]
    # The setting the old plan paid for: its last funded placement, else the new line's setting.
    old_setting = (
        placements.filter(pl.col("kind").is_in(FUNDED_KINDS) & (pl.col("setting") >= 0))
        .sort("plan", "entry", "placement")
        .group_by("plan")
        .agg(old_setting=pl.col("setting").last(), old_kind=pl.col("kind").last())
    )
    rows = rows.join(
        old_setting, left_on="old_plan", right_on="plan", how="left", maintain_order="left"
    )
    start = rows["period_start"].to_numpy()
    end = rows["period_end"].to_numpy()
    overlap = shortest + 7 + rng.integers(0, 90, k)
    old_end = np.minimum(np.minimum(start + overlap - 1, end), fy_end)
    old_start = np.maximum(start - rng.integers(30, 151, k), fy_start)
    kind = rows["old_kind"].fill_null(rows["kind"]).to_numpy()
    band, amount = _bands(rng, kind)
    return pl.DataFrame(
        {
            "child": rows["child"],
            "la": rows["from_la"].cast(lines["la"].dtype),
            "plan": rows["old_plan"],
            "setting": rows["old_setting"].fill_null(rows["setting"]),
            "period_start": old_start,
            "period_end": old_end,
            "kind": kind.astype(str),
            "band": band,
            "amount": amount,
        }
    ).cast(lines.schema)
