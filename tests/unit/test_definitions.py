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


def test_every_warn_level_dbt_test_says_why_it_only_warns():
    """An engineer seeing a warning in the UI reads what it means (records orphaned by
    quarantine, typically) without opening the YAML."""
    import json

    from pipelines.project import prepare_manifest, send_dbt_project

    prepare_manifest()
    manifest = json.loads(send_dbt_project.manifest_path.read_text())
    warn = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and node["config"].get("severity", "").lower() == "warn"
    ]
    assert warn
    assert [t["name"] for t in warn if len(t.get("description") or "") < 40] == []


def test_loading_the_definitions_does_not_load_the_validation_library():
    """Every command, the UI's code server and the identity resolution's dbt model load the
    definitions or the linkage; Pandera (and pandas with it) costs about a second and is needed
    only to validate a new extract, so a run with nothing new does not pay for it."""
    import subprocess
    import sys

    probe = (
        "import sys, pipelines.definitions, pipelines.linkage, pipelines.ingest.load; "
        "print(sorted(m for m in ('pandera', 'pandas') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


def test_processes_that_find_the_manifest_stale_parse_it_one_at_a_time():
    """Test workers or a run beside the UI, started after a model changed, each find the dbt
    manifest stale. One parses while the others wait on its lock (dbt writes the manifest in
    pieces: two at once left a broken one that failed every later import), and the manifest
    is renamed into place whole."""
    import fcntl
    import json
    import threading

    from pipelines.project import prepare_manifest

    manifest = prepare_manifest()
    before = manifest.stat().st_mtime_ns
    parsed = threading.Event()
    second = threading.Thread(target=lambda: (prepare_manifest(force=True), parsed.set()))
    with open(manifest.parent / ".manifest.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a first process parsing
        second.start()
        # longer than a parse takes here (about 5 s): without the lock it would be done
        assert not parsed.wait(timeout=12)
        assert manifest.stat().st_mtime_ns == before
    second.join(timeout=300)
    assert parsed.is_set()
    assert manifest.stat().st_mtime_ns > before
    assert json.loads(manifest.read_text())["nodes"]
