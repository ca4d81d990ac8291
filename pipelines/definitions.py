"""The Dagster code location: every asset, check, job, sensor and resource of the pipeline."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from pipelines.ingest.assets import ingest_assets
from pipelines.ingest.sensors import build_landing_sensor
from pipelines.progress import step_progress_logger
from pipelines.project import send_dbt_project
from pipelines.publish.assets import (
    analytics_warehouse,
    extract_recency,
    marts_not_empty,
)
from pipelines.reports.assets import partnership_report
from pipelines.resources import WarehouseResource
from pipelines.transform.checks import linkage_quality, overlaps_and_gaps_match_truth
from pipelines.transform.dbt_assets import dbt_asset_groups

refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all(),
    description="Load every new extract, validate it and rebuild the models downstream",
)

defs = dg.Definitions(
    assets=[*ingest_assets, *dbt_asset_groups, analytics_warehouse, partnership_report],
    asset_checks=[
        linkage_quality,
        overlaps_and_gaps_match_truth,
        marts_not_empty,
        extract_recency,
    ],
    jobs=[refresh_job],
    sensors=[build_landing_sensor(refresh_job)],
    resources={
        "warehouse": WarehouseResource(),
        "dbt": DbtCliResource(project_dir=send_dbt_project),
    },
    loggers={"console": dg.colored_console_logger, "progress": step_progress_logger},
    # DuckDB takes one writer at a time: every step runs in one process, one after another.
    executor=dg.in_process_executor,
)
