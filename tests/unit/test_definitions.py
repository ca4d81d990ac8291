"""The code location loads, and lineage joins from landing file to staging model."""

import dagster as dg


def test_definitions_load_and_validate():
    from pipelines.definitions import defs

    dg.Definitions.validate_loadable(defs)
    assert defs.resolve_job_def("refresh") is not None


def test_every_dbt_source_is_an_ingest_asset_and_feeds_staging():
    from pipelines.definitions import defs
    from pipelines.ingest.catalogue import SOURCE_TABLES

    graph = defs.resolve_asset_graph()
    keys = graph.get_all_asset_keys()
    for spec in SOURCE_TABLES:
        raw_key = dg.AssetKey(["raw", spec.table])
        assert raw_key in keys
        downstream = {k.path[-1] for k in graph.get(raw_key).child_keys}
        assert any(name.startswith(f"stg_{spec.source}__") for name in downstream), spec.table
