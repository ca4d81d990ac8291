"""The publish step as a Dagster asset, with checks on what was published."""

from datetime import date

import dagster as dg
import duckdb

from pipelines.code_versions import source_digest
from pipelines.ingest.load import delivery_label
from pipelines.privacy.analysts_tier import RiskTooHigh, load_policy
from pipelines.privacy.storage import open_database
from pipelines.project import send_dbt_project
from pipelines.publish.warehouse import IdentifiersFound, publish
from pipelines.resources import WarehouseResource
from pipelines.transform.truth import truth_dir

MART_MODELS = (
    "dim_child",
    "fct_ehc_journeys",
    "fct_ehc_plans",
    "fct_annual_reviews",
    "fct_placements",
    "fct_sen_support",
    "fct_topup_funding",
    "fct_health_referrals",
    "fct_council_moves",
    "mart_overlaps",
    "mart_gaps",
    "mart_kpis",
    "hist_gaps",
    "hist_overlaps",
    "hist_kpis",
    "mart_changes_since_last_delivery",
    "mart_provision_by_area",
)
# Empty by definition until the warehouse holds a second delivery.
MAY_BE_EMPTY = {"mart_changes_since_last_delivery"}
ANALYTICS = dg.AssetKey(["analytics", "warehouse"])


@dg.asset(
    key=ANALYTICS,
    deps=[dg.AssetKey(["marts", name]) for name in MART_MODELS],
    group_name="publish",
    kinds={"duckdb", "parquet"},
    code_version=source_digest("pipelines/publish", "pipelines/privacy"),
    description=(
        "The analysts' warehouse: the pseudonymised marts, reference tables and their "
        "documentation in data/warehouse/analytics.duckdb, and one Parquet file per table in "
        "data/warehouse/marts/. Published only when a scan finds no direct identifier; an "
        "analyst with the old file open keeps reading it."
    ),
    # The scan the publish step runs is reported as this check (it is not run a second time):
    # a warehouse with a finding is never published, and the asset fails naming it.
    check_specs=[
        dg.AssetCheckSpec(
            "no_direct_identifiers",
            asset=ANALYTICS,
            description=(
                "Every column of the published warehouse scanned for names, NHS numbers, UPNs, "
                "ULNs, full postcodes and dates of birth of the children "
                "(pipelines/privacy/scan.py)"
            ),
        ),
        dg.AssetCheckSpec(
            "reidentification_risk",
            asset=ANALYTICS,
            description=(
                "k-anonymity of every published table that carries a child key: its smallest "
                "group of children sharing the quasi-identifiers it holds, and the share of its "
                "children in groups smaller than k; above the limit nothing is published "
                "(pipelines/privacy/analysts_tier.yml)"
            ),
        ),
    ],
)
def analytics_warehouse(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    settings = warehouse.settings()
    try:
        published = publish(
            settings.restricted_db,
            settings.analytics_db,
            settings.marts_parquet_dir,
            manifest=send_dbt_project.manifest_path,
            truth=truth_dir(settings.landing_dir),
            memory_limit=settings.duckdb_memory_limit,
        )
    except (IdentifiersFound, RiskTooHigh) as error:
        raise dg.Failure(description=str(error)) from error
    policy = load_policy()
    worst = max(published.risks, key=lambda r: r.share_below_k)
    with open_database(settings.restricted_db, read_only=True) as con:
        deliveries = delivery_label(con)
    context.log.info(
        f"published {len(published.tables)} tables to {published.database} "
        f"({published.columns_scanned} columns scanned, no direct identifier)"
    )
    return dg.MaterializeResult(
        metadata={
            "database": dg.MetadataValue.path(str(published.database)),
            "parquet": dg.MetadataValue.path(str(published.parquet_dir)),
            "as_at": published.as_at,
            "deliveries": deliveries,
            "size_mb": round(published.database.stat().st_size / 1e6, 1),
            "columns_scanned_for_identifiers": published.columns_scanned,
            "rows": dg.MetadataValue.json(published.tables),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name="no_direct_identifiers",
                passed=True,
                metadata={"columns_scanned": published.columns_scanned, "findings": 0},
            ),
            dg.AssetCheckResult(
                check_name="reidentification_risk",
                passed=True,
                metadata={
                    "k_required": policy.k,
                    "max_share_below_k": policy.max_share_below_k,
                    "highest_share_below_k": round(worst.share_below_k, 5),
                    "table_with_highest_share": worst.table,
                    "values_withheld": dg.MetadataValue.json(published.withheld),
                    "tables": dg.MetadataValue.json(
                        {r.table: r.as_metadata() for r in published.risks}
                    ),
                },
            ),
        ],
    )


@dg.asset_check(
    asset=ANALYTICS,
    name="marts_not_empty",
    description="Every published mart has rows (the changes since the last delivery once there "
    "is a last delivery)",
)
def marts_not_empty(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with duckdb.connect(str(warehouse.settings().analytics_db), read_only=True) as con:
        rows = {
            name: con.execute(f"select count(*) from main.{name}").fetchone()[0]
            for name in MART_MODELS
        }
        deliveries = con.execute(
            "select count(distinct delivery_as_at) from main.hist_gaps"
        ).fetchone()[0]
    may_be_empty = MAY_BE_EMPTY if deliveries < 2 else set()
    empty = sorted(name for name, n in rows.items() if n == 0 and name not in may_be_empty)
    return dg.AssetCheckResult(
        passed=not empty,
        metadata={"rows": dg.MetadataValue.json(rows), "empty": ", ".join(empty) or "none"},
    )


@dg.asset_check(
    asset=ANALYTICS,
    name="extract_recency",
    description=(
        "How old the extracts the figures rest on are: the as-at date against today, and the "
        "spread between the sources' latest extracts (a warning when over the limits)"
    ),
)
def extract_recency(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    settings = warehouse.settings()
    with duckdb.connect(str(settings.analytics_db), read_only=True) as con:
        as_at, oldest = con.execute("select as_at, oldest_extract_date from main.about").fetchone()
    age = (date.today() - as_at).days
    spread = (as_at - oldest).days
    return dg.AssetCheckResult(
        passed=age <= settings.max_extract_age_days and spread <= settings.max_extract_spread_days,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "as_at": str(as_at),
            "oldest_latest_extract": str(oldest),
            "days_old": age,
            "days_between_sources": spread,
            "max_days_old": settings.max_extract_age_days,
            "max_days_between_sources": settings.max_extract_spread_days,
        },
    )
