"""Statutory and local clocks, read from the one definition shared with dbt
(`dbt_project/seeds/reference/clocks.csv`): the generator plants issues against them and the
truth of docs/marts.md is computed with them."""

from __future__ import annotations

from functools import cache

import polars as pl

from pipelines.synthetic.reference import SEED_DIR


@cache
def clocks() -> dict[str, tuple[int, str]]:
    """Clock name → (length, unit); the unit is `week`, `day` or `month`."""
    frame = pl.read_csv(SEED_DIR / "clocks.csv", infer_schema=False)
    return {
        name: (int(length), unit)
        for name, length, unit in frame.select("clock", "length", "unit").iter_rows()
    }


def clock_days(name: str) -> int:
    """Length in days of a clock counted in weeks (7 days each) or days."""
    length, unit = clocks()[name]
    if unit == "week":
        return 7 * length
    if unit == "day":
        return length
    raise ValueError(f"clock {name!r} is counted in {unit}s, not days")


def due(since: pl.Expr, name: str) -> pl.Expr:
    """The day (integer day number) on which a clock started on `since` runs out. Months run to
    the same day of the month (29 February → 28 February, 31 March + 1 month → 30 April)."""
    length, unit = clocks()[name]
    if unit == "month":
        return (
            since.cast(pl.Int32)
            .cast(pl.Date)
            .dt.offset_by(f"{length}mo")
            .cast(pl.Int32)
            .cast(pl.Int64)
        )
    return since + clock_days(name)
