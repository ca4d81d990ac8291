"""Pick up new or changed extracts in the landing zone and refresh what they change."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import dagster as dg

from pipelines.ingest.assets import (
    delivery_check_results,
    ingest_key,
    landing_key,
    landing_version,
)
from pipelines.ingest.catalogue import SOURCE_TABLES, SOURCES
from pipelines.ingest.deliveries import deliveries
from pipelines.resources import WarehouseResource


def landing_fingerprint(landing_dir) -> dict[str, list]:
    """Name, size and modification time of every file in the sources' landing folders, those
    matching no documented name included (they are reported, never skipped in silence)."""
    seen: dict[str, list] = {}
    for source in SOURCES:
        folder = Path(landing_dir) / source
        for path in folder.iterdir() if folder.is_dir() else ():
            if path.is_file() and not path.name.startswith("."):
                stat = path.stat()
                seen[str(path)] = [stat.st_size, stat.st_mtime_ns]
    return dict(sorted(seen.items()))


def build_landing_sensor(job: dg.UnresolvedAssetJobDefinition) -> dg.SensorDefinition:
    @dg.sensor(
        job=job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="When an extract is added to or replaced in the landing zone: observes the "
        "landing files and starts a refresh of the assets they made stale, and what depends on "
        "them (as `send-pipeline run` does)",
    )
    def landing_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
        from pipelines.refresh import out_of_date

        settings = warehouse.settings()
        landing_dir = settings.landing_dir
        fingerprint = landing_fingerprint(landing_dir)
        digest = hashlib.sha256(json.dumps(fingerprint).encode()).hexdigest()
        if not fingerprint:
            return dg.SkipReason("no extracts in the landing zone")
        if digest == context.cursor:
            return dg.SkipReason("no new or changed extracts")
        found = deliveries(landing_dir)
        notes = _report_delivery_checks(context, found, settings.delivery_overdue_days)
        # A source's new files wait until its delivery is complete: a refresh on half a
        # delivery would mix this month's tables with last month's.
        held = {source for source, d in found.items() if d.newest is not None and not d.complete}
        for spec in SOURCE_TABLES:
            if spec.source in held:
                continue
            version, metadata = landing_version(spec, landing_dir)
            context.instance.report_runless_asset_event(
                dg.AssetObservation(
                    landing_key(spec),
                    metadata=metadata,
                    tags={"dagster/data_version": version.value},
                )
            )
        graph = context.repository_def.asset_graph
        waiting = {landing_key(spec) for spec in SOURCE_TABLES if spec.source in held}
        waiting |= {ingest_key(spec) for spec in SOURCE_TABLES if spec.source in held}
        scope = [
            key
            for key in graph.toposorted_asset_keys
            if graph.get(key).is_materializable and key not in waiting
        ]
        stale = out_of_date(graph, context.instance, scope)
        context.update_cursor(digest)
        for note in notes:
            context.log.warning(note)
        if not stale:
            return dg.SkipReason(
                " | ".join(["extracts touched, but none with new content to load", *notes])
            )
        return dg.RunRequest(run_key=digest, asset_selection=list(stale))

    return landing_sensor


def _report_delivery_checks(context, found: dict, overdue_days: int) -> list[str]:
    """Record each source's delivery checks (files recognised, complete, on time) in Dagster,
    and return what an engineer should hear about."""
    notes = []
    today = date.today()
    for summary in found.values():
        for result in delivery_check_results(summary, overdue_days, today):
            context.instance.report_runless_asset_event(
                dg.AssetCheckEvaluation(
                    asset_key=result.asset_key,
                    check_name=result.check_name,
                    passed=result.passed,
                    metadata=result.metadata,
                    severity=result.severity,
                    description=result.description,
                )
            )
        notes.extend(f"unrecognised file {file.describe()}" for file in summary.unrecognised)
        if summary.newest is not None and not summary.complete:
            notes.append(f"{summary.summary(today, overdue_days)}: its new files are held")
    return notes
