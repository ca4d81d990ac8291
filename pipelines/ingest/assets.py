"""One Dagster asset per source table, with its quarantine check reported inline, and one
observation per source of what its landing folder holds.

Data versions make a refresh redo only what changed: the landing observation of a table is the
sha256 of the extract a load would pick, and the raw table's data version is the sha256 of the
extract in force. A new extract changes the observation, so the raw table and everything built
from it become stale in Dagster; an unchanged reload keeps the raw table's version, so nothing
downstream does.
"""

import warnings
from datetime import date
from hashlib import sha256

import dagster as dg

from pipelines.code_versions import source_digest
from pipelines.ingest.catalogue import SOURCE_TABLES, SourceTable
from pipelines.ingest.deliveries import Delivery, delivery
from pipelines.ingest.load import LoadOutcome, ingest_table, newest_extract, sha256_of
from pipelines.ingest.sen2_header import HEADER, MODULES, check_header
from pipelines.privacy.storage import open_database
from pipelines.resources import WarehouseResource
from schemas.common import ContractError

QUARANTINE_CHECK = "quarantine_rate"
VOLUME_CHECK = "extract_volume"


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


def ingest_key(spec: SourceTable) -> dg.AssetKey:
    return dg.AssetKey(["raw", spec.table])


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


def folder_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["landing", source])


DELIVERY_CHECKS = {
    "files_recognised": "Every file in the folder matches a documented extract name, so none is "
    "left unloaded in silence",
    "delivery_complete": "The newest delivery has an extract of every table of the source",
    "delivery_on_time": "The newest extract is not older than SEND_DELIVERY_OVERDUE_DAYS",
}


def delivery_check_results(found: Delivery, overdue_days: int, today: date):
    """The three delivery checks of a source's landing folder, as Dagster check results."""
    key = folder_key(found.source)
    unrecognised = [file.describe() for file in found.unrecognised]
    yield dg.AssetCheckResult(
        asset_key=key,
        check_name="files_recognised",
        passed=not unrecognised,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"unrecognised_files": dg.MetadataValue.json(unrecognised)},
        description="; ".join(unrecognised) or "every file matches a documented name",
    )
    yield dg.AssetCheckResult(
        asset_key=key,
        check_name="delivery_complete",
        passed=found.complete,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "delivery": str(found.newest),
            "missing_tables": dg.MetadataValue.json(list(found.missing)),
            "extract_dates": dg.MetadataValue.json(
                {table: str(dated) for table, dated in found.tables.items()}
            ),
        },
        description=found.summary(today, overdue_days),
    )
    yield dg.AssetCheckResult(
        asset_key=key,
        check_name="delivery_on_time",
        passed=not found.overdue(today, overdue_days),
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "delivery": str(found.newest),
            "days_old": found.days_old(today),
            "overdue_after_days": overdue_days,
        },
        description=found.summary(today, overdue_days),
    )


