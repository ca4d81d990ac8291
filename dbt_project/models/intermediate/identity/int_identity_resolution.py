"""Identity resolution run: person records → children with persistent keys.

Runs the project's linkage engine (`pipelines/linkage`, configured in `linkage.yml`) inside the
restricted warehouse. The first run links everything; later runs link incrementally against the
previous run's state in the `identity` schema, so an existing child's key changes only by a
recorded merge or split. The engine writes its tables to `identity` (prepared records, scored
pairs, evidence, review queue, crosswalk, key history, parameters); this model keeps one row per
run as the run log.
"""

from datetime import UTC, datetime


def model(dbt, session):
    dbt.config(materialized="incremental", on_schema_change="append_new_columns")

    import json

    import polars as pl

    from pipelines.config import get_settings
    from pipelines.linkage import link, load_config
    from pipelines.linkage.engine import DEFAULT_SCHEMA
    from pipelines.privacy.pseudonymise import check_key, event_key_salt, load_key

    config = load_config()
    schema = DEFAULT_SCHEMA
    dbt.ref("int_person_records_unioned").create_view("_identity_records", replace=True)
    dbt.ref("clerical_decisions").create_view("_identity_decisions", replace=True)
    has_state = session.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = 'crosswalk'",
        [schema],
    ).fetchall()[0][0]
    run_at = datetime.now(UTC)
    key = load_key(get_settings().key_file)
    check_key(session, key, schema)  # never another key than the one the keys were made with
    # The salt of the pseudonymous event keys in the analysts' marts (int_event_key_salt).
    session.execute(f"create schema if not exists {schema}")
    session.execute(
        f"create or replace table {schema}.event_key_salt as select ? as salt",
        [event_key_salt(key)],
    )
    result = link(
        session,
        "_identity_records",
        key=key,
        previous_state=schema if has_state else None,
        decisions="_identity_decisions",
        config=config,
        run_at=run_at,
    )
    return pl.DataFrame(
        {
            "run_at": [run_at.replace(tzinfo=None)],
            "mode": [result.mode],
            "records": [result.records],
            "new_records": [result.new_records],
            "removed_records": [result.removed_records],
            "candidate_pairs": [result.candidate_pairs],
            "links": [result.links],
            "children": [result.children],
            "review_pairs": [result.review_pairs],
            "proposed_merges": [result.proposed_merges],
            "merges": [result.merges],
            "splits": [result.splits],
            "new_keys": [result.new_keys],
            "parameters_estimated": [result.parameters_estimated],
            "estimated_precision": [result.quality.get("estimated_precision")],
            "estimated_recall": [result.quality.get("estimated_recall")],
            "pairs_by_pass": [json.dumps(result.pass_pairs)],
            "seconds_by_stage": [json.dumps(result.timings)],
        }
    )
