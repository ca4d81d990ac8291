"""Pick up new or changed extracts in the landing zone and refresh what they change."""

from __future__ import annotations

import hashlib
import json

import dagster as dg

from pipelines.ingest.assets import landing_key, landing_version
from pipelines.ingest.catalogue import SOURCE_TABLES
from pipelines.resources import WarehouseResource


def landing_fingerprint(landing_dir) -> dict[str, list]:
    """Name, size and modification time of every recognised landing file."""
    seen: dict[str, list] = {}
    for spec in SOURCE_TABLES:
        for _, path in spec.candidates(landing_dir):
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

        landing_dir = warehouse.settings().landing_dir
        fingerprint = landing_fingerprint(landing_dir)
        digest = hashlib.sha256(json.dumps(fingerprint).encode()).hexdigest()
        if not fingerprint:
            return dg.SkipReason("no extracts in the landing zone")
        if digest == context.cursor:
            return dg.SkipReason("no new or changed extracts")
        # Record what landed first, so that Dagster's staleness sees it.
        for spec in SOURCE_TABLES:
            version, metadata = landing_version(spec, landing_dir)
            context.instance.report_runless_asset_event(
                dg.AssetObservation(
                    landing_key(spec),
                    metadata=metadata,
                    tags={"dagster/data_version": version.value},
                )
            )
        graph = context.repository_def.asset_graph
        scope = [k for k in graph.toposorted_asset_keys if graph.get(k).is_materializable]
        stale = out_of_date(graph, context.instance, scope)
        context.update_cursor(digest)
        if not stale:
            return dg.SkipReason("extracts touched, but none with new content")
        return dg.RunRequest(run_key=digest, asset_selection=list(stale))

    return landing_sensor
