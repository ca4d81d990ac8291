"""One Dagster asset per source table, with its quarantine check reported inline."""

import dagster as dg

from pipelines.ingest.catalogue import SOURCE_TABLES, SourceTable
from pipelines.ingest.load import LoadOutcome, ingest_table
from pipelines.resources import WarehouseResource
from schemas.validate import ContractError

QUARANTINE_CHECK = "quarantine_rate"


def _check_result(spec: SourceTable, outcome: LoadOutcome, threshold: float) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name=QUARANTINE_CHECK,
        passed=outcome.quarantine_rate <= threshold,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "rows_quarantined": outcome.rows_quarantined,
            "quarantine_rate": dg.MetadataValue.float(round(outcome.quarantine_rate, 6)),
            "threshold": threshold,
            "values_nullified": outcome.values_nullified,
            "failures_by_rule": dg.MetadataValue.json(outcome.reasons),
        },
        description=(
            f"{outcome.rows_quarantined} of {outcome.rows_read} rows of {spec.table} quarantined; "
            "see audit.current_quarantine for file, row, column, value and reason"
        ),
    )


def build_ingest_asset(spec: SourceTable) -> dg.AssetsDefinition:
    @dg.asset(
        name=spec.table,
        key_prefix=["raw"],
        group_name=f"{spec.source}_landing",
        kinds={"polars", "duckdb"},
        description=spec.description,
        check_specs=[
            dg.AssetCheckSpec(
                QUARANTINE_CHECK,
                asset=dg.AssetKey(["raw", spec.table]),
                description="Share of delivered rows quarantined by the data contract",
            )
        ],
        tags={"source": spec.source, "layer": "raw"},
    )
    def _ingest(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        settings = warehouse.settings()
        try:
            outcome = ingest_table(spec, settings.landing_dir, settings.restricted_db)
        except ContractError as error:
            raise dg.Failure(description=str(error), allow_retries=False) from error
        context.log.info(
            f"{spec.table}: {outcome.status}, {outcome.rows_loaded} rows loaded, "
            f"{outcome.rows_quarantined} quarantined from {outcome.file_path}"
        )
        yield dg.MaterializeResult(
            metadata={
                "status": outcome.status,
                "file": dg.MetadataValue.path(outcome.file_path),
                "extract_date": str(outcome.extract_date),
                "rows_read": outcome.rows_read,
                "dagster/row_count": outcome.rows_loaded,
                "rows_quarantined": outcome.rows_quarantined,
                "values_nullified": outcome.values_nullified,
                "load_id": outcome.load_id or "",
            },
            check_results=[_check_result(spec, outcome, settings.quarantine_rate_threshold)],
        )

    return _ingest


ingest_assets = [build_ingest_asset(spec) for spec in SOURCE_TABLES]
