"""Dates as whole days since 1970-01-01 in numpy int64 arrays (vectorised calendar helpers)."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

YEAR = 365.25


def day(value: date) -> int:
    return (value - date(1970, 1, 1)).days


def year_of(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype="datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def month_of(days: np.ndarray) -> np.ndarray:
    months = np.asarray(days, dtype="datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months % 12 + 1


def jan1(years) -> np.ndarray:
    return (
        np.asarray(np.asarray(years) - 1970, dtype="datetime64[Y]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )


def month_day(years, month: int, day_of_month: int) -> np.ndarray:
    """The given month and day in each of `years`."""
    months = (np.asarray(years) - 1970) * 12 + (month - 1)
    first = np.asarray(months, dtype="datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return first + (day_of_month - 1)


def cohort(dob: np.ndarray) -> np.ndarray:
    """School cohort: the year in which the child's academic year of birth ends (Sep–Aug)."""
    return year_of(dob) + (month_of(dob) >= 9)


def school_start(dob: np.ndarray, year_group_age: int) -> np.ndarray:
    """1 September on which a child enters the year group they reach at `year_group_age`
    (4 = Reception, 11 = Year 7, 16 = Year 12)."""
    return month_day(cohort(dob) + year_group_age, 9, 1)


def age_years(dob: np.ndarray, at) -> np.ndarray:
    return (np.asarray(at) - dob) / YEAR


def to_date(days: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    """A polars Date series; rows where `valid` is False become null."""
    series = pl.Series(np.asarray(days, dtype=np.int32)).cast(pl.Date)
    if valid is not None:
        series = pl.select(
            pl.when(pl.Series(np.asarray(valid, dtype=bool))).then(series)
        ).to_series()
    return series


def latest_census_day(as_at: date) -> date:
    """The latest school census day on or before `as_at` (3rd Thursday of January or May,
    1st Thursday of October)."""
    candidates = []
    for year in (as_at.year - 1, as_at.year):
        candidates += [
            _nth_thursday(year, 1, 3),
            _nth_thursday(year, 5, 3),
            _nth_thursday(year, 10, 1),
        ]
    return max(d for d in candidates if d <= as_at)


def _nth_thursday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    offset = (3 - first.weekday()) % 7
    return date(year, month, 1 + offset + 7 * (n - 1))
