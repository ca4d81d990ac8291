"""What the partnership report says: every figure, read from the analysts' warehouse and put
through disclosure control before anything is drawn or written (one module per section in
pipelines/reports/sections/).

The report is built from aggregates only (never a child-level row). Each table is a
`PublishedTable` of controlled `Cell`s (pipelines/reports/model.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from pipelines.reports.disclosure import Rules
from pipelines.reports.model import Report
from pipelines.reports.sections import (
    data_quality,
    gaps,
    headline,
    movement,
    overlaps,
    since_last_delivery,
    trends,
)

# Deliveries are monthly: figures older than two missed deliveries are stale.
STALE_AFTER_DAYS = 62


def report_warnings(as_at: date, published_on: date, synthetic: bool) -> list[str]:
    """What a reader must know before reading any figure: synthetic data, and stale data."""
    warnings = []
    if synthetic:
        warnings.append(
            "Synthetic data: these figures come from extracts written by the project's generator "
            "(the landing folder holds its truth files), not from the councils' or the ICB's "
            "records. They show how the report works and say nothing about any real child or "
            "service."
        )
    age = (published_on - as_at).days
    if age > STALE_AFTER_DAYS:
        warnings.append(
            f"Out of date: the figures describe {as_at:%-d %B %Y}, {age:,} days before this "
            f"report was published ({published_on:%-d %B %Y}). No newer extract has been "
            "delivered; check with the data team before acting on them."
        )
    return warnings


def build_report(analytics: Path, rules: Rules) -> Report:
    """Every section of the report from the published warehouse alone (the analysts' tier:
    its marts and the data-quality aggregates the publish step counted)."""
    with duckdb.connect(str(analytics), read_only=True) as con:
        published_at, as_at, oldest, census, synthetic = con.execute(
            "select published_at, as_at, oldest_extract_date, census_date, synthetic from about"
        ).fetchone()
        sections = [
            headline.section(con, rules, as_at),
            trends.section(con, rules),
            overlaps.section(con, rules, as_at),
            gaps.section(con, rules),
            movement.section(con, rules),
            since_last_delivery.section(con, rules),
            data_quality.section(con, rules),
        ]
    return Report(
        as_at=as_at,
        published_at=f"{published_at:%-d %B %Y %H:%M}",
        census_date=census,
        oldest_extract=oldest,
        sections=sections,
        rules=rules,
        warnings=report_warnings(as_at, published_at.date(), synthetic=bool(synthetic)),
    )
