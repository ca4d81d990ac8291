"""One Dagster asset per source table, with its quarantine check reported inline, and one
observation per source of what its landing folder holds.

Data versions make a refresh redo only what changed: the landing observation of a table is the
sha256 of the extract a load would pick, and the raw table's data version is the sha256 of the
extract in force. A new extract changes the observation, so the raw table and everything built
from it become stale in Dagster; an unchanged reload keeps the raw table's version, so nothing
downstream does.
"""

import warnings

import dagster as dg

from pipelines.ingest.catalogue import SOURCE_TABLES, SourceTable
from pipelines.ingest.load import LoadOutcome, ingest_table, newest_extract, sha256_of
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


# Observable multi-assets and selections that include them are marked beta in Dagster 1.13; the
# data-version machinery they feed is stable. Said once here, not on every import.
warnings.filterwarnings("ignore", category=dg.BetaWarning)

SOURCES = tuple(dict.fromkeys(spec.source for spec in SOURCE_TABLES))


def landing_key(spec: SourceTable) -> dg.AssetKey:
    return dg.AssetKey(["landing", spec.table])


def landing_version(spec: SourceTable, landing_dir) -> tuple[dg.DataVersion, dict]:
    """The data version of a table's landing file (sha256 of the extract a load would pick;
    "none" before any is delivered) and what to show beside it."""
    newest = newest_extract(spec, landing_dir)
    if newest is None:
        return dg.DataVersion("none"), {"file": "none delivered"}
    extract_date, path = newest
    return dg.DataVersion(sha256_of(path)), {
        "file": dg.MetadataValue.path(str(path)),
        "extract_date": str(extract_date),
    }


def build_landing_observation(source: str) -> dg.AssetsDefinition:
    """What the source's landing folder holds, per table: the extract a load would pick."""
    specs = [spec for spec in SOURCE_TABLES if spec.source == source]

    @dg.multi_observable_source_asset(
        name=f"{source}_landing_files",
        specs=[
            dg.AssetSpec(
                landing_key(spec),
                group_name=f"{source}_landing",
                description=f"The {spec.table} extract delivered to data/landing/{source}/ "
                f"({' or '.join(spec.patterns)}); its data version is the file's sha256",
                tags={"source": source, "layer": "landing"},
            )
            for spec in specs
        ],
    )
    def _observe(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        landing_dir = warehouse.settings().landing_dir
        for spec in specs:
            version, metadata = landing_version(spec, landing_dir)
            yield dg.ObserveResult(
                asset_key=landing_key(spec), data_version=version, metadata=metadata
            )

    return _observe


def build_ingest_asset(spec: SourceTable) -> dg.AssetsDefinition:
    @dg.asset(
        name=spec.table,
        key_prefix=["raw"],
        deps=[landing_key(spec)],
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
            # The extract in force: unchanged when nothing new was loaded.
            data_version=dg.DataVersion(outcome.sha256) if outcome.sha256 else None,
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


landing_observations = [build_landing_observation(source) for source in SOURCES]
ingest_assets = [build_ingest_asset(spec) for spec in SOURCE_TABLES]
