"""The comparators beside the partnership's figures are the DfE's, computed as the DfE computes
them: the seed is the release as published, and each percentage is its numerator over the
denominator the DfE divides by."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.reports.comparators import OUTPUT, extract

# The DfE release itself is kept beside the project in development and CI (../shared/reference),
# not in the repository: the seed holds what the project needs from it.
RELEASE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "reference"
    / "dfe-ehcp-2025"
    / "education-health-and-care-plans_2025.zip"
)
SEED = pl.read_csv(OUTPUT, schema_overrides={"numerator": pl.Int64, "denominator": pl.Int64})
KPI_DEFINITIONS = pl.read_csv(OUTPUT.with_name("kpi_definitions.csv"))


@pytest.mark.skipif(not RELEASE.exists(), reason=f"the DfE release is not at {RELEASE}")
def test_the_comparators_seed_is_the_dfe_release_as_published():
    rebuilt = extract(RELEASE)
    assert rebuilt.columns == SEED.columns
    assert rebuilt.height == SEED.height
    for ours, theirs in zip(SEED.iter_rows(), rebuilt.iter_rows(), strict=True):
        assert ours == theirs


def test_every_published_percentage_is_its_numerator_over_the_dfes_denominator():
    percents = SEED.filter(
        pl.col("measure").str.ends_with("_pct") & pl.col("source").str.starts_with("DfE")
    )
    assert percents.height >= 16
    for row in percents.iter_rows(named=True):
        assert row["numerator"] and row["denominator"], row
        recomputed = round(100 * row["numerator"] / row["denominator"], 1)
        assert abs(recomputed - row["value"]) < 0.051, row


def test_the_marts_measures_use_the_same_denominators():
    definition = dict(zip(KPI_DEFINITIONS["measure"], KPI_DEFINITIONS["definition"], strict=True))
    # the 4-week review measure: of the decisions made, not of the meetings held
    assert "with a decision" in definition["annual_reviews_within_4_weeks_pct"]
    # the 20-week measure: of the new plans issued in the period
    assert "share of all new plans" in definition["plans_within_20_weeks_pct"]