def build_landing_observation(source: str) -> dg.AssetsDefinition:
    """What the source's landing folder holds: per table the extract a load would pick, and
    for the folder as a whole whether the newest delivery is complete, on time and recognised."""
    specs = [spec for spec in SOURCE_TABLES if spec.source == source]
    folder = folder_key(source)

    @dg.multi_observable_source_asset(
        name=f"{source}_landing_files",
        specs=[
            dg.AssetSpec(
                folder,
                group_name=f"{source}_landing",
                description=f"Every file in data/landing/{source}/: the {source}'s deliveries",
                tags={"source": source, "layer": "landing"},
            ),
            *(
                dg.AssetSpec(
                    landing_key(spec),
                    group_name=f"{source}_landing",
                    description=f"The {spec.table} extract delivered to data/landing/{source}/ "
                    f"({' or '.join(spec.patterns)}); its data version is the file's sha256",
                    tags={"source": source, "layer": "landing"},
                )
                for spec in specs
            ),
        ],
        check_specs=[
            dg.AssetCheckSpec(name, asset=folder, description=description)
            for name, description in DELIVERY_CHECKS.items()
        ],
    )
    def _observe(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        settings = warehouse.settings()
        landing_dir = settings.landing_dir
        for spec in specs:
            version, metadata = landing_version(spec, landing_dir)
            yield dg.ObserveResult(
                asset_key=landing_key(spec), data_version=version, metadata=metadata
            )
        listing = sorted(
            (path.name, path.stat().st_size)
            for path in (landing_dir / source).glob("*")
            if path.is_file()
        )
        yield dg.ObserveResult(
            asset_key=folder,
            data_version=dg.DataVersion(sha256(repr(listing).encode()).hexdigest()),
            metadata={"files": len(listing)},
            check_results=list(
                delivery_check_results(
                    delivery(source, landing_dir), settings.delivery_overdue_days, date.today()
                )
            ),
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
                asset=ingest_key(spec),
                description="Share of delivered rows quarantined by the data contract",
            ),
            dg.AssetCheckSpec(
                VOLUME_CHECK,
                asset=ingest_key(spec),
                description=(
                    "A newer extract is loaded only when its row count is plausible against the "
                    "extract in force and its last line is whole; otherwise it is held until an "
                    "operator accepts it (send-pipeline accept FILE)"
                ),
            ),
        ],
        tags={"source": spec.source, "layer": "raw"},
    )
    def _ingest(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        settings = warehouse.settings()
        try:
            outcome = ingest_table(
                spec,
                settings.landing_dir,
                settings.restricted_db,
                volume_tolerance=settings.volume_tolerance,
            )
        except ContractError as error:
            raise dg.Failure(description=str(error), allow_retries=False) from error
        context.log.info(
            f"{spec.table}: {outcome.status}, {outcome.rows_loaded} rows loaded, "
            f"{outcome.rows_quarantined} quarantined from {outcome.file_path}"
        )
        if outcome.message:
            context.log.warning(outcome.message)
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
                **({"sen2_spec_version": outcome.spec_version} if outcome.spec_version else {}),
            },
            check_results=[
                _check_result(spec, outcome, settings.quarantine_rate_threshold),
                dg.AssetCheckResult(
                    check_name=VOLUME_CHECK,
                    passed=outcome.status != "held",
                    severity=dg.AssetCheckSeverity.ERROR,
                    description=outcome.message or "the extract in force is the newest delivered",
                    metadata={"status": outcome.status, "tolerance": settings.volume_tolerance},
                ),
            ],
        )

    return _ingest


def build_return_asset(source: str) -> dg.AssetsDefinition:
    """The supplier's data-quality return, rewritten whenever one of its tables is loaded."""

    @dg.asset(
        name=f"{source}_data_quality_return",
        key_prefix=["returns"],
        deps=[ingest_key(spec) for spec in SOURCE_TABLES if spec.source == source],
        group_name=f"{source}_landing",
        kinds={"excel"},
        code_version=source_digest("pipelines/ingest/returns.py"),
        description=(
            f"The {source}'s data-quality return: every row of its current extracts the contracts "
            "kept out and every identifier set to blank, with file, row, column, value, the rule "
            "in plain words and how to fix it, and a summary against the previous delivery "
            "(restricted: <warehouse>/returns/, to send back to the supplier)"
        ),
        tags={"source": source},
    )
    def _return(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        from pipelines.ingest.returns import write_return

        settings = warehouse.settings()
        path, rows = write_return(settings.restricted_db, source, settings.returns_dir)
        context.log.info(f"{source}: data-quality return of {rows} rows written to {path}")
        return dg.MaterializeResult(
            metadata={"return": dg.MetadataValue.path(str(path)), "rows_listed": rows}
        )

    return _return


@dg.asset_check(
    asset=dg.AssetKey(["raw", HEADER]),
    name="sen2_header",
    additional_deps=[dg.AssetKey(["raw", table]) for table in MODULES if table != HEADER],
    description=(
        "The city's SEN2 header names the city (LA 892) and a reference date that fits the "
        "export, and every Blade module in force is from the header's export, of one spec "
        "version, with its people under that header"
    ),
)
def sen2_header(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with open_database(warehouse.settings().restricted_db, read_only=True) as con:
        report = check_header(con)
    return dg.AssetCheckResult(
        passed=report.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description="; ".join(report.findings) or "the export's modules are one return",
        metadata={
            "lea": report.lea or "",
            "reference_date": report.reference_date or "",
            "export_date": report.export_date or "",
            "sen2_spec_version": report.spec_version or "",
            "module_spec_versions": dg.MetadataValue.json(report.spec_versions),
        },
    )


landing_observations = [build_landing_observation(source) for source in SOURCES]
ingest_assets = [build_ingest_asset(spec) for spec in SOURCE_TABLES]
return_assets = [build_return_asset(source) for source in SOURCES]
