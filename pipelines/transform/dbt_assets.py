"""The dbt project as Dagster assets, one asset group per source system and layer.

Each entry of DBT_SELECTIONS is one Dagster step, one dbt invocation. Staging is split by source
so that a county extract that fails its contract holds back only the county's staging models;
the city and the ICB still build on their fresh data. Identity resolution, the commissioning
models and the marts depend on each other in a line, so they are one step: one dbt invocation
(dbt's start-up, about 3 seconds, paid once) for whatever a refresh rebuilds of them. The asset
groups in the UI follow the folders (SendDbtTranslator), not the steps.
"""

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from pipelines.code_versions import source_digest
from pipelines.config import dbt_environment
from pipelines.ingest.load import delivery_label
from pipelines.privacy.storage import open_database
from pipelines.project import reused_parse, send_dbt_project
from pipelines.resources import WarehouseResource

# asset group → dbt selection
DBT_SELECTIONS = {
    "reference_data": "resource_type:seed",
    "city_staging": "path:models/staging/city",
    "county_staging": "path:models/staging/county",
    "icb_staging": "path:models/staging/icb",
    "linked_models": "path:models/intermediate path:models/marts",
}

QUARANTINE_SOURCE = "source.send.audit.current_quarantine"


class SendDbtTranslator(DagsterDbtTranslator):
    """Group dbt assets by layer and source system, as the folder tree already does."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference_data"
        fqn = dbt_resource_props["fqn"]
        if len(fqn) > 2 and fqn[1] == "staging":
            return f"{fqn[2]}_staging"
        if len(fqn) > 3 and fqn[1] == "intermediate":
            return fqn[2]
        return fqn[1] if len(fqn) > 2 else "dbt"

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: Any
    ) -> dg.AssetSpec:
        """A model that reads the current quarantine depends on every ingest asset: each writes
        its table's quarantined rows there (audit.current_quarantine, a dbt source no asset
        materialises), so a delivery from one source must rebuild the model, not leave it with
        last month's quarantine."""
        spec = super().get_asset_spec(manifest, unique_id, project)
        reads = manifest["nodes"].get(unique_id, {}).get("depends_on", {}).get("nodes", [])
        if QUARANTINE_SOURCE in reads:
            ingest = [
                self.get_asset_spec(manifest, source, project).key
                for source, props in manifest["sources"].items()
                if props["source_name"] == "raw"
            ]
            spec = spec.merge_attributes(deps=ingest)
        return spec

    def get_code_version(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """The checksum of the model's SQL; for a Python model, of the project code it runs too
        (identity resolution is the linkage engine: a change to it must rebuild the identity)."""
        version = super().get_code_version(dbt_resource_props)
        if dbt_resource_props.get("language") == "python" and version:
            version = f"{version[:16]}-{source_digest('pipelines/linkage')}"
        return version


def build_dbt_assets(name: str, select: str, manifest: Mapping[str, Any]) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=manifest,
        project=send_dbt_project,
        select=select,
        name=name,
        dagster_dbt_translator=SendDbtTranslator(),
    )
    def _dbt_build(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
    ):
        settings = warehouse.settings()
        # A full build: "buildable", a test runs in the step that builds the last of its
        # parents, never before. A refresh of some models (the rest of the warehouse is in
        # place): "eager", every test of a rebuilt model runs, also one that refers to a table
        # this run does not rebuild (a staging model's test against a reference seed).
        indirect = "eager" if context.is_subset else "buildable"
        with dbt_environment(settings), reused_parse(settings.restricted_db, name) as target:
            invocation = dbt.cli(
                ["build", "--indirect-selection", indirect], context=context, target_path=target
            )
            # dbt holds the warehouse's only write lock until it exits, so rows are counted
            # after the build (dagster-dbt's fetch_row_counts would count while dbt writes).
            events = list(invocation.stream())
        yield from with_row_counts(events, invocation.manifest, settings.restricted_db, context.log)

    return _dbt_build


def _unique_id(event: Any) -> str | None:
    """The dbt unique_id of a model's output event (None for any other event)."""
    if isinstance(event, dg.Output) and "unique_id" in event.metadata:
        return event.metadata["unique_id"].value
    return None


def with_row_counts(
    events: list[Any], manifest: Mapping[str, Any], database: Path, log: Any
) -> Iterator[Any]:
    """The events, each model's output carrying its row count (dagster/row_count) for the UI.

    Views are counted too: the staging views are plain selects over the loaded extracts, and
    their row counts are what engineers compare with the files delivered.
    """
    nodes = manifest["nodes"]
    relations = {
        uid: nodes[uid]["relation_name"]
        for uid in map(_unique_id, events)
        if uid in nodes and nodes[uid].get("relation_name")
    }
    counts: dict[str, int] = {}
    deliveries = ""
    try:
        with open_database(database, read_only=True) as con:
            for uid, relation in relations.items():
                counts[uid] = con.execute(f"select count(*) from {relation}").fetchone()[0]
            deliveries = delivery_label(con)
    except duckdb.Error as error:  # a count is for information: never fail the build for it
        log.warning(f"row counts not recorded: {error}")
    for event in events:
        count = counts.get(_unique_id(event))
        if count is not None:
            event = event.with_metadata(
                {
                    **event.metadata,
                    "dagster/row_count": dg.MetadataValue.int(count),
                    "deliveries": deliveries,
                }
            )
        yield event


# the manifest read once for all the steps (a few MB of JSON)
_manifest = json.loads(send_dbt_project.manifest_path.read_text())
dbt_asset_groups = [
    build_dbt_assets(name, select, _manifest) for name, select in DBT_SELECTIONS.items()
]
