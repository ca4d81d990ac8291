"""The Dagster code location: every asset, check, job, sensor and resource of the pipeline."""

from __future__ import annotations

import dagster as dg

from pipelines.ingest.assets import (
    SOURCES,
    ingest_assets,
    landing_observations,
    return_assets,
    sen2_header,
)
from pipelines.ingest.sensors import build_landing_sensor
from pipelines.progress import step_progress_logger
from pipelines.project import SendDbtCli, send_dbt_project
from pipelines.publish.assets import (
    analytics_warehouse,
    extract_recency,
    marts_not_empty,
)
from pipelines.reports.assets import partnership_report
from pipelines.resources import OBSERVE_JOB, WarehouseResource
from pipelines.transform.checks import linkage_quality, overlaps_and_gaps_match_truth
from pipelines.transform.dbt_assets import dbt_asset_groups

LANDING = dg.AssetSelection.tag("layer", "landing", include_sources=True)

observe_landing_job = dg.define_asset_job(
    OBSERVE_JOB,
    selection=LANDING,
    description="Look at the landing folders: a new extract makes its table and everything "
    "built from it stale (then 'Materialize stale' or `send-pipeline run` refreshes just that)",
)
# The overdue alert: each morning the landing folders are observed and every source's delivery
# checks evaluated; a source past SEND_DELIVERY_OVERDUE_DAYS fails its delivery_on_time check.
delivery_watch = dg.ScheduleDefinition(
    name="delivery_watch",
    job=observe_landing_job,
    cron_schedule="0 7 * * *",
    execution_timezone="Europe/London",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every morning at 07:00: check each source's newest delivery is complete, on time "
    "and named as documented (a failed delivery_on_time check means the source is overdue)",
)
refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all() - LANDING,
    description="Load every new extract, validate it and rebuild the models downstream",
)
# One job per source: its extracts and everything built from them, the other sources untouched.
source_jobs = [
    dg.define_asset_job(
        f"refresh_{source}",
        selection=(dg.AssetSelection.tag("source", source) - LANDING).downstream(),
        description=f"Load the {source}'s extracts and rebuild what depends on them",
    )
    for source in SOURCES
]

defs = dg.Definitions(
    assets=[
        *landing_observations,
        *ingest_assets,
        *return_assets,
        *dbt_asset_groups,
        analytics_warehouse,
        partnership_report,
    ],
    asset_checks=[
        sen2_header,
        linkage_quality,
        overlaps_and_gaps_match_truth,
        marts_not_empty,
        extract_recency,
    ],
    jobs=[observe_landing_job, refresh_job, *source_jobs],
    schedules=[delivery_watch],
    sensors=[build_landing_sensor(refresh_job)],
    resources={
        "warehouse": WarehouseResource(),
        "dbt": SendDbtCli(project_dir=send_dbt_project),
    },
    loggers={"console": dg.colored_console_logger, "progress": step_progress_logger},
    # DuckDB takes one writer at a time: every step runs in one process, one after another.
    executor=dg.in_process_executor,
)
