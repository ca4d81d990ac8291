"""High-needs top-up funding lines: what each council has paid settings this financial year.

A line covers one placement in a school-like setting under one of the council's plans, from the
later of 1 April and the placement's start to the earlier of its end and the last month end
before as_at (payments are recorded in arrears, so no date lies after as_at).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

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


def build(seed: int, as_at: date, plans: pl.DataFrame, placements: pl.DataFrame) -> pl.DataFrame:
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
    kind = lines["kind"].to_numpy()
    n = lines.height
    band = np.zeros(n, np.int64)
    for name, weights in BAND_WEIGHTS.items():
        mask = kind == name
        p = np.array(weights, float)
        band[mask] = rng.choice(len(p), int(mask.sum()), p=p / p.sum())
    lo = np.array([b[0] for b in BAND_AMOUNTS])[band]
    hi = np.array([b[1] for b in BAND_AMOUNTS])[band]
    amount = np.round(lo + rng.random(n) * (hi - lo), -1)  # whole tens of pounds
    return lines.select(
        "child", "la", "plan", "setting", "period_start", "period_end"
    ).with_columns(band=pl.Series(band), amount=pl.Series(amount))
