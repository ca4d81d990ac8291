"""Pick up new or changed extracts in the landing zone and refresh the graph."""

from __future__ import annotations

import hashlib
import json

import dagster as dg

from pipelines.config import get_settings
from pipelines.ingest.catalogue import SOURCE_TABLES


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
        description="Starts a refresh when an extract is added to or replaced in data/landing/",
    )
    def landing_sensor(context: dg.SensorEvaluationContext):
        fingerprint = landing_fingerprint(get_settings().landing_dir)
        digest = hashlib.sha256(json.dumps(fingerprint).encode()).hexdigest()
        if not fingerprint:
            return dg.SkipReason("no extracts in the landing zone")
        if digest == context.cursor:
            return dg.SkipReason("no new or changed extracts")
        context.update_cursor(digest)
        return dg.RunRequest(run_key=digest)

    return landing_sensor
