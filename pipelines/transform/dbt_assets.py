"""The dbt project as Dagster assets, one asset group per source system and layer.
Staging is split by source so that a county extract that fails its contract holds back only the
county's staging models; the city and the ICB still build on their fresh data.
"""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from pipelines.config import export_dbt_environment
from pipelines.project import send_dbt_project
from pipelines.resources import WarehouseResource

# asset group → dbt selection
DBT_SELECTIONS = {
    "reference_data": "resource_type:seed",
    "city_staging": "path:models/staging/city",
    "county_staging": "path:models/staging/county",
    "icb_staging": "path:models/staging/icb",
    "identity": "path:models/intermediate/identity",
    "commissioning": "path:models/intermediate/commissioning",
    "marts": "path:models/marts",
}


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


def build_dbt_assets(name: str, select: str) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=send_dbt_project.manifest_path,
        project=send_dbt_project,
        select=select,
        name=name,
        dagster_dbt_translator=SendDbtTranslator(),
    )
    def _dbt_build(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
    ):
        export_dbt_environment(warehouse.settings())
        # "buildable": a test runs in the step that builds the last of its parents, never before.
        yield from dbt.cli(["build", "--indirect-selection", "buildable"], context=context).stream()

    return _dbt_build


dbt_asset_groups = [build_dbt_assets(name, select) for name, select in DBT_SELECTIONS.items()]
