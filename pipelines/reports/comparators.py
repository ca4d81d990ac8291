"""National, regional and local comparators from the DfE "Education, health and care plans"
release (reporting year 2025, Open Government Licence v3.0), written once into
dbt_project/seeds/reference/published_comparators.csv so the project never needs the release at
run time. Rebuild with:

    python -m pipelines.reports.comparators path/to/education-health-and-care-plans_2025.zip
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import polars as pl

from pipelines.config import DBT_PROJECT_DIR

OUTPUT = DBT_PROJECT_DIR / "seeds" / "reference" / "published_comparators.csv"
RELEASE = (
    "DfE Education, health and care plans 2025 (explore-education-statistics.service.gov.uk); "
    "contains public sector information licensed under the Open Government Licence v3.0"
)
# Figures with no DfE release behind them (domain brief §3): national context for health waits.
CONTEXT = [
    {
        "measure": "health_waiting_over_18_weeks_pct",
        "area": "England",
        "period": "2024",
        "numerator": None,
        "denominator": 270156,
        "value": 49.5,
        "source": "RCPCH analysis of NHS England community health services waiting lists, 2024",
    },
]


def _read(archive: zipfile.ZipFile, name: str) -> pl.DataFrame:
    frame = pl.read_csv(io.BytesIO(archive.read(f"data/{name}.csv")), infer_schema=False)
    return frame.rename(lambda c: c.lstrip("\ufeff"))


def _areas(frame: pl.DataFrame) -> pl.DataFrame:
    level = pl.col("geographic_level")
    return frame.filter(
        (level == "National")
        | ((level == "Regional") & (pl.col("region_code") == "E12000004"))
        | ((level == "Local authority") & pl.col("old_la_code").is_in(["891", "892"]))
    ).with_columns(
        area=pl.when(level == "National")
        .then(pl.lit("England"))
        .when(level == "Regional")
        .then(pl.lit("East Midlands"))
        .otherwise(pl.col("old_la_code").replace_strict({"892": "city", "891": "county"}))
    )


def extract(zip_path: Path) -> pl.DataFrame:
    with zipfile.ZipFile(zip_path) as archive:
        timeliness = _areas(_read(archive, "timeliness_20_week")).filter(
            (pl.col("breakdown") == "All EHC plans issued") & (pl.col("time_period") == "2024")
        )
        caseload = _areas(_read(archive, "caseload")).filter(
            (pl.col("breakdown") == "All EHC plans") & (pl.col("time_period") == "202425")
        )
        reviews = _areas(_read(archive, "annual_reviews")).filter(
            (pl.col("time_period") == "2024") & (pl.col("breakdown") == "All annual reviews")
        )
        requests = _areas(_read(archive, "requests")).filter(
            (pl.col("time_period") == "2024")
            & (pl.col("breakdown") == "All requests for EHC needs assessments")
        )

    def count(columns: str | tuple[str, ...] | None) -> pl.Expr | None:
        """A count of the release, or the sum of several (a denominator it does not publish)."""
        if not columns:
            return None
        columns = (columns,) if isinstance(columns, str) else columns
        return pl.sum_horizontal(pl.col(c).cast(pl.Int64, strict=False) for c in columns)

    def rows(frame, measure, value, numerator=None, denominator=None, period="2024"):
        return frame.select(
            measure=pl.lit(measure),
            area="area",
            period=pl.lit(period),
            numerator=count(numerator),
            denominator=count(denominator),
            value=pl.col(value).cast(pl.Float64, strict=False),
            source=pl.lit(RELEASE),
        )

    frames = [
        rows(
            timeliness,
            "plans_within_20_weeks_pct",
            "pc_plans_issued_within_20_weeks",
            "plans_issued_within_20_weeks",
            "plans_issued_den",
        ),
        rows(
            timeliness,
            "plans_within_20_weeks_ex_exceptions_pct",
            "PC_plans_issued_20_weeks_ex",
            "plans_issued_20_weeks_ex",
            "plans_issued_den_ex",
        ),
        rows(timeliness, "new_plans", "plans_issued_den"),
        rows(caseload, "plans_in_force", "ehcplans", period="January 2025"),
        # of the review decisions made (outstanding ones left out)
        rows(
            reviews,
            "annual_reviews_within_4_weeks_pct",
            "pc_decsion_4weeks",
            "number_decsion_4weeks",
            ("number_decsion_4weeks", "number_decision_gt_4weeks"),
        ),
        rows(requests, "requests_received", "requests_received_in_year"),
        # of the decisions made on the requests of the year
        rows(
            requests,
            "request_decision_within_6_weeks_pct",
            "request_outcome_six_weeks_pc",
            "request_outcome_six_weeks",
            ("request_outcome_six_weeks", "request_outcome_over_6_weeks"),
        ),
    ]
    context = pl.DataFrame(CONTEXT, schema=frames[0].schema)
    order = {"England": 0, "East Midlands": 1, "city": 2, "county": 3}
    return (
        pl.concat([*frames, context])
        .with_columns(_order=pl.col("area").replace_strict(order, default=9))
        .sort("measure", "_order")
        .drop("_order")
    )


if __name__ == "__main__":
    frame = extract(Path(sys.argv[1]))
    frame.write_csv(OUTPUT)
    print(f"{frame.height} comparators written to {OUTPUT}")
